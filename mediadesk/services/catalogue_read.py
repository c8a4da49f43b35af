"""Building catalogue views from rows: movies, series, artwork, and where a file belongs.

Shared by the catalogue (listings) and the library (a media file's title, the entry it
belongs to, its playback state), so a grid tile, a detail pane, the API and the CLI all
say the same thing about the same file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from mediadesk.domain.catalogue import (
    CatalogueSort,
    episode_code,
    movie_label,
)
from mediadesk.domain.enums import MediaKind
from mediadesk.engine.stills import POSTER_NAME, THUMBNAIL_NAME
from mediadesk.library.catalogue_models import (
    Artwork,
    CatalogueFile,
    Episode,
    ExternalId,
    Movie,
    Season,
    Series,
)
from mediadesk.library.models import MediaFile, PlaybackState
from mediadesk.library.views import (
    ArtworkView,
    CatalogueRef,
    EpisodeView,
    MovieView,
    PlaybackStateView,
    SeasonView,
    SeriesView,
    VersionView,
)
from mediadesk.storage import keys

DEFAULT_PROFILE = "default"
POSTER_VARIANT = 600  # the WebP variant a poster is shown from (images make 1200/600/150)
SOURCE_ORDER = ("user", "sidecar")  # then a frame of the entry's own media


# Artwork ------------------------------------------------------------------------------


def image_keys(media: MediaFile) -> list[str]:
    """Where an image shows from: its WebP variant once made, the original before."""
    return picture_keys(media.id, MediaKind.IMAGE, media.original_key)


def picture_keys(media_id: str, kind: MediaKind, original_key: str) -> list[str]:
    """A media file's own picture: an image shows itself, video its poster frame."""
    if kind == MediaKind.IMAGE:
        return [f"{keys.images_dir(media_id)}/{POSTER_VARIANT}.webp", original_key]
    return frame_keys(media_id)


def frame_keys(media_id: str) -> list[str]:
    base = keys.thumbnails_dir(media_id)
    return [f"{base}/{THUMBNAIL_NAME}", f"{base}/{POSTER_NAME}"]


def pick_artwork(
    rows: Iterable[Artwork], role: str, frame_of: str | None = None
) -> ArtworkView | None:
    """The best picture for ``role``: the user's, else a sidecar's, else a frame."""
    by_source = {a.source: a for a in rows if a.role == role}
    for source in SOURCE_ORDER:
        art = by_source.get(source)
        if art is not None:
            return ArtworkView(
                role=role,
                source=source,
                media_file_id=art.image_media_id,
                keys=image_keys(art.image),
            )
    if frame_of is not None and role == "poster":
        return ArtworkView(
            role=role, source="frame", media_file_id=frame_of, keys=frame_keys(frame_of)
        )
    return None


# Entries ------------------------------------------------------------------------------


def external_ids(rows: Iterable[ExternalId]) -> dict[str, str]:
    return {r.provider: r.value for r in sorted(rows, key=lambda r: r.provider)}


def _versions(files: Sequence[CatalogueFile]) -> list[VersionView]:
    return [
        VersionView(media_file_id=f.media_file_id, version=f.version, position=f.position)
        for f in files
    ]


def movie_view(movie: Movie) -> MovieView:
    versions = _versions(movie.files)
    primary = versions[0].media_file_id if versions else None
    return MovieView(
        id=movie.id,
        title=movie.title,
        original_title=movie.original_title,
        sort_title=movie.sort_title,
        year=movie.year,
        overview=movie.overview,
        description=movie.overview,
        genres=list(movie.genres or []),
        release_date=movie.release_date,
        media_file_id=primary,
        versions=versions,
        poster=pick_artwork(movie.artwork, "poster", primary),
        backdrop=pick_artwork(movie.artwork, "backdrop"),
        created_at=movie.created_at,
        external_ids=external_ids(movie.external_ids),
        edited_fields=list(movie.edited_fields or []),
    )


def episode_view(episode: Episode) -> EpisodeView:
    versions = _versions(episode.files)
    return EpisodeView(
        id=episode.id,
        number=episode.number,
        end_number=episode.end_number,
        title=episode.title,
        overview=episode.overview,
        air_date=episode.air_date,
        media_file_id=versions[0].media_file_id if versions else None,
        versions=versions,
        external_ids=external_ids(episode.external_ids),
        edited_fields=list(episode.edited_fields or []),
    )


def series_view(series: Series) -> SeriesView:
    seasons = []
    first_media: str | None = None
    for season in sorted(series.seasons, key=lambda z: z.number):
        episodes = [episode_view(e) for e in sorted(season.episodes, key=lambda e: e.number)]
        season_first = next((e.media_file_id for e in episodes if e.media_file_id), None)
        if first_media is None and season.number > 0:
            first_media = season_first
        seasons.append((season, episodes, season_first))
    poster = pick_artwork(series.artwork, "poster", first_media)
    return SeriesView(
        id=series.id,
        title=series.title,
        sort_title=series.sort_title,
        year=series.year,
        overview=series.overview,
        description=series.overview,
        original_title=series.original_title,
        genres=list(series.genres or []),
        poster=poster,
        backdrop=pick_artwork(series.artwork, "backdrop"),
        created_at=series.created_at,
        external_ids=external_ids(series.external_ids),
        edited_fields=list(series.edited_fields or []),
        seasons=[
            SeasonView(
                id=season.id,
                number=season.number,
                title=season.title,
                poster=pick_artwork(season.artwork, "poster") or poster,
                episodes=episodes,
                edited_fields=list(season.edited_fields or []),
            )
            for season, episodes, _first in seasons
        ],
    )


def _ordered(
    stmt: Select[Any],
    model: type[Movie] | type[Series],
    sort: CatalogueSort,
) -> Select[Any]:
    if sort == CatalogueSort.YEAR:
        return stmt.order_by(
            case((model.year.is_(None), 1), else_=0), model.year.desc(), model.sort_key
        )
    if sort == CatalogueSort.ADDED:
        return stmt.order_by(model.created_at.desc(), model.id)
    return stmt.order_by(model.sort_key, model.year, model.id)


def load_movies(session: Session, sort: CatalogueSort = CatalogueSort.TITLE) -> list[Movie]:
    stmt = select(Movie).options(
        selectinload(Movie.files),
        selectinload(Movie.external_ids),
        selectinload(Movie.artwork).selectinload(Artwork.image),
    )
    return list(session.scalars(_ordered(stmt, Movie, sort)))


def load_series(
    session: Session, sort: CatalogueSort = CatalogueSort.TITLE, series_id: str | None = None
) -> list[Series]:
    stmt = select(Series).options(
        selectinload(Series.seasons).selectinload(Season.episodes).selectinload(Episode.files),
        selectinload(Series.seasons)
        .selectinload(Season.episodes)
        .selectinload(Episode.external_ids),
        selectinload(Series.external_ids),
        selectinload(Series.seasons).selectinload(Season.artwork).selectinload(Artwork.image),
        selectinload(Series.artwork).selectinload(Artwork.image),
    )
    if series_id is not None:
        stmt = stmt.where(Series.id == series_id)
    return list(session.scalars(_ordered(stmt, Series, sort)))


# Where a media file belongs ----------------------------------------------------------


def catalogue_refs(session: Session, media_ids: Sequence[str]) -> dict[str, CatalogueRef]:
    """The entry each of ``media_ids`` belongs to (files in none are left out)."""
    if not media_ids:
        return {}
    out: dict[str, CatalogueRef] = {}
    movies = session.execute(
        select(
            CatalogueFile.media_file_id, CatalogueFile.version, Movie.id, Movie.title, Movie.year
        )
        .join(Movie, Movie.id == CatalogueFile.movie_id)
        .where(CatalogueFile.media_file_id.in_(media_ids))
    ).all()
    movie_ids = {row[2] for row in movies}
    shared = _shared_entries(session, CatalogueFile.movie_id, movie_ids)
    posters = _movie_posters(session, movie_ids)
    for media_id, version, movie_id, title, year in movies:
        label = movie_label(title, year)
        # A version label only tells versions apart: alone, a file needs none.
        shown = version if version and movie_id in shared else None
        out[media_id] = CatalogueRef(
            kind="movie",
            movie_id=movie_id,
            title=title,
            year=year,
            version=version,
            label=f"{label} · {shown}" if shown else label,
            poster_keys=posters.get(movie_id, []),
        )
    episodes = session.execute(
        select(
            CatalogueFile.media_file_id,
            CatalogueFile.version,
            Episode.id,
            Episode.title,
            Episode.number,
            Episode.end_number,
            Season.id,
            Season.number,
            Series.id,
            Series.title,
            Series.year,
        )
        .join(Episode, Episode.id == CatalogueFile.episode_id)
        .join(Season, Season.id == Episode.season_id)
        .join(Series, Series.id == Season.series_id)
        .where(CatalogueFile.media_file_id.in_(media_ids))
    ).all()
    shared_episodes = _shared_entries(session, CatalogueFile.episode_id, {r[2] for r in episodes})
    for (
        media_id,
        version,
        ep_id,
        ep_title,
        number,
        end,
        season_id,
        season,
        series_id,
        series_title,
        year,
    ) in episodes:
        parts = [series_title, episode_code(season, number, end)]
        if ep_title:
            parts.append(ep_title)
        if version and ep_id in shared_episodes:
            parts.append(version)
        out[media_id] = CatalogueRef(
            kind="episode",
            episode_id=ep_id,
            season_id=season_id,
            series_id=series_id,
            title=ep_title,
            year=year,
            series_title=series_title,
            season=season,
            episode=number,
            end_episode=end,
            version=version,
            label=" · ".join(parts),
        )
    return out


def _shared_entries(session: Session, column: Any, entry_ids: set[str]) -> set[str]:
    """Of ``entry_ids``, those with more than one file (versions to tell apart)."""
    if not entry_ids:
        return set()
    rows = session.execute(
        select(column).where(column.in_(entry_ids)).group_by(column).having(func.count() > 1)
    ).all()
    return {r[0] for r in rows}


def _movie_posters(session: Session, movie_ids: set[str]) -> dict[str, list[str]]:
    if not movie_ids:
        return {}
    rows = session.scalars(
        select(Artwork)
        .where(Artwork.movie_id.in_(movie_ids), Artwork.role == "poster")
        .options(selectinload(Artwork.image))
    ).all()
    by_movie: dict[str, list[Artwork]] = {}
    for art in rows:
        by_movie.setdefault(art.movie_id or "", []).append(art)
    out = {}
    for movie_id, arts in by_movie.items():
        picked = pick_artwork(arts, "poster")
        if picked is not None:
            out[movie_id] = picked.keys
    return out


def playback_states(
    session: Session, media_ids: Sequence[str], profile: str = DEFAULT_PROFILE
) -> dict[str, PlaybackStateView]:
    if not media_ids:
        return {}
    rows = session.scalars(
        select(PlaybackState).where(
            PlaybackState.media_file_id.in_(media_ids), PlaybackState.profile == profile
        )
    )
    return {r.media_file_id: PlaybackStateView.model_validate(r) for r in rows}
