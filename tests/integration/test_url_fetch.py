"""The URL downloader against real sockets: deadlines, rates, pinning, redirects, TLS.

DNS answers are simulated with a resolver injected into the core's fetch code (tests
cannot change the system's DNS); "public" hosts are stood in for by 127.0.0.2, which
the injected address policy counts as public while 127.0.0.1 stays private.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediadesk.engine.process import CancelToken
from mediadesk.errors import Cancelled, ErrorCode, InvalidInput, MediaDeskError
from mediadesk.handlers.download import FetchLimits, Network, download
from tests.slowhttp import (
    RawServer,
    raw_server,
    redirect,
    serve_file,
    silent,
    trickle,
    trickle_headers,
)

pytestmark = pytest.mark.integration

PUBLIC, PRIVATE = "127.0.0.2", "127.0.0.1"


def limits(**changes: Any) -> FetchLimits:
    base = {
        "max_bytes": 50_000_000,
        "timeout_s": 30.0,
        "max_redirects": 5,
        "allow_private": False,
        "min_rate": 0,
        "rate_window_s": 30.0,
    }
    return FetchLimits(**{**base, **changes})


class FakeDns:
    """Answers per host name, in turn: the first lookup gets the first answer..."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        turn = self.calls.count(host)
        self.calls.append(host)
        turns = self.answers[host]
        return turns[min(turn, len(turns) - 1)]


def network(dns: FakeDns, **kw: Any) -> Network:
    return Network(resolve=dns, is_public=lambda ip: ip == ipaddress.ip_address(PUBLIC), **kw)


@contextlib.contextmanager
def twin_servers(public: Any, private: Any) -> Iterator[tuple[RawServer, RawServer]]:
    """Two servers on one port, one on the "public" address and one on loopback."""
    for _ in range(20):
        with raw_server(public, PUBLIC) as pub:
            try:
                twin = RawServer(private, PRIVATE, pub.port)
            except OSError:
                continue  # the port is taken on 127.0.0.1; try another
            try:
                yield pub, twin
            finally:
                twin.close()
            return
    raise RuntimeError("no port free on both addresses")


def test_a_dns_answer_that_changes_cannot_reach_loopback(tmp_path: Path, clip: Path) -> None:
    # The classic rebinding: checked as public, then (on a second lookup) loopback.
    with twin_servers(serve_file(clip), serve_file(clip)) as (pub, internal):
        dns = FakeDns({"media.test": [[PUBLIC], [PRIVATE]]})
        fetched = download(
            f"http://media.test:{pub.port}/film.mp4", tmp_path, limits(), network=network(dns)
        )
        assert fetched.staged.path.read_bytes() == clip.read_bytes()
        assert dns.calls == ["media.test"]  # resolved once: the checked answer is used
        assert internal.requests == []
        (request,) = pub.requests
        assert request.line == "GET /film.mp4 HTTP/1.1"
        assert request.headers["host"] == f"media.test:{pub.port}"


def test_every_redirect_hop_is_pinned_and_checked(tmp_path: Path, clip: Path) -> None:
    with twin_servers(redirect("/elsewhere"), serve_file(clip)) as (pub, internal):
        pub.respond = redirect(f"http://internal.test:{pub.port}/secret")
        dns = FakeDns({"media.test": [[PUBLIC]], "internal.test": [[PRIVATE]]})
        with pytest.raises(InvalidInput) as err:
            download(f"http://media.test:{pub.port}/go", tmp_path, limits(), network=network(dns))
        assert err.value.code == ErrorCode.URL_REFUSED
        assert "internal.test resolves to 127.0.0.1" in err.value.message
        assert dns.calls == ["media.test", "internal.test"]
        assert len(pub.requests) == 1 and internal.requests == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "location", ["data:video/mp4;base64,AAAA", "file:///etc/passwd", "ftp://example.com/x"]
)
def test_a_redirect_off_http_is_refused(tmp_path: Path, location: str) -> None:
    with raw_server(redirect(location), PUBLIC) as pub:
        dns = FakeDns({"media.test": [[PUBLIC]]})
        with pytest.raises(InvalidInput) as err:
            download(f"http://media.test:{pub.port}/", tmp_path, limits(), network=network(dns))
    assert err.value.code == ErrorCode.URL_REFUSED  # not INTERNAL
    assert "only http and https" in err.value.message


def test_redirect_loops_stop(tmp_path: Path) -> None:
    with raw_server(redirect("/again"), PUBLIC) as pub:
        dns = FakeDns({"media.test": [[PUBLIC]]})
        with pytest.raises(InvalidInput) as err:
            download(
                f"http://media.test:{pub.port}/",
                tmp_path,
                limits(max_redirects=3),
                network=network(dns),
            )
    assert err.value.code == ErrorCode.URL_REFUSED and "more than 3 redirects" in err.value.message
    assert len(pub.requests) == 4


def failing_within(seconds: float, slack: float, fn: Any) -> tuple[MediaDeskError, float]:
    started = time.monotonic()
    with pytest.raises(MediaDeskError) as err:
        fn()
    took = time.monotonic() - started
    assert seconds - 0.05 <= took <= seconds + slack, took
    return err.value, took


@pytest.mark.parametrize(
    "respond",
    [trickle(0.5), trickle_headers(0.5), silent],
    ids=["trickled-body", "trickled-headers", "silent"],
)
def test_the_deadline_holds_whatever_the_server_sends(tmp_path: Path, respond: Any) -> None:
    with raw_server(respond) as server:
        error, _ = failing_within(
            2.0,
            1.0,
            lambda: download(
                f"{server.url}/x.mp4", tmp_path, limits(timeout_s=2.0, allow_private=True)
            ),
        )
    assert error.code == ErrorCode.URL_TIMEOUT, error
    assert "within 2 s" in error.message and "url_timeout" in error.message
    assert list(tmp_path.iterdir()) == []  # the partial file is gone


def test_a_download_slower_than_the_minimum_rate_fails(tmp_path: Path) -> None:
    # 400 bytes every 0.2 s is 2 kB/s, under a 10 kB/s minimum.
    with raw_server(trickle(0.2, b"x" * 400)) as server:
        rules = limits(allow_private=True, min_rate=10_000, rate_window_s=1.5)
        error, _ = failing_within(
            1.5, 1.0, lambda: download(f"{server.url}/x.mp4", tmp_path, rules)
        )
    assert error.code == ErrorCode.URL_TIMEOUT
    assert "less than 10 kB/s for 1.5 s" in error.message


def test_a_fast_enough_download_passes_the_rate_rule(tmp_path: Path, clip: Path) -> None:
    with raw_server(serve_file(clip)) as server:
        rules = limits(allow_private=True, min_rate=10_000, rate_window_s=0.5)
        fetched = download(f"{server.url}/film.mp4", tmp_path, rules)
    assert fetched.staged.size == clip.stat().st_size and fetched.filename == "film.mp4"


def test_cancel_stops_a_blocked_read_at_once(tmp_path: Path) -> None:
    token = CancelToken()
    with raw_server(silent) as server:
        threading.Timer(0.5, token.cancel).start()
        started = time.monotonic()
        with pytest.raises(Cancelled):
            download(f"{server.url}/x", tmp_path, limits(allow_private=True), cancel=token)
    assert time.monotonic() - started < 1.0


# TLS: the connection goes to the pinned address, SNI and the certificate are the host's.


def make_cert(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextlib.contextmanager
def tls_server(cert: Path, key: Path, body: bytes) -> Iterator[tuple[int, list[str | None]]]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment]
    listener = socket.create_server((PRIVATE, 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += tls.recv(4096)
                host = [ln for ln in request.split(b"\r\n") if ln.lower().startswith(b"host:")]
                names.append(host[0].split(b":", 1)[1].strip().decode())
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port, names
    finally:
        listener.close()
        thread.join(5)


def test_https_to_the_pinned_address_with_the_hosts_sni_and_certificate(
    tmp_path: Path, clip: Path
) -> None:
    cert, key = make_cert(tmp_path, "media.test")
    trust = ssl.create_default_context(cafile=str(cert))
    dns = FakeDns({"media.test": [[PRIVATE]]})
    staging = tmp_path / "staging"
    with tls_server(cert, key, clip.read_bytes()) as (port, seen):
        fetched = download(
            f"https://media.test:{port}/film.mp4",
            staging,
            limits(allow_private=True),
            network=Network(resolve=dns, ssl_context=trust),
        )
    assert fetched.staged.path.read_bytes() == clip.read_bytes()
    assert seen == ["media.test", f"media.test:{port}"]  # SNI, then the Host header
    assert dns.calls == ["media.test"]


def test_a_certificate_for_another_host_is_refused(tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path, "other.test")
    trust = ssl.create_default_context(cafile=str(cert))
    with tls_server(cert, key, b"x") as (port, _seen), pytest.raises(InvalidInput) as err:
        download(
            f"https://media.test:{port}/x",
            tmp_path / "staging",
            limits(allow_private=True),
            network=Network(resolve=FakeDns({"media.test": [[PRIVATE]]}), ssl_context=trust),
        )
    assert err.value.code == ErrorCode.DOWNLOAD_FAILED
    assert "certificate is not valid for media.test" in err.value.message
