"""What every request handler shares: the runtime, secrets, limits and counters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mediadesk.library.views import MediaFileView
from mediadesk.server.auth import ServerSecrets
from mediadesk.server.metrics import ServerMetrics
from mediadesk.server.paths import STREAM_AREAS
from mediadesk.server.ratelimit import RateLimiter
from mediadesk.server.signing import UrlSigner
from mediadesk.server.visibility import LiveMedia
from mediadesk.storage import keys

if TYPE_CHECKING:
    from mediadesk.runtime import Runtime
    from mediadesk.server.tus import TusStore
    from mediadesk.services.webhooks import WebhookDispatcher


@dataclass
class ServerState:
    runtime: Runtime
    headless: bool
    secrets: ServerSecrets
    metrics: ServerMetrics
    limiter: RateLimiter
    signer: UrlSigner
    tus: TusStore
    live: LiveMedia
    webhooks: WebhookDispatcher | None = None
    accepting: bool = True

    @property
    def signed_urls(self) -> bool:
        return self.runtime.settings.server_signed_urls

    # URLs the API hands out (paths; ServerHost adds the base) -------------------------

    def stream_path(self, area: str, media_id: str, rest: str) -> str:
        if self.signed_urls:
            return self.signer.sign(area, media_id, rest)
        return f"/stream/{area}/{media_id}/{rest}"

    def manifest_path(self, media_id: str) -> str:
        return self.stream_path("hls", media_id, "master.m3u8")

    def original_path(self, media_id: str) -> str:
        if self.signed_urls:
            return self.signer.sign("original", media_id, "")
        return f"/stream/original/{media_id}"

    def poster_path(self, media_id: str) -> str:
        return self.stream_path("thumbnails", media_id, "poster.jpg")

    def key_path(self, key: str) -> str | None:
        """The stream URL path of a derived file's storage key (``area/id/rest``)."""
        area, _, tail = key.partition("/")
        media_id, _, rest = tail.partition("/")
        if area not in STREAM_AREAS or not media_id or not rest:
            return None
        return self.stream_path(area, media_id, rest)


class ServerLocations:
    """``Locations`` (services.playback_plan) for players of this server: stream URLs,
    as paths for the API and the web page, or full URLs (``base``) for the desktop player."""

    def __init__(self, state: ServerState, base: str = "") -> None:
        self.state = state
        self.base = base

    def stream(self, media_id: str) -> str | None:
        if not self.state.runtime.storage.exists(keys.hls_master(media_id)):
            return None
        return self.base + self.state.manifest_path(media_id)

    def original(self, media: MediaFileView) -> str | None:
        return self.base + self.state.original_path(media.id)

    def key(self, key: str) -> str | None:
        path = self.state.key_path(key)
        return self.base + path if path else None
