"""Uploads are bounded: by the disk, by server_max_upload_bytes, by silence.

Each test speaks raw HTTP where a real client would hide what matters: when exactly
the answer comes (before the body), and how the bytes are split on the wire.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import httpx
import pytest

from mediadesk.server.host import ServerHost
from tests.serverkit import auth, serving
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

TUS = {"Tus-Resumable": "1.0.0"}
BOUNDARY = "md-limit-boundary"


def staging_files(host: ServerHost) -> list[Path]:
    staging = host.runtime.storage.staging_dir()
    return [p for p in staging.rglob("*") if p.is_file()]


def connect(host: ServerHost) -> socket.socket:
    assert host.port is not None
    return socket.create_connection(("127.0.0.1", host.port), timeout=30)


def read_status(sock: socket.socket) -> int:
    """The status line of the answer (the socket's timeout bounds the wait)."""
    data = b""
    while b"\r\n" not in data:
        piece = sock.recv(4096)
        if not piece:
            return 0
        data += piece
    return int(data.split(b" ", 2)[1])


def head_lines(host: ServerHost, request_line: str, headers: dict[str, str]) -> bytes:
    lines = [request_line, "Host: 127.0.0.1", f"Authorization: Bearer {host.token}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_oversized_tus_create_is_refused(home: Path) -> None:
    with serving(workers=False) as host:
        url = host.url + "/api/v1/uploads/tus"
        for length in (10**30, shutil.disk_usage(home).free + 1):
            r = httpx.post(url, headers={**auth(host), **TUS, "Upload-Length": str(length)})
            assert r.status_code == 413, r.text
            assert r.json()["error"]["code"] == "TOO_LARGE"
        ok = httpx.post(url, headers={**auth(host), **TUS, "Upload-Length": "1000"})
        assert ok.status_code == 201


@pytest.mark.parametrize("path", ["/api/v1/uploads/big.mp4", "/media/upload"])
def test_bodies_larger_than_the_disk_are_refused_before_they_are_sent(
    home: Path, path: str
) -> None:
    with serving(workers=False) as host:
        method = "PUT" if path.startswith("/api") else "POST"
        headers = {
            "Content-Length": str(shutil.disk_usage(home).free * 2),
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        }
        with connect(host) as sock:
            sock.sendall(head_lines(host, f"{method} {path} HTTP/1.1", headers))
            assert read_status(sock) == 413  # answered with no body byte sent
    with serving(workers=False, server_max_upload_bytes=1000) as host:
        r = httpx.put(host.url + "/api/v1/uploads/x.mp4", content=b"x" * 1001, headers=auth(host))
        assert r.status_code == 413 and "server_max_upload_bytes" in r.json()["error"]["message"]


def test_a_20kb_part_header_in_one_chunk_is_refused(home: Path) -> None:
    with serving(workers=False) as host:
        header = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="x.mp4"\r\n'
            "X-Junk: " + "a" * 20_000 + "\r\n\r\n"
        ).encode()
        body = header + b"data\r\n" + f"--{BOUNDARY}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(len(body)),
            "Connection": "close",
        }
        with connect(host) as sock:
            sock.sendall(head_lines(host, "POST /media/upload HTTP/1.1", headers) + body)
            assert read_status(sock) == 400
        assert staging_files(host) == []


@pytest.mark.parametrize("kind", ["raw", "multipart"])
def test_a_stalled_body_is_dropped_and_its_file_removed(home: Path, kind: str) -> None:
    with serving(workers=False, server_body_timeout=1.0) as host:
        if kind == "raw":
            start = head_lines(
                host, "PUT /api/v1/uploads/s.mp4 HTTP/1.1", {"Content-Length": "1000000"}
            )
            start += b"\x00" * 5000
        else:
            part = (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                'filename="s.mp4"\r\n\r\n'
            ).encode() + b"\x00" * 5000
            headers = {
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": "1000000",
            }
            start = head_lines(host, "POST /media/upload HTTP/1.1", headers) + part
        with connect(host) as sock:
            sock.sendall(start)
            wait_until(lambda: staging_files(host), "the staged file", timeout=10)
            # ...and then nothing: the server gives up after the timeout.
            assert read_status(sock) == 408
        wait_until(lambda: staging_files(host), "staging emptied", until=lambda f: not f)


def test_a_stalled_tus_patch_is_dropped_but_keeps_its_bytes(home: Path) -> None:
    with serving(workers=False, server_body_timeout=1.0) as host:
        created = httpx.post(
            host.url + "/api/v1/uploads/tus",
            headers={**auth(host), **TUS, "Upload-Length": "100000"},
        )
        location = created.headers["location"]
        headers = {
            **TUS,
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": "0",
            "Content-Length": "100000",
        }
        with connect(host) as sock:
            sock.sendall(head_lines(host, f"PATCH {location} HTTP/1.1", headers) + b"y" * 3000)
            assert read_status(sock) == 408
        offset = httpx.head(host.url + location, headers={**auth(host), **TUS})
        assert offset.headers["upload-offset"] == "3000"
