"""Where the player reads a media file from: the built-in server, or local files.

With the server running, mpv gets its HLS and original URLs. Without it (the server
failed to start, or this build has none) local paths work for local storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mediadesk.domain.enums import ArtifactKind
from mediadesk.library.views import MediaFileView
from mediadesk.storage import keys
from mediadesk.storage.base import Storage

_STREAM_KINDS = (ArtifactKind.HLS_MASTER, ArtifactKind.AUDIO_HLS)


class PlaybackSources(Protocol):
    def stream_url(self, media_id: str) -> str | None: ...

    def key_url(self, key: str) -> str | None: ...

    def original_url(self, media: MediaFileView) -> str | None: ...


@dataclass(frozen=True)
class PlaybackChoice:
    url: str
    adaptive: bool  # HLS (quality menu applies) or the original file
    label: str


class LocalSources:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def stream_url(self, media_id: str) -> str | None:
        path = self.storage.local_path(keys.hls_master(media_id))
        return str(path) if path is not None and path.is_file() else None

    def original_url(self, media: MediaFileView) -> str | None:
        if media.original_path is not None:  # referenced: it plays where it is
            path: Path | None = Path(media.original_path)
        else:
            path = self.storage.local_path(media.original_key)
        return str(path) if path is not None and path.is_file() else None

    def key_url(self, key: str) -> str | None:
        path = self.storage.local_path(key)
        return str(path) if path is not None and path.is_file() else None


class ServerSources:
    """URLs from ``mediadesk.server.host.ServerHost`` (typed loosely: it is optional)."""

    def __init__(self, host: Any) -> None:
        self.host = host

    def stream_url(self, media_id: str) -> str | None:
        return str(self.host.stream_url(media_id))

    def original_url(self, media: MediaFileView) -> str | None:
        return str(self.host.original_url(media.id))

    def key_url(self, key: str) -> str | None:
        url = self.host.key_url(key)
        return str(url) if url else None


def has_stream(media: MediaFileView) -> bool:
    return any(a.kind in _STREAM_KINDS for a in media.artifacts or [])


def choose(media: MediaFileView, sources: PlaybackSources) -> PlaybackChoice | None:
    """HLS once it exists, the original before that."""
    if has_stream(media):
        url = sources.stream_url(media.id)
        if url:
            return PlaybackChoice(url, True, "HLS")
    url = sources.original_url(media)
    return PlaybackChoice(url, False, "original") if url else None
