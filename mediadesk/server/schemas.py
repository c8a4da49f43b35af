"""Request and response bodies of the HTTP API (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from mediadesk.domain.enums import MediaStatus


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class UploadAccepted(ApiModel):
    """The original contract's answer to ``POST /media/upload``."""

    media_file_id: str
    status: MediaStatus


class MediaFileStatus(ApiModel):
    """The original contract's ``GET /media-files/{id}``."""

    id: str
    status: MediaStatus
    manifest_url: str | None = None
    error_message: str | None = None


class PlaybackSubtitle(ApiModel):
    """A subtitle track as one whole WebVTT file, for players that do not read the HLS
    subtitle renditions (the desktop player) or want it as a ``<track>``; or a picture
    subtitle burned into a version of its own (``burned_in``)."""

    label: str
    language: str | None = None
    forced: bool = False
    default: bool = False
    url: str
    # A picture subtitle drawn into the picture: ``url`` is then the master playlist of
    # its own version (one rung, the same audio), which a player switches to.
    burned_in: bool = False


class Playback(ApiModel):
    media_file_id: str
    status: MediaStatus
    kind: str
    original_url: str
    original_mime: str
    hls_url: str | None = None
    poster_url: str | None = None
    waveform_url: str | None = None
    preferred_url: str
    subtitles: list[PlaybackSubtitle] = Field(default_factory=list)
    chapters_url: str | None = None


class UrlImportRequest(ApiModel):
    url: str = Field(max_length=4096)
    movie: str | None = None
    series: str | None = None
    season: int | None = None
    episode: int | None = None
    title: str | None = None
    tags: list[str] = Field(default_factory=list)


class UrlImportView(ApiModel):
    """An import (a ``fetch_url`` or ``copy_path`` job; ``id`` is the job's id)."""

    id: str
    url: str  # the URL; a local file's ``file://`` URL for a copy
    status: str  # RUNNING (waiting or importing), DONE, FAILED
    received_bytes: int
    total_bytes: int | None
    media_file_id: str | None = None
    duplicate: bool = False
    error_code: str | None = None
    error_message: str | None = None
    # Added with imports as jobs: the same words and facts the desktop app shows.
    kind: str = "url"  # url, file
    name: str = ""
    state: str = ""  # Waiting, Importing, Done, Failed, Cancelled, Gave up
    percent: float | None = None
    eta_seconds: float | None = None
    next_step: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None


class MovieCreate(ApiModel):
    title: str = Field(min_length=1, max_length=512)
    description: str | None = None
    release_date: str | None = None
    media_file_id: str | None = None


class SeriesCreate(ApiModel):
    title: str = Field(min_length=1, max_length=512)
    description: str | None = None


class SeasonCreate(ApiModel):
    number: int = Field(ge=0, le=10_000)
    title: str | None = None


class EpisodeCreate(ApiModel):
    number: int = Field(ge=0, le=100_000)
    title: str | None = None
    media_file_id: str | None = None


class AttachMedia(ApiModel):
    media_file_id: str | None


class TagsUpdate(ApiModel):
    tags: list[str]


class JobSubmit(ApiModel):
    """``POST /api/v1/jobs``; a field this body does not have is refused (422), by name."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    type: str
    input: dict[str, Any] = Field(default_factory=dict)
    media_file_id: str | None = None
    priority: int = 0


class MasteringRequest(ApiModel):
    """Ask for an audio master; ``input`` carries any further preset-specific fields."""

    media_file_id: str
    preset: str
    music_media_file_id: str | None = None
    input: dict[str, Any] = Field(default_factory=dict)
    priority: int = 0


class Health(ApiModel):
    status: str
    version: str
    accepting: bool
    workers: bool
    database: bool
    storage: bool
    storage_scheme: str
    ffmpeg: str | None
    headless: bool
