"""Download a user-supplied URL to a staging file, defensively.

ffmpeg never fetches URLs itself; this module does, for the ``fetch_url`` job:

- http and https only, no credentials in the URL;
- the host is resolved **once**; every address it resolves to must be public
  (not private, loopback, link-local - cloud metadata lives there -, multicast,
  reserved, shared or unspecified; IPv4 inside IPv6 is unwrapped first) unless
  ``allow_private``; the connection then goes to one of exactly those addresses, with
  the URL's host in ``Host`` and in TLS SNI and certificate checks. Letting an HTTP
  client resolve the name again would let a DNS answer that changed in between
  (DNS rebinding) reach loopback or the metadata service;
- every redirect hop is pinned and checked the same way; a redirect anywhere but
  http(s) (``data:``, ``file:``) is refused;
- size, redirect count, a wall-clock deadline and a minimum rate hold whatever the
  server sends: :class:`DownloadGuard` watches from its own thread and shuts the
  socket down when a rule trips.

The body is hashed while it is written (``StagingWriter``).
"""

from __future__ import annotations

import errno
import http.client
import ipaddress
import os
import re
import select
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from mediadesk import __version__
from mediadesk.engine.process import CancelToken
from mediadesk.errors import ErrorCode, InvalidInput, MediaDeskError, TransientError
from mediadesk.handlers.download_guard import TICK_S, DownloadGuard, FetchLimits
from mediadesk.storage.base import StagedFile, StagingWriter

__all__ = ["FetchLimits", "Fetched", "Network", "download", "is_public_address", "pin"]

ProgressFn = Callable[[int, int | None], None]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CHUNK = 256 * 1024
CONNECT_S = 15.0
# A read that gets nothing for this long fails even with no minimum rate configured.
STALL_S = 120.0
REDIRECTS = (301, 302, 303, 307, 308)
# What may appear in the request target as it is; anything else is percent-encoded.
_SAFE_TARGET = "/%:@!$&'()*+,;=-._~?"


def system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: IPAddress) -> bool:
    """True for an address on the public internet (what a URL import may reach)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return is_public_address(embedded)
        if address.teredo is not None:
            return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


@dataclass(frozen=True)
class Network:
    """How names are resolved and which addresses count as public (tests inject both)."""

    resolve: Callable[[str, int], list[str]] = system_resolve
    is_public: Callable[[IPAddress], bool] = is_public_address
    ssl_context: ssl.SSLContext | None = None  # None: the system's trust store


@dataclass(frozen=True)
class Pinned:
    """A checked URL: where to connect (the addresses) and what to ask for."""

    url: str
    https: bool
    host: str  # ASCII (IDNA), for Host, SNI and the certificate check
    port: int
    target: str  # path and query
    addresses: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Fetched:
    staged: StagedFile
    filename: str
    final_url: str


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.URL_REFUSED)


def check_syntax(url: str) -> None:
    """What can be said about a URL without resolving it (at submit time, say)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise _refuse(f"{url[:200]}: only http and https URLs can be imported")
    if not parts.hostname:
        raise _refuse(f"{url}: the URL has no host")
    if parts.username or parts.password:
        raise _refuse(f"{url}: credentials in URLs are not accepted")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        raise _refuse(f"{url}: the port is not valid") from None
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        raise _refuse(f"{url!r}: the URL contains control characters")


def pin(url: str, allow_private: bool, network: Network) -> Pinned:
    """Check ``url`` and resolve its host once; the connection goes to these addresses."""
    check_syntax(url)
    parts = urlsplit(url)
    https = parts.scheme.lower() == "https"
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        raise _refuse(f"{url}: the host name is not valid") from None
    port = parts.port or (443 if https else 80)
    target = quote(parts.path or "/", safe=_SAFE_TARGET)
    if parts.query:
        target += "?" + quote(parts.query, safe=_SAFE_TARGET)
    try:
        addresses = network.resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise InvalidInput(f"{url}: cannot resolve {host}", code=ErrorCode.DOWNLOAD_FAILED) from exc
    if not addresses:
        raise InvalidInput(f"{url}: {host} has no address", code=ErrorCode.DOWNLOAD_FAILED)
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            raise _refuse(f"{url}: {host} resolved to {address!r}, not an address") from None
        if not allow_private and not network.is_public(ip):
            raise _refuse(f"{url}: {host} resolves to {ip}, a private or local address")
    return Pinned(url, https, host, port, target, tuple(addresses))


def filename_for(disposition: str | None, url: str) -> str:
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition or "", re.IGNORECASE)
    name = unquote(match.group(1)) if match else PurePosixPath(unquote(urlsplit(url).path)).name
    name = name.replace("/", "_").replace("\\", "_").replace("\x00", "").strip() or "download"
    return name[:255]


def download(
    url: str,
    staging_dir: Path,
    limits: FetchLimits,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    network: Network | None = None,
) -> Fetched:
    network = network or Network()
    with DownloadGuard(url, limits, cancel) as guard:
        current = url
        for _hop in range(limits.max_redirects + 1):
            guard.check()
            pinned = pin(current, limits.allow_private, network)
            conn = _open(pinned, guard, network)
            try:
                response = _request(conn, pinned, guard)
                if response.status in REDIRECTS:
                    location = response.getheader("location")
                    if not location:
                        raise InvalidInput(
                            f"{current}: a redirect without a Location",
                            code=ErrorCode.DOWNLOAD_FAILED,
                        )
                    current = urljoin(current, location.strip())
                    continue
                _check_status(response.status, current)
                staged = _save_body(response, staging_dir, limits, guard, progress)
                name = filename_for(response.getheader("content-disposition"), current)
                return Fetched(staged, name, current)
            except MediaDeskError:
                raise
            except (OSError, http.client.HTTPException, ValueError) as exc:
                guard.check()  # a socket the guard shut down says why it was shut
                raise _failure(current, exc) from exc
            finally:
                guard.detach()
                conn.close()
    raise _refuse(f"{url}: more than {limits.max_redirects} redirects")


def _open(pinned: Pinned, guard: DownloadGuard, network: Network) -> http.client.HTTPConnection:
    """A connection to one of the pinned addresses (TLS for https), watched by ``guard``."""
    problems: list[str] = []
    for address in pinned.addresses:
        try:
            sock = _connect(address, pinned.port, guard)
        except MediaDeskError:
            raise
        except OSError as exc:
            guard.check()
            problems.append(f"{address}: {exc.strerror or exc}")
            continue
        try:
            if pinned.https:
                context = network.ssl_context or ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=pinned.host)
        except BaseException as exc:
            guard.detach()
            sock.close()
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise InvalidInput(
                    f"{pinned.url}: the server's certificate is not valid for {pinned.host} "
                    f"({exc.verify_message})",
                    code=ErrorCode.DOWNLOAD_FAILED,
                ) from exc
            if isinstance(exc, OSError):
                guard.check()
                raise _failure(pinned.url, exc) from exc
            raise
        conn_class = http.client.HTTPSConnection if pinned.https else http.client.HTTPConnection
        conn = conn_class(pinned.host, pinned.port, timeout=STALL_S)
        conn.sock = sock  # already connected (and wrapped): http.client never resolves
        return conn
    raise TransientError(
        f"{pinned.url}: cannot connect to {pinned.host} ({'; '.join(problems)})",
        code=ErrorCode.DOWNLOAD_FAILED,
    )


def _connect(address: str, port: int, guard: DownloadGuard) -> socket.socket:
    # Numeric only: this never asks DNS (it builds the socket address, scope id included).
    family, kind, proto, _, sockaddr = socket.getaddrinfo(
        address, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        guard.attach(sock)
        sock.setblocking(False)
        err = sock.connect_ex(sockaddr)
        give_up = time.monotonic() + min(CONNECT_S, max(0.0, guard.remaining()) + TICK_S)
        while err in (errno.EINPROGRESS, errno.EAGAIN, errno.EALREADY):
            guard.check()
            left = give_up - time.monotonic()
            if left <= 0:
                err = errno.ETIMEDOUT
                break
            _, writable, _ = select.select([], [sock], [], min(TICK_S, left))
            if writable:
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            raise OSError(err, os.strerror(err))
        sock.settimeout(STALL_S)
        return sock
    except BaseException:
        guard.detach()
        sock.close()
        raise


def _request(
    conn: http.client.HTTPConnection, pinned: Pinned, guard: DownloadGuard
) -> http.client.HTTPResponse:
    conn.putrequest("GET", pinned.target, skip_accept_encoding=True)
    conn.putheader("User-Agent", f"MediaDesk/{__version__}")
    conn.putheader("Accept", "*/*")
    conn.putheader("Accept-Encoding", "identity")
    conn.putheader("Connection", "close")
    conn.endheaders()
    response = conn.getresponse()
    guard.check()
    return response


def _check_status(status: int, url: str) -> None:
    if status == 200:
        return
    if 400 <= status < 500:
        raise InvalidInput(f"{url}: the server answered {status}", code=ErrorCode.DOWNLOAD_FAILED)
    raise TransientError(f"{url}: the server answered {status}", code=ErrorCode.DOWNLOAD_FAILED)


def _save_body(
    response: http.client.HTTPResponse,
    staging_dir: Path,
    limits: FetchLimits,
    guard: DownloadGuard,
    progress: ProgressFn | None,
) -> StagedFile:
    declared = response.getheader("content-length")
    total = int(declared) if declared and declared.strip().isdigit() else None
    if total is not None and total > limits.max_bytes:
        raise InvalidInput(
            f"{guard.url}: {total} bytes is over the {limits.max_bytes}-byte limit",
            code=ErrorCode.TOO_LARGE,
        )
    with StagingWriter(staging_dir) as writer:
        # read1: whatever one recv brought, so the guard and progress see every byte.
        while chunk := response.read1(CHUNK):
            writer.write(chunk)
            if writer.size > limits.max_bytes:
                raise InvalidInput(
                    f"{guard.url}: larger than the {limits.max_bytes}-byte limit",
                    code=ErrorCode.TOO_LARGE,
                )
            guard.received(writer.size, total)
            if progress is not None:
                progress(writer.size, total)
        guard.check()  # an end of data that was really the guard shutting the socket
        if total is not None and writer.size != total:
            raise TransientError(
                f"{guard.url}: the connection ended after {writer.size} of {total} bytes",
                code=ErrorCode.DOWNLOAD_FAILED,
            )
        return writer.finish()


def _failure(url: str, exc: BaseException) -> MediaDeskError:
    if isinstance(exc, TimeoutError):
        return TransientError(
            f"{url}: the server sent nothing for {STALL_S:g} s", code=ErrorCode.TIMEOUT
        )
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    reason = reason or type(exc).__name__
    return TransientError(f"{url}: download failed ({reason})", code=ErrorCode.DOWNLOAD_FAILED)
