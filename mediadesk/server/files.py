"""Sending one stored object over raw ASGI: types, ranges, validators, cache, CORS.

The hot path is a whole segment read from a local disk: it goes out through the ASGI
``http.response.pathsend`` extension when the server offers it (granian does), so the
server copies the file itself and no byte passes through Python. Ranges, HEAD, and
servers without the extension read the file in chunks off the event loop.
"""

from __future__ import annotations

import stat
from collections.abc import Awaitable, Callable, Generator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from mediadesk.server.ranges import (
    ByteRange,
    Unsatisfiable,
    http_date,
    if_range_allows,
    make_etag,
    not_modified,
    parse_range,
)
from mediadesk.storage.mediatypes import content_type_for

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CHUNK = 256 * 1024
PLAYLIST_CACHE = "public, max-age=2"
SEGMENT_CACHE = "public, max-age=31536000, immutable"
OTHER_CACHE = "public, max-age=300"

SEGMENT_SUFFIXES = frozenset({".ts", ".m4s", ".aac", ".mp4", ".m4a", ".vtt", ".jpg", ".webp"})

CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (
        b"access-control-expose-headers",
        b"Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified",
    ),
]


def cache_control_for(name: str, immutable: bool) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".m3u8":
        return PLAYLIST_CACHE
    if immutable and suffix in SEGMENT_SUFFIXES:
        return SEGMENT_CACHE
    return OTHER_CACHE


# (start, length) -> the bytes in pieces; blocking, run a piece at a time in a thread.
RangeReader = Callable[[int, int], Generator[bytes, None, None]]


def file_pieces(path: Path) -> RangeReader:
    def read(start: int, length: int) -> Generator[bytes, None, None]:
        with path.open("rb") as fh:
            fh.seek(start)
            while length > 0 and (chunk := fh.read(min(CHUNK, length))):
                length -= len(chunk)
                yield chunk

    return read


@dataclass(frozen=True)
class FileInfo:
    size: int
    mtime: float
    etag: str | None


@dataclass
class Sent:
    status: int
    body_bytes: int


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def send_simple(
    send: Send,
    status: int,
    body: bytes = b"",
    content_type: str = "text/plain; charset=utf-8",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> Sent:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *CORS_HEADERS,
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    return Sent(status, len(body))


async def send_json(send: Send, status: int, body: bytes) -> None:
    """A whole JSON answer from raw ASGI code (the error shape of the API)."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def local_file_info(path: Path) -> FileInfo | None:
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return FileInfo(st.st_size, st.st_mtime, make_etag(st.st_size, st.st_mtime_ns))


def base_headers(
    name: str, info: FileInfo, content_type: str | None, immutable: bool
) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-type", (content_type or content_type_for(name)).encode()),
        (b"accept-ranges", b"bytes"),
        (b"cache-control", cache_control_for(name, immutable).encode()),
        (b"last-modified", http_date(info.mtime).encode()),
        (b"x-content-type-options", b"nosniff"),
        *CORS_HEADERS,
    ]
    if info.etag:
        headers.append((b"etag", info.etag.encode()))
    return headers


CONDITIONAL = frozenset({b"range", b"if-none-match", b"if-modified-since", b"if-range"})


def is_plain(scope: Scope) -> bool:
    """A GET with no range or validators: the answer depends on the file alone."""
    return scope.get("method") == "GET" and not any(
        key in CONDITIONAL for key, _ in scope.get("headers", ())
    )


async def send_file(
    scope: Scope,
    send: Send,
    name: str,
    info: FileInfo,
    read_range: RangeReader,
    local_path: Path | None = None,
    content_type: str | None = None,
    immutable: bool = True,
) -> Sent:
    """Answer GET/HEAD for one file with validators, ranges and the right headers."""
    method = scope.get("method", "GET")
    base = base_headers(name, info, content_type, immutable)
    if info.etag:
        inm = header(scope, b"if-none-match")
        ims = header(scope, b"if-modified-since")
        if not_modified(inm, ims, info.etag, info.mtime):
            await send({"type": "http.response.start", "status": 304, "headers": base})
            await send({"type": "http.response.body", "body": b""})
            return Sent(304, 0)

    byte_range: ByteRange | None = None
    range_header = header(scope, b"range")
    if range_header and if_range_allows(header(scope, b"if-range"), info.etag or "", info.mtime):
        try:
            byte_range = parse_range(range_header, info.size)
        except Unsatisfiable:
            return await send_simple(
                send,
                416,
                b"range not satisfiable\n",
                extra=[(b"content-range", f"bytes */{info.size}".encode())],
            )

    if byte_range is None:
        status, start, length = 200, 0, info.size
        headers = [*base, (b"content-length", str(info.size).encode())]
    else:
        status, start, length = 206, byte_range.start, byte_range.length
        headers = [
            *base,
            (b"content-length", str(length).encode()),
            (b"content-range", byte_range.content_range(info.size).encode()),
        ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if method == "HEAD" or length == 0:
        await send({"type": "http.response.body", "body": b""})
        return Sent(status, 0)

    extensions = scope.get("extensions") or {}
    if byte_range is None and local_path is not None and "http.response.pathsend" in extensions:
        await send({"type": "http.response.pathsend", "path": str(local_path)})
        return Sent(status, length)

    pieces = read_range(start, length)
    remaining = length
    try:
        while remaining > 0:
            chunk = await anyio.to_thread.run_sync(next, pieces, b"")
            if not chunk:
                break  # the object shrank under us; the client sees a short body
            chunk = chunk[:remaining]
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
        if remaining > 0:
            await send({"type": "http.response.body", "body": b""})
    finally:
        await anyio.to_thread.run_sync(pieces.close)
    return Sent(status, length - remaining)
