"""``/stream/...``: HLS, derived files and originals, as a lean raw-ASGI app.

Served before FastAPI's routing and middleware because segment throughput is what a
player feels. Paths::

    /stream/{area}/{id}/{file...}               area: hls, thumbnails, trickplay, ...
    /stream/original/{id}
    /stream/s/{expires}/{sig}/{area}/{id}/...   the signed form (server_signed_urls)

Anything that could name a file outside the storage root is a 404, whatever the reason.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import anyio

from mediadesk.errors import InvalidInput
from mediadesk.server.files import (
    CHUNK,
    CORS_HEADERS,
    FileInfo,
    RangeReader,
    Receive,
    Scope,
    Send,
    Sent,
    base_headers,
    file_pieces,
    is_plain,
    local_file_info,
    send_file,
    send_simple,
)
from mediadesk.server.hotfiles import HotEntry, HotFiles, file_ident
from mediadesk.server.paths import UnsafePath, check_raw_path, media_id_ok, stream_key
from mediadesk.server.state import ServerState
from mediadesk.storage.base import Storage
from mediadesk.storage.playback import delivery_for

REMOTE_PIECE = 4 * 1024 * 1024

PREFLIGHT_HEADERS = [
    *CORS_HEADERS,
    (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
    (b"access-control-allow-headers", b"Range, If-None-Match, If-Modified-Since, If-Range"),
    (b"access-control-max-age", b"86400"),
]


class StreamApp:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.hot = HotFiles()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent = await self.handle(scope, send)
        self.state.metrics.record_request("stream", sent.status, sent.body_bytes)

    async def handle(self, scope: Scope, send: Send) -> Sent:
        if is_plain(scope) and "http.response.pathsend" in (scope.get("extensions") or {}):
            try:
                check_raw_path(scope.get("raw_path"))
            except UnsafePath:
                return await send_simple(send, 404, b"not found\n")
            hot = self.hot.get(scope["path"])
            if hot is not None and not self.state.live.is_gone(hot.media_id):
                await send({"type": "http.response.start", "status": 200, "headers": hot.headers})
                await send({"type": "http.response.pathsend", "path": hot.path})
                return Sent(200, hot.size)
        method = scope.get("method", "GET")
        if method == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": PREFLIGHT_HEADERS})
            await send({"type": "http.response.body", "body": b""})
            return Sent(204, 0)
        if method not in ("GET", "HEAD"):
            return await send_simple(send, 405, b"method not allowed\n")
        try:
            check_raw_path(scope.get("raw_path"))
            parts = str(scope["path"]).split("/")[2:]  # after "", "stream"
            signed = bool(parts) and parts[0] == "s"
            if signed:
                if len(parts) < 5:
                    raise UnsafePath("short signed path")
                expires, sig, parts = parts[1], parts[2], parts[3:]
            if len(parts) < 2:
                raise UnsafePath("short path")
            area, media_id, rest = parts[0], parts[1], "/".join(parts[2:])
            # The path is checked before the signature: an unsafe path is a 404 always.
            if area == "original":
                if rest or not media_id_ok(media_id):
                    raise UnsafePath(rest)
                key = None
            else:
                key = stream_key(area, media_id, rest)
        except UnsafePath:
            return await send_simple(send, 404, b"not found\n")
        if signed and not self.state.signer.verify(area, media_id, expires, sig):
            return await send_simple(send, 403, b"link expired or invalid\n")
        if not signed and self.state.signed_urls:
            return await send_simple(send, 403, b"this server needs signed links\n")
        # Deleted media stop at once (visibility.py); an unknown id costs one lookup.
        live = self.state.live
        known = live.status(media_id)
        if known is False:
            return await send_simple(send, 404, b"not found\n")
        if key is None or known is None:
            original = await anyio.to_thread.run_sync(live.lookup, media_id)
            if original is None:
                return await send_simple(send, 404, b"not found\n")
            key = key or original
        return await self.send_key(scope, send, key, media_id, immutable=area == "hls")

    async def send_key(
        self,
        scope: Scope,
        send: Send,
        key: str,
        media_id: str,
        immutable: bool,
    ) -> Sent:
        storage = self.state.runtime.storage
        name = key.rsplit("/", 1)[-1]
        try:
            # An absolute path is a referenced original, where its library folder has it
            # (only the original's lookup answers with one; request paths never do).
            local = Path(key) if key.startswith("/") else storage.local_path(key)
        except (FileNotFoundError, InvalidInput, ValueError):
            return await send_simple(send, 404, b"not found\n")
        if local is not None:
            info = local_file_info(local)
            if info is None:
                return await send_simple(send, 404, b"not found\n")
            path: Path = local
            request_path = str(scope["path"])
            if (
                is_plain(scope)
                and not self.state.signed_urls
                and not request_path.startswith("/stream/s/")
            ):
                self._remember(request_path, media_id, local, name, info, immutable)
            return await send_file(
                scope, send, name, info, file_pieces(path), local, immutable=immutable
            )
        return await self._remote(scope, send, key, name, immutable)

    def _remember(
        self,
        request_path: str,
        media_id: str,
        local: Path,
        name: str,
        info: FileInfo,
        immutable: bool,
    ) -> None:
        try:
            ident = file_ident(local.stat())
        except OSError:
            return
        if ident[1] != info.size:
            return  # changed between the two stats: do not cache
        headers = [
            *base_headers(name, info, None, immutable),
            (b"content-length", str(info.size).encode()),
        ]
        self.hot.put(request_path, HotEntry(media_id, str(local), ident, info.size, headers))

    async def _remote(self, scope: Scope, send: Send, key: str, name: str, immutable: bool) -> Sent:
        """A remote backend (S3): segments redirect to a presigned URL when the backend
        gives one (``storage.playback``); playlists are proxied, so their relative URIs
        keep pointing at us, and through us at presigned URLs."""
        storage = self.state.runtime.storage
        delivery = await anyio.to_thread.run_sync(delivery_for, storage, key)
        if delivery.redirect_to:
            extra = [(b"location", delivery.redirect_to.encode()), (b"cache-control", b"no-store")]
            return await send_simple(send, 302, b"", extra=extra)
        try:
            size = await anyio.to_thread.run_sync(storage.size, key)
        except (FileNotFoundError, KeyError, OSError, InvalidInput):
            return await send_simple(send, 404, b"not found\n")
        info = FileInfo(size=size, mtime=0.0, etag=None)
        return await send_file(
            scope, send, name, info, remote_pieces(storage, key, size), None, immutable=immutable
        )


def remote_pieces(storage: Storage, key: str, size: int) -> RangeReader:
    """The whole object as one stream; a range as ranged reads of a few MiB each."""

    def read(start: int, length: int) -> Generator[bytes, None, None]:
        if start == 0 and length == size:
            with storage.open_read(key) as body:
                while chunk := body.read(CHUNK):
                    yield chunk
            return
        end = start + length
        while start < end:
            data, _ = storage.read_range(key, start, min(REMOTE_PIECE, end - start))
            if not data:
                return
            start += len(data)
            yield data

    return read
