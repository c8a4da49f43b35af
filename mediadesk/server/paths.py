"""Turning request paths into storage keys without ever leaving the storage root.

The ASGI server has already percent-decoded ``scope["path"]``, so an encoded
separator (``%2f``, ``%5c``) or an encoded percent (``%25``, double encoding) would
be invisible there: those are refused by looking at ``raw_path``. What is left is
checked segment by segment and then by :func:`mediadesk.storage.keys.validate_key`;
the local backend finally resolves symlinks and refuses anything outside its root.
"""

from __future__ import annotations

import re

from mediadesk.errors import InvalidInput
from mediadesk.storage.keys import validate_key

# Areas of the storage layout that may be read through /stream/{area}/{id}/...
STREAM_AREAS = frozenset({"hls", "thumbnails", "trickplay", "waveforms", "images"})

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_BAD_RAW = re.compile(rb"%(2f|5c|00|25|2e)", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}$")


class UnsafePath(Exception):
    """The request path could name something outside what we serve: answer 404."""


def check_raw_path(raw_path: bytes | None) -> None:
    if raw_path is None:
        return
    if b"\\" in raw_path or b"\x00" in raw_path or _BAD_RAW.search(raw_path):
        raise UnsafePath(raw_path.decode("latin-1"))


def media_id_ok(media_id: str) -> bool:
    return bool(_ID.match(media_id))


def stream_key(area: str, media_id: str, rest: str) -> str:
    """``hls``, ``<id>``, ``720p/seg_001.ts`` -> ``hls/<id>/720p/seg_001.ts``."""
    if area not in STREAM_AREAS or not media_id_ok(media_id):
        raise UnsafePath(f"{area}/{media_id}")
    parts = rest.split("/")
    if not rest or any(not _NAME.match(p) or p.strip(".") == "" for p in parts):
        raise UnsafePath(rest)
    try:
        return validate_key(f"{area}/{media_id}/{rest}")
    except InvalidInput as exc:
        raise UnsafePath(rest) from exc
