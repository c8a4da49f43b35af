"""What a player opens for a media file: one answer for the web page, the API and the
desktop player.

The original plays the moment it is stored; the HLS master takes over once it is
published (recorded *and* there). Subtitle tracks come with it: text tracks as whole
WebVTT files (for players that do not read HLS subtitle renditions, and for ``<track>``),
in the order they were added, then picture subtitles burned into versions of their own.
Where the files are read from (a server's URLs, local paths) is a ``Locations``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mediadesk.domain.enums import ArtifactKind
from mediadesk.library.views import ArtifactView, MediaFileView
from mediadesk.storage import keys
from mediadesk.storage.base import Storage

STREAM_KINDS = frozenset({ArtifactKind.HLS_MASTER, ArtifactKind.AUDIO_HLS})


class Locations(Protocol):
    """Where a player reads a media file's files; ``None`` when it cannot."""

    def stream(self, media_id: str) -> str | None: ...

    def original(self, media: MediaFileView) -> str | None: ...

    def key(self, key: str) -> str | None: ...


class LocalLocations:
    """Paths on this machine: for a player beside local storage (no server needed)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def stream(self, media_id: str) -> str | None:
        return self.key(keys.hls_master(media_id))

    def original(self, media: MediaFileView) -> str | None:
        if media.original_path is not None:  # referenced: it plays where it is
            path: Path | None = Path(media.original_path)
        else:
            path = self.storage.local_path(media.original_key)
        return str(path) if path is not None and path.is_file() else None

    def key(self, key: str) -> str | None:
        path = self.storage.local_path(key)
        return str(path) if path is not None and path.is_file() else None


@dataclass(frozen=True)
class SubtitleTrack:
    label: str  # "English (forced)"
    language: str | None
    forced: bool
    default: bool
    url: str  # the whole-track WebVTT, or a burned-in version's master
    burned_in: bool = False


@dataclass(frozen=True)
class PlaybackPlan:
    stream_url: str | None  # the HLS master, once published
    original_url: str | None
    poster_url: str | None
    waveform_url: str | None
    chapters_url: str | None
    subtitles: tuple[SubtitleTrack, ...]  # text tracks, in the order they were added
    burned: tuple[SubtitleTrack, ...]  # picture subtitles, each in a version of its own

    @property
    def adaptive(self) -> bool:
        """HLS (a quality menu and tracks apply), not the original file."""
        return self.stream_url is not None

    @property
    def preferred_url(self) -> str | None:
        return self.stream_url or self.original_url


def _added_order(artifact: ArtifactView) -> tuple[int, str]:
    """``hls/ID/subtitles_10/...`` after ``subtitles_2``: by number, not by text."""
    number = artifact.storage_key.rsplit("/", 2)[-2].rpartition("_")[2]
    return (int(number) if number.isdigit() else 0, artifact.storage_key)


def _tracks(media: MediaFileView, where: Locations) -> list[SubtitleTrack]:
    text = sorted(
        (a for a in media.artifacts or [] if a.kind == ArtifactKind.SUBTITLES), key=_added_order
    )
    burned = sorted(
        (a for a in media.artifacts or [] if a.kind == ArtifactKind.BURNED_SUBTITLES),
        key=lambda a: a.storage_key,
    )
    found = []
    for artifact in [*text, *burned]:
        params = artifact.params
        burned_in = artifact.kind == ArtifactKind.BURNED_SUBTITLES
        key = artifact.storage_key if burned_in else str(params.get("vtt") or "")
        url = where.key(key) if key else None
        if url:
            found.append(
                SubtitleTrack(
                    label=str(params.get("label") or ""),
                    language=params.get("language"),
                    forced=bool(params.get("forced")),
                    default=not burned_in and bool(params.get("default")),
                    url=url,
                    burned_in=burned_in,
                )
            )
    return found


def _artifact_url(media: MediaFileView, kind: ArtifactKind, where: Locations) -> str | None:
    key = next((a.storage_key for a in media.artifacts or [] if a.kind == kind), None)
    return where.key(key) if key else None


def plan_playback(media: MediaFileView, where: Locations) -> PlaybackPlan:
    """``media`` is a detail view (with artifacts)."""
    published = any(a.kind in STREAM_KINDS for a in media.artifacts or [])
    stream = where.stream(media.id) if published else None
    tracks = _tracks(media, where) if stream else []
    return PlaybackPlan(
        stream_url=stream,
        original_url=where.original(media),
        poster_url=_artifact_url(media, ArtifactKind.POSTER, where),
        waveform_url=_artifact_url(media, ArtifactKind.WAVEFORM_PNG, where),
        chapters_url=_artifact_url(media, ArtifactKind.CHAPTERS, where) if stream else None,
        subtitles=tuple(t for t in tracks if not t.burned_in),
        burned=tuple(t for t in tracks if t.burned_in),
    )
