"""What a sidebar node means: a media filter, the attach target a drop on it implies,
the entry it stands for (for its context menu), and what to say when it is empty."""

from __future__ import annotations

from dataclasses import dataclass, field

from mediadesk.domain import catalogue
from mediadesk.domain.catalogue import episode_numbers, movie_label, season_label
from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.domain.folders import HealthState
from mediadesk.library.views import AlbumView, EpisodeView, MovieView, SeasonView, SeriesView
from mediadesk.services.library import RECENT_DAYS, MediaFilter, MediaOrder

DROP_HINT = "Drop files here or use File > Import."


@dataclass(frozen=True)
class AttachHint:
    """Defaults for the attach dialog when files are dropped on a node."""

    as_movie: bool = False
    movie_title: str | None = None
    movie_year: int | None = None
    series: str | None = None
    season: int | None = None
    episode: int | None = None


@dataclass(frozen=True)
class LibraryNode:
    key: str
    label: str
    filter: MediaFilter = field(default_factory=MediaFilter)
    hint: AttachHint | None = None  # None: a drop here uses each file's own guess
    media_id: str | None = None  # an episode or a movie points at one file
    entry_kind: str | None = None  # movie, series, season, episode
    entry_id: str | None = None
    empty: str = DROP_HINT
    # The sort control applies (a shelf such as Continue watching has its own order).
    sortable: bool = True


ALL = LibraryNode("all", "All media", empty="Your library is empty. " + DROP_HINT)
CONTINUE = LibraryNode(
    "continue",
    "Continue watching",
    MediaFilter(in_progress=True, order=MediaOrder.PLAYED),
    empty="Nothing half-watched. Stop a video part-way and it waits for you here.",
    sortable=False,
)
RECENT = LibraryNode(
    "recent",
    "Recently added",
    MediaFilter(added_within_days=RECENT_DAYS),
    empty=f"Nothing added in the last {RECENT_DAYS} days. {DROP_HINT}",
)
MOVIES = LibraryNode(
    "movies",
    "Movies",
    MediaFilter(in_movies=True),
    AttachHint(as_movie=True),
    empty="No movies yet. Drop a film here, or name files like Title (2019).mkv.",
)
SERIES = LibraryNode(
    "series",
    "Series",
    MediaFilter(in_series=True),
    empty="No series yet. Files named like Show.S01E02.mkv become episodes.",
)
VIDEO = LibraryNode(
    "video", "Video", MediaFilter(kind=MediaKind.VIDEO), empty="No videos. " + DROP_HINT
)
AUDIO = LibraryNode(
    "audio", "Audio", MediaFilter(kind=MediaKind.AUDIO), empty="No audio. " + DROP_HINT
)
IMAGES = LibraryNode(
    "images", "Images", MediaFilter(kind=MediaKind.IMAGE), empty="No images. " + DROP_HINT
)
FAILED = LibraryNode(
    "failed",
    "Failed",
    MediaFilter(status=MediaStatus.FAILED),
    empty=(
        "Nothing failed. A file whose processing fails is listed here with the reason; "
        "imports that fail are in the Imports panel."
    ),
)
MISSING = LibraryNode(
    "missing",
    "Missing",
    MediaFilter(missing=True),
    empty=(
        "No file is missing. A file that leaves its library folder is listed here, with "
        "its outputs kept, until it comes back."
    ),
)
DAMAGED = LibraryNode(
    "damaged",
    "Damaged",
    MediaFilter(health=HealthState.DAMAGED),
    empty=(
        "No damaged file found. Check health (right-click a file) decodes it whole; "
        "a file with decoding errors is listed here, never changed or deleted."
    ),
)
UNSORTED = LibraryNode(
    "unsorted",
    "Not in a movie or series",
    MediaFilter(unattached=True),
    empty="Every file is in a movie or a series.",
)

TOP_LEVEL = [
    ALL,
    CONTINUE,
    RECENT,
    MOVIES,
    SERIES,
    VIDEO,
    AUDIO,
    IMAGES,
    UNSORTED,
    MISSING,
    DAMAGED,
    FAILED,
]


def episode_label(episode: EpisodeView) -> str:
    """``3. Roots``, ``2-3. Two Parts``, ``Episode 4`` when untitled."""
    if not episode.title:
        return catalogue.episode_label(episode.number, episode.end_number)
    return f"{episode_numbers(episode.number, episode.end_number)}. {episode.title}"


def movie_node(movie: MovieView) -> LibraryNode:
    return LibraryNode(
        f"movie:{movie.id}",
        movie_label(movie.title, movie.year),
        MediaFilter(movie_id=movie.id),
        AttachHint(as_movie=True, movie_title=movie.title, movie_year=movie.year),
        media_id=movie.media_file_id,
        entry_kind="movie",
        entry_id=movie.id,
        empty="This movie has no file. Drop one here to attach it.",
    )


def series_node(series: SeriesView) -> LibraryNode:
    return LibraryNode(
        f"series:{series.id}",
        series.title,
        MediaFilter(series_id=series.id),
        AttachHint(series=series.title),
        entry_kind="series",
        entry_id=series.id,
        empty="No episode of this series has a file. Drop files here to attach them.",
    )


def season_node(series: SeriesView, season: SeasonView) -> LibraryNode:
    return LibraryNode(
        f"season:{season.id}",
        season_label(season.number, season.title),
        MediaFilter(season_id=season.id),
        AttachHint(series=series.title, season=season.number),
        entry_kind="season",
        entry_id=season.id,
        empty="No episode of this season has a file. Drop files here to attach them.",
    )


def episode_node(series: SeriesView, season: SeasonView, episode: EpisodeView) -> LibraryNode:
    return LibraryNode(
        f"episode:{episode.id}",
        episode_label(episode),
        MediaFilter(episode_id=episode.id),
        AttachHint(series=series.title, season=season.number, episode=episode.number),
        media_id=episode.media_file_id,
        entry_kind="episode",
        entry_id=episode.id,
        empty="This episode has no file. Drop one here to attach it.",
    )


def album_node(album: AlbumView) -> LibraryNode:
    return LibraryNode(
        f"album:{album.key}",
        album.label,
        MediaFilter(kind=MediaKind.AUDIO, album=album.key, order=MediaOrder.TITLE),
        empty="No song of this album is left in the library.",
        sortable=False,  # an album is in its own order: disc, then track
    )
