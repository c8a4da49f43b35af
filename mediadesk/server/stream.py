"""``/stream/...``: HLS, derived files and originals, as a lean raw-ASGI app.

Served before FastAPI's routing and middleware because segment throughput is what a
player feels. Paths::

    /stream/{area}/{id}/{file...}               area: hls, thumbnails, trickplay, ...
    /stream/original/{id}
    /stream/s/{expires}/{sig}/{area}/{id}/...   the signed form (server_signed_urls)

Anything that could name a file outside the storage root is a 404, whatever the reason.
"""

from __future__ import annotations

from pathlib import Path

import anyio

from mediadesk.errors import InvalidInput
from mediadesk.server.files import (
    CORS_HEADERS,
    FileInfo,
    Receive,
    Scope,
    Send,
    Sent,
    base_headers,
    is_plain,
    local_file_info,
    send_file,
    send_simple,
)
from mediadesk.server.hotfiles import HotEntry, HotFiles, file_ident
from mediadesk.server.paths import UnsafePath, check_raw_path, media_id_ok, stream_key
from mediadesk.server.state import ServerState

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
            if hot is not None:
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
        if key is None:
            return await self._original(scope, send, media_id)
        return await self.send_key(scope, send, key, immutable=area == "hls")

    async def _original(self, scope: Scope, send: Send, media_id: str) -> Sent:
        key = await anyio.to_thread.run_sync(self.state.original_key, media_id)
        if key is None:
            return await send_simple(send, 404, b"not found\n")
        # Originals are never cached: a soft-deleted file must stop playing at once.
        return await self.send_key(scope, send, key, immutable=False, cacheable=False)

    async def send_key(
        self, scope: Scope, send: Send, key: str, immutable: bool, cacheable: bool = True
    ) -> Sent:
        storage = self.state.runtime.storage
        name = key.rsplit("/", 1)[-1]
        try:
            local = storage.local_path(key)
        except (FileNotFoundError, InvalidInput, ValueError):
            return await send_simple(send, 404, b"not found\n")
        if local is not None:
            info = local_file_info(local)
            if info is None:
                return await send_simple(send, 404, b"not found\n")
            path: Path = local
            request_path = str(scope["path"])
            if (
                cacheable
                and is_plain(scope)
                and not self.state.signed_urls
                and not request_path.startswith("/stream/s/")
            ):
                self._remember(request_path, local, name, info, immutable)
            return await send_file(
                scope, send, name, info, lambda: open(path, "rb"), local, immutable=immutable
            )
        return await self._remote(scope, send, key, name, immutable)

    def _remember(
        self, request_path: str, local: Path, name: str, info: FileInfo, immutable: bool
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
        self.hot.put(request_path, HotEntry(str(local), ident, info.size, headers))

    async def _remote(self, scope: Scope, send: Send, key: str, name: str, immutable: bool) -> Sent:
        """Objects in a remote backend: segments redirect to a presigned URL when the
        backend offers one; playlists are proxied, so their relative URIs keep pointing
        at us (and through us at presigned URLs)."""
        storage = self.state.runtime.storage
        settings = self.state.runtime.settings
        if not name.endswith(".m3u8") and settings.s3_presign_playback:
            url = await anyio.to_thread.run_sync(storage.presigned_url, key)
            if url:
                return await send_simple(
                    send,
                    302,
                    b"",
                    extra=[(b"location", url.encode()), (b"cache-control", b"no-store")],
                )
        try:
            size = await anyio.to_thread.run_sync(storage.size, key)
        except (FileNotFoundError, KeyError, OSError, InvalidInput):
            return await send_simple(send, 404, b"not found\n")
        info = FileInfo(size=size, mtime=0.0, etag=None)
        return await send_file(
            scope, send, name, info, lambda: storage.open_read(key), None, immutable=immutable
        )
