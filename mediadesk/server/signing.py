"""Signed, expiring stream URLs (HMAC-SHA256).

The signature covers a directory prefix (``hls/<id>/``) and an expiry, and lives in
the path (``/stream/s/<exp>/<sig>/hls/<id>/master.m3u8``), not in the query string:
a player resolves the relative segment URIs of a playlist against the playlist's own
path, so every segment URL inherits the signature without rewriting playlists.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class UrlSigner:
    def __init__(self, key: bytes, ttl_s: int) -> None:
        if len(key) < 16:
            raise ValueError("signing key too short")
        self.key = key
        self.ttl_s = ttl_s

    def signature(self, scope: str, expires: int) -> str:
        msg = f"{scope}|{expires}".encode()
        return _b64(hmac.new(self.key, msg, hashlib.sha256).digest()[:18])

    def sign(self, area: str, media_id: str, rest: str, now: float | None = None) -> str:
        expires = int((now or time.time()) + self.ttl_s)
        scope = f"{area}/{media_id}/"
        return f"/stream/s/{expires}/{self.signature(scope, expires)}/{scope}{rest}"

    def verify(self, area: str, media_id: str, expires: str, sig: str) -> bool:
        if not expires.isdigit() or int(expires) < time.time():
            return False
        expected = self.signature(f"{area}/{media_id}/", int(expires))
        return hmac.compare_digest(expected, sig)
