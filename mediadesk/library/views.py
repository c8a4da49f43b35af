"""Typed, read-only views the services hand to shells (CLI JSON, HTTP API, GUI).

These shapes are the documented, stable JSON of ``--json`` (see docs/CLI.md): add
fields freely, never rename or remove one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from mediadesk.domain.enums import ArtifactKind, MediaKind, MediaStatus
from mediadesk.domain.folders import HealthState
from mediadesk.domain.loudness import LoudnessMeasurement
from mediadesk.domain.mediainfo import MediaInfo, Song
from mediadesk.domain.vocabulary import media_state_code
from mediadesk.library.models import MediaFile


class View(BaseModel):
    # Built from ORM rows with ``model_validate(row)``: fields named like the columns
    # map themselves, aliases and validators say where the others come from.
    model_config = ConfigDict(frozen=True, from_attributes=True)


class ArtifactView(View):
    kind: ArtifactKind
    storage_key: str
    size_bytes: int
    preset_id: str | None
    preset_version: int | None
    params: dict[str, Any]
    job_id: str | None
    created_at: datetime

    @field_validator("params", mode="before")
    @classmethod
    def _no_params(cls, value: dict[str, Any] | None) -> dict[str, Any]:
        return value or {}


class MediaSourceView(View):
    """One file a derived media file was made from (e.g. a master's programme, music)."""

    media_file_id: str = Field(validation_alias="source_media_file_id")
    role: str
    job_id: str | None


class SubtitleFileView(View):
    """A subtitle file kept with a media file (its rendition is made by the jobs)."""

    id: str
    storage_key: str
    format: str
    language: str | None
    forced: bool
    hearing_impaired: bool
    title: str | None
    original_filename: str
    charset: str
    origin: str
    created_at: datetime


class MediaFileView(View):
    id: str
    kind: MediaKind
    status: MediaStatus
    original_filename: str
    original_key: str
    size_bytes: int
    mime: str
    sha256: str | None  # None until a referenced file has been read
    source_url: str | None
    container: str | None
    duration_seconds: float | None
    width: int | None
    height: int | None
    frame_rate: float | None
    video_codec: str | None
    audio_codec: str | None
    bit_rate: int | None
    loudness: LoudnessMeasurement | None
    error_code: str | None
    error_message: str | None
    tags: list[str]
    deleted: bool
    created_at: datetime
    updated_at: datetime
    probe: MediaInfo | None = None
    artifacts: list[ArtifactView] | None = None
    sources: list[MediaSourceView] | None = None
    subtitle_files: list[SubtitleFileView] | None = None
    # What people call it: the movie or episode it belongs to, a song's own tags
    # ("Artist — Title"), else the file name.
    display_title: str = ""
    # A song's title, artist and album from its tags (a tile shows the title over the
    # artist); None for video, pictures and untagged audio.
    song: Song | None = None
    catalogue: CatalogueRef | None = None
    playback: PlaybackStateView | None = None
    # Referenced: the file stays where it is in a library folder (``original_path``);
    # MediaDesk never moves, renames or deletes it. Missing: gone from its folder.
    referenced: bool = False
    original_path: str | None = None
    missing: bool = False
    health: HealthState | None = None
    health_checked_at: datetime | None = None
    health_report: dict[str, Any] | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> str:
        """What every surface says the file is: MISSING, DAMAGED, else ``status``
        (``vocabulary.media_status`` has the words)."""
        return media_state_code(self.status, self.missing, self.health == HealthState.DAMAGED)

    @classmethod
    def of(
        cls,
        row: MediaFile,
        detail: bool = False,
        ref: CatalogueRef | None = None,
        playback: PlaybackStateView | None = None,
    ) -> MediaFileView:
        """The one composed mapping: loudness from three columns, tag names, the deleted
        flag, and relationships read only for a detail view (a list page must not
        lazy-load every row's artifacts), which ``from_attributes`` cannot express."""
        song = row.probe.song if row.probe and row.kind == MediaKind.AUDIO and not ref else None
        loudness = None
        if row.loudness_integrated_lufs is not None:
            loudness = LoudnessMeasurement(
                integrated_lufs=row.loudness_integrated_lufs,
                true_peak_dbtp=row.loudness_true_peak_dbtp or 0.0,
                lra=row.loudness_lra or 0.0,
            )
        return cls(
            id=row.id,
            kind=row.kind,
            status=row.status,
            original_filename=row.original_filename,
            original_key=row.original_key,
            size_bytes=row.size_bytes,
            mime=row.mime,
            sha256=row.sha256,
            source_url=row.source_url,
            container=row.container,
            duration_seconds=row.duration_seconds,
            width=row.width,
            height=row.height,
            frame_rate=row.frame_rate,
            video_codec=row.video_codec,
            audio_codec=row.audio_codec,
            bit_rate=row.bit_rate,
            loudness=loudness,
            error_code=row.error_code,
            error_message=row.error_message,
            tags=sorted(t.name for t in row.tags),
            deleted=row.deleted_at is not None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            probe=row.probe if detail else None,
            artifacts=[ArtifactView.model_validate(a) for a in row.artifacts] if detail else None,
            sources=[MediaSourceView.model_validate(x) for x in row.sources] if detail else None,
            subtitle_files=(
                [SubtitleFileView.model_validate(x) for x in row.subtitle_files] if detail else None
            ),
            display_title=(
                ref.label if ref is not None else song.label if song else row.original_filename
            ),
            song=song,
            catalogue=ref,
            referenced=row.original_path is not None,
            original_path=row.original_path,
            missing=row.missing_since is not None,
            health=HealthState(row.health) if row.health else None,
            health_checked_at=row.health_checked_at,
            health_report=row.health_report,
            playback=playback,
        )


class AlbumView(View):
    """An album the library's songs are on, in the words of its songs' own tags."""

    key: str  # Song.album_key: what MediaFilter.album takes
    title: str
    artist: str | None = None
    songs: int
    first_song_id: str  # its first song in disc and track order: its cover is the album's
    year: int | None = None  # from its first song's tags (year, else date)
    added_at: datetime  # when its newest song was added

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        """``Brown · Orbital``: the album, then who it is by."""
        return f"{self.title} · {self.artist}" if self.artist else self.title


class ArtworkView(View):
    """The picture shown for an entry: an image media file, or a frame of its media."""

    role: str  # poster, backdrop
    source: str  # user, sidecar, frame
    media_file_id: str  # the image; for a frame, the media file it was taken from
    # Storage keys to try, best first (an image's WebP variant, its original; a frame's
    # poster still): readers take the first that exists.
    keys: list[str]


class VersionView(View):
    media_file_id: str
    version: str | None
    position: int


class EpisodeView(View):
    id: str
    number: int
    end_number: int | None = None
    title: str | None
    overview: str | None = None
    air_date: date | None = None
    media_file_id: str | None = None  # the version that plays (the first)
    versions: list[VersionView] = []
    # Ids at other databases ({"tvdb": "81189"}) and the fields a person edited, which
    # a rescan of the library folder leaves alone.
    external_ids: dict[str, str] = {}
    edited_fields: list[str] = []


class SeasonView(View):
    id: str
    number: int
    title: str | None
    poster: ArtworkView | None = None
    episodes: list[EpisodeView]
    edited_fields: list[str] = []


class SeriesView(View):
    id: str
    title: str
    sort_title: str | None = None
    year: int | None = None
    overview: str | None = None
    description: str | None = None  # the same as overview (the name before 0009)
    original_title: str | None = None
    genres: list[str] = []
    poster: ArtworkView | None = None
    backdrop: ArtworkView | None = None
    created_at: datetime | None = None
    seasons: list[SeasonView]
    external_ids: dict[str, str] = {}
    edited_fields: list[str] = []


class MovieView(View):
    id: str
    title: str
    original_title: str | None = None
    sort_title: str | None = None
    year: int | None = None
    overview: str | None = None
    description: str | None = None  # the same as overview (the name before 0009)
    genres: list[str] = []
    release_date: date | None
    media_file_id: str | None = None  # the version that plays (the first)
    versions: list[VersionView] = []
    poster: ArtworkView | None = None
    backdrop: ArtworkView | None = None
    created_at: datetime | None = None
    external_ids: dict[str, str] = {}
    edited_fields: list[str] = []


class CatalogueRef(View):
    """Where a media file sits in the catalogue, with the words to show for it."""

    kind: str  # movie, episode
    movie_id: str | None = None
    episode_id: str | None = None
    season_id: str | None = None
    series_id: str | None = None
    title: str | None = None  # the movie's or the episode's own title
    year: int | None = None
    series_title: str | None = None
    season: int | None = None
    episode: int | None = None
    end_episode: int | None = None
    version: str | None = None
    label: str  # "The Matrix (1999)", "Garden Show · S01E02 · Seeds"
    # The picture chosen for the movie (by the user or a sidecar), to show instead of
    # the file's own frame; storage keys, best first. Empty: the file's own picture.
    poster_keys: list[str] = []


class PlaybackStateView(View):
    media_file_id: str
    profile: str = "default"
    position_s: float
    watched: bool
    updated_at: datetime | None = None


class LibraryListing(View):
    movies: list[MovieView]
    series: list[SeriesView]
    loose_media: list[MediaFileView]


class ImportResult(View):
    media: MediaFileView
    duplicate: bool
    movie_id: str | None = None
    episode_id: str | None = None
    job_ids: list[str] = []


class OutputBytes(View):
    """One kind of output across the library."""

    kind: str
    label: str
    bytes: int
    files: int


class RenditionBytes(View):
    """One rung of the ladder across the library (``720p`` in every title that has it)."""

    name: str
    titles: int
    bytes: int
    hours: float
    bytes_per_hour: int | None
    mean_ssim: float | None  # measured quality, when the ladder measured it
    picture: str = ""  # that quality in words ("Very good"), as every view shows it


class StorageStats(View):
    """Where the library's bytes go: originals, each kind of output, each rendition,
    and per hour of media (the figure a storage budget is set in)."""

    media_files: int
    hours: float
    # Originals in MediaDesk's storage (copied in); those in library folders apart.
    originals_bytes: int
    originals_bytes_per_hour: int | None
    referenced_bytes: int = 0
    outputs: list[OutputBytes]
    outputs_bytes: int
    renditions: list[RenditionBytes]
    ladder_hours: float
    ladder_bytes_per_hour: int | None
    budget_bytes_per_hour: int | None
    total_bytes: int  # in MediaDesk's storage: stored originals and every output
    summary: str = ""  # the first line of every storage view, in people's words
    ladder_summary: str = ""  # the last line: all streaming versions per hour


T = TypeVar("T")


class Page(View, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


class NfoFileView(View):
    """One NFO ``library export-nfo`` looked at, and what it did with it."""

    path: str
    entry_kind: str  # movie, series, episode
    entry_id: str
    label: str  # "Arrival (2016)", "Great Show S01E02"
    # written, unchanged (already says the same), kept (the user's own NFO; --overwrite
    # replaces it), failed (could not be written: ``reason`` says why)
    outcome: str
    reason: str | None = None


class NfoExportReport(View):
    written: int
    unchanged: int
    kept: int
    failed: int
    files: list[NfoFileView]
