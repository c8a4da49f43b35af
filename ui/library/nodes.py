"""What a sidebar node means: a media filter and the attach target a drop on it implies."""

from __future__ import annotations

from dataclasses import dataclass, field

from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.library.views import EpisodeView, MovieView, SeasonView, SeriesView
from mediadesk.services.library import MediaFilter


@dataclass(frozen=True)
class AttachHint:
    """Defaults for the attach dialog when files are dropped on a node."""

    as_movie: bool = False
    movie_title: str | None = None
    series: str | None = None
    season: int | None = None
    episode: int | None = None


@dataclass(frozen=True)
class LibraryNode:
    key: str
    label: str
    filter: MediaFilter = field(default_factory=MediaFilter)
    hint: AttachHint = field(default_factory=AttachHint)
    media_id: str | None = None  # an episode or a movie points at one file


ALL = LibraryNode("all", "All media")
MOVIES = LibraryNode("movies", "Movies", MediaFilter(in_movies=True), AttachHint(as_movie=True))
SERIES = LibraryNode("series", "Series", MediaFilter(in_series=True))
VIDEO = LibraryNode("video", "Video", MediaFilter(kind=MediaKind.VIDEO))
AUDIO = LibraryNode("audio", "Audio", MediaFilter(kind=MediaKind.AUDIO))
IMAGES = LibraryNode("images", "Images", MediaFilter(kind=MediaKind.IMAGE))
FAILED = LibraryNode("failed", "Failed", MediaFilter(status=MediaStatus.FAILED))
UNSORTED = LibraryNode("unsorted", "Not in a movie or series", MediaFilter(unattached=True))

TOP_LEVEL = [ALL, MOVIES, SERIES, VIDEO, AUDIO, IMAGES, UNSORTED, FAILED]


def movie_node(movie: MovieView) -> LibraryNode:
    return LibraryNode(
        f"movie:{movie.id}",
        movie.title,
        MediaFilter(movie_id=movie.id),
        AttachHint(as_movie=True, movie_title=movie.title),
        media_id=movie.media_file_id,
    )


def series_node(series: SeriesView) -> LibraryNode:
    return LibraryNode(
        f"series:{series.id}",
        series.title,
        MediaFilter(series_id=series.id),
        AttachHint(series=series.title),
    )


def season_node(series: SeriesView, season: SeasonView) -> LibraryNode:
    label = season.title or ("Specials" if season.number == 0 else f"Season {season.number}")
    return LibraryNode(
        f"season:{season.id}",
        label,
        MediaFilter(season_id=season.id),
        AttachHint(series=series.title, season=season.number),
    )


def episode_node(series: SeriesView, season: SeasonView, episode: EpisodeView) -> LibraryNode:
    label = f"{episode.number:02d}"
    if episode.title:
        label += f" · {episode.title}"
    return LibraryNode(
        f"episode:{episode.id}",
        label,
        MediaFilter(episode_id=episode.id),
        AttachHint(series=series.title, season=season.number, episode=episode.number),
        media_id=episode.media_file_id,
    )
