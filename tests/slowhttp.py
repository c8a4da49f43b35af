"""Misbehaving HTTP servers on real loopback sockets, for the URL-import tests.

Each connection runs ``respond(conn, request)`` on its own thread; the server records
every request (its first line and headers) so a test can prove where a download went,
or that it went nowhere. Leaving the context closes every connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

Respond = Callable[[socket.socket, "Request"], None]


@dataclass(frozen=True)
class Request:
    line: str
    headers: dict[str, str]


@dataclass
class RawServer:
    respond: Respond
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    _conns: list[socket.socket] = field(default_factory=list)
    _closing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, self.port))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            request = Request(head[0], headers)
            self.requests.append(request)
            self.respond(conn, request)
        with contextlib.suppress(OSError):
            conn.close()

    def close(self) -> None:
        self._closing.set()
        self._sock.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()


@contextlib.contextmanager
def raw_server(respond: Respond, host: str = "127.0.0.1", port: int = 0) -> Iterator[RawServer]:
    server = RawServer(respond, host, port)
    try:
        yield server
    finally:
        server.close()


def head(status: str = "200 OK", **headers: str | int) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def trickle(every_s: float, chunk: bytes = b"x", length: int = 10_000_000) -> Respond:
    """Headers at once, then ``chunk`` every ``every_s`` seconds, forever."""

    def respond(conn: socket.socket, _req: Request) -> None:
        conn.sendall(head(Content_Length=length, Content_Type="video/mp4"))
        while True:
            conn.sendall(chunk)
            time.sleep(every_s)

    return respond


def trickle_headers(every_s: float) -> Respond:
    """A status line, then one header byte every ``every_s`` seconds: headers never end."""

    def respond(conn: socket.socket, _req: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while True:
            conn.sendall(b"a")
            time.sleep(every_s)

    return respond


def silent(conn: socket.socket, _req: Request) -> None:
    """Reads the request, then says nothing until the connection is closed."""
    while conn.recv(1024):
        pass


def redirect(location: str) -> Respond:
    def respond(conn: socket.socket, _req: Request) -> None:
        conn.sendall(head("302 Found", Location=location, Content_Length=0))

    return respond


def serve_file(path: Path) -> Respond:
    body = path.read_bytes()

    def respond(conn: socket.socket, _req: Request) -> None:
        conn.sendall(head(Content_Length=len(body), Content_Type="video/mp4") + body)

    return respond
