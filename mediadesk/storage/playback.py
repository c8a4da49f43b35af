"""How a server hands a stored object to a player: redirect it to S3, or stream it.

HLS playlists name their segments by relative paths. A playlist redirected to a
presigned S3 URL would make the player resolve those paths against the S3 URL, with
no signature, and every segment would fail with 403. So playlists are always served
by MediaDesk itself (small text; relative paths resolve against the server), and
everything else (segments, init segments, posters, sprites) is redirected to a
short-lived presigned URL when ``s3_presign_playback`` is on, or streamed through the
server when it is off or the storage is local.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediadesk.storage.base import Storage
from mediadesk.storage.keys import validate_key

SERVED_HERE = (".m3u8",)


@dataclass(frozen=True)
class Delivery:
    key: str
    redirect_to: str | None  # None: the server streams the bytes itself

    @property
    def proxied(self) -> bool:
        return self.redirect_to is None


def delivery_for(storage: Storage, key: str, expires_s: int | None = None) -> Delivery:
    """Decide, per object, between a redirect to the store and serving it here."""
    validate_key(key)
    if key.endswith(SERVED_HERE):
        return Delivery(key, None)
    url = storage.presigned_url(key, expires_s) if expires_s else storage.presigned_url(key)
    return Delivery(key, url)
