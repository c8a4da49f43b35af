"""Download a user-supplied URL to a staging file, defensively.

ffmpeg never fetches URLs itself. We do it here: http and https only; every hop of a
redirect is checked again; hosts that resolve to private, loopback, link-local,
multicast or reserved addresses are refused (unless ``allow_private_urls``); size,
time and redirect count are capped. The body is hashed while it is written.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from mediadesk.engine.process import CancelToken
from mediadesk.errors import Cancelled, ErrorCode, InvalidInput, TransientError
from mediadesk.storage.base import StagedFile, StagingWriter

if TYPE_CHECKING:
    import httpx

ProgressFn = Callable[[int, int | None], None]


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout_s: float
    max_redirects: int
    allow_private: bool


@dataclass(frozen=True)
class Fetched:
    staged: StagedFile
    filename: str
    final_url: str


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.URL_REFUSED)


def check_url(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _refuse(f"{url}: only http and https URLs can be imported")
    if not parts.hostname:
        raise _refuse(f"{url}: the URL has no host")
    if parts.username or parts.password:
        raise _refuse(f"{url}: credentials in URLs are not accepted")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InvalidInput(f"{url}: cannot resolve {parts.hostname}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        ):
            raise _refuse(
                f"{url}: {parts.hostname} resolves to {address}, a private or local address"
            )


def filename_for(response: httpx.Response, url: str) -> str:
    disposition = response.headers.get("content-disposition", "")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.IGNORECASE)
    name = unquote(match.group(1)) if match else PurePosixPath(unquote(urlsplit(url).path)).name
    name = name.replace("/", "_").replace("\\", "_").strip() or "download"
    return name[:255]


def download(
    url: str,
    staging_dir: Path,
    limits: FetchLimits,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Fetched:
    import httpx  # here, not at the top: most processes never download (start-up time)

    deadline = time.monotonic() + limits.timeout_s
    timeout = httpx.Timeout(30.0, read=60.0)
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False) as client:
        current = url
        for _hop in range(limits.max_redirects + 1):
            check_url(current, limits.allow_private)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InvalidInput(f"{current}: redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    _check_status(response, current)
                    staged = _save_body(response, staging_dir, limits, deadline, progress, cancel)
                    return Fetched(staged, filename_for(response, current), current)
            except httpx.TimeoutException as exc:
                raise TransientError(
                    f"{current}: the server stopped answering", code=ErrorCode.TIMEOUT
                ) from exc
            except httpx.HTTPError as exc:
                raise TransientError(
                    f"{current}: download failed ({exc})", code=ErrorCode.DOWNLOAD_FAILED
                ) from exc
    raise _refuse(f"{url}: more than {limits.max_redirects} redirects")


def _check_status(response: httpx.Response, url: str) -> None:
    if response.status_code == 200:
        return
    if 400 <= response.status_code < 500:
        raise InvalidInput(
            f"{url}: the server answered {response.status_code}", code=ErrorCode.DOWNLOAD_FAILED
        )
    raise TransientError(
        f"{url}: the server answered {response.status_code}", code=ErrorCode.DOWNLOAD_FAILED
    )


def _save_body(
    response: httpx.Response,
    staging_dir: Path,
    limits: FetchLimits,
    deadline: float,
    progress: ProgressFn | None,
    cancel: CancelToken | None,
) -> StagedFile:
    declared = response.headers.get("content-length")
    total = int(declared) if declared and declared.isdigit() else None
    if total is not None and total > limits.max_bytes:
        raise InvalidInput(
            f"{response.url}: {total} bytes is over the {limits.max_bytes}-byte limit",
            code=ErrorCode.TOO_LARGE,
        )
    with StagingWriter(staging_dir) as writer:
        for chunk in response.iter_bytes(1024 * 1024):
            writer.write(chunk)
            if writer.size > limits.max_bytes:
                raise InvalidInput(
                    f"{response.url}: larger than the {limits.max_bytes}-byte limit",
                    code=ErrorCode.TOO_LARGE,
                )
            if time.monotonic() > deadline:
                raise TransientError(
                    f"{response.url}: download took longer than {limits.timeout_s:.0f} s",
                    code=ErrorCode.TIMEOUT,
                )
            if cancel is not None and cancel.cancelled:
                raise Cancelled("import cancelled")
            if progress is not None:
                progress(writer.size, total)
        if total is not None and writer.size != total:
            raise TransientError(
                f"{response.url}: got {writer.size} of {total} bytes",
                code=ErrorCode.DOWNLOAD_FAILED,
            )
        return writer.finish()
