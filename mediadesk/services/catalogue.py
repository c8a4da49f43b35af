"""The catalogue: movies, series -> seasons -> episodes, and the media files they point at.

One service for every shell (the GUI, the HTTP API, the CLI) and for ingest, which
attaches a new file inside its own unit of work (:meth:`CatalogueService.attach_in`).
Imports attach by title (creating entries as needed); the API's calls work on ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mediadesk.errors import Conflict, InvalidInput, NotFound
from mediadesk.events import CatalogueChanged, EventBus
from mediadesk.library.db import Database
from mediadesk.library.models import Episode, MediaFile, Movie, Season, Series
from mediadesk.library.queries import get_media_row, load_series
from mediadesk.library.views import (
    EpisodeView,
    LibraryListing,
    MediaFileView,
    MovieView,
    SeasonView,
    SeriesView,
)
from mediadesk.services.library import MediaFilter, media_conditions


@dataclass(frozen=True)
class MovieTarget:
    title: str
    description: str | None = None
    release_date: date | None = None


@dataclass(frozen=True)
class EpisodeTarget:
    series: str
    season: int
    episode: int
    title: str | None = None


AttachTarget = MovieTarget | EpisodeTarget


@dataclass(frozen=True)
class Attached:
    movie_id: str | None = None
    episode_id: str | None = None


Row = TypeVar("Row", Movie, Series, Season, Episode)


def _get(session: Session, model: type[Row], row_id: str) -> Row:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"no {model.__name__.lower()} {row_id}")
    return row


class CatalogueService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus

    def _changed(self) -> None:
        self.bus.publish(CatalogueChanged())

    # Reading ------------------------------------------------------------------------

    def listing(self) -> LibraryListing:
        """Movies, series with their seasons and episodes, and media attached to neither."""
        loose = (
            select(MediaFile)
            .where(and_(*media_conditions(MediaFilter(unattached=True))))
            .order_by(MediaFile.created_at)
        )
        with self.db.read() as s:
            return LibraryListing(
                movies=[MovieView.model_validate(m) for m in self._movies(s)],
                series=[SeriesView.model_validate(x) for x in load_series(s)],
                loose_media=[MediaFileView.of(m) for m in s.scalars(loose)],
            )

    def movies(self) -> list[MovieView]:
        with self.db.read() as s:
            return [MovieView.model_validate(m) for m in self._movies(s)]

    def series(self) -> list[SeriesView]:
        with self.db.read() as s:
            return [SeriesView.model_validate(x) for x in load_series(s)]

    def get_movie(self, movie_id: str) -> MovieView:
        with self.db.read() as s:
            return MovieView.model_validate(_get(s, Movie, movie_id))

    def get_series(self, series_id: str) -> SeriesView:
        with self.db.read() as s:
            series = s.scalar(
                select(Series)
                .where(Series.id == series_id)
                .options(selectinload(Series.seasons).selectinload(Season.episodes))
            )
            if series is None:
                raise NotFound(f"no series {series_id}")
            return SeriesView.model_validate(series)

    @staticmethod
    def _movies(s: Session) -> list[Movie]:
        return list(s.scalars(select(Movie).order_by(Movie.title)))

    # Attaching media files by title (imports) ---------------------------------------

    def attach(self, media_id: str, target: AttachTarget) -> Attached:
        with self.db.write() as s:
            attached = self.attach_in(s, get_media_row(s, media_id), target)
        self._changed()
        return attached

    def attach_in(
        self, session: Session, media: MediaFile, target: AttachTarget | None
    ) -> Attached:
        """Attach ``media`` inside the caller's transaction, creating entries as needed.

        The caller publishes ``CatalogueChanged`` after its commit (ingest does).
        """
        if target is None:
            return Attached()
        if isinstance(target, MovieTarget):
            return Attached(movie_id=_attach_movie(session, media, target).id)
        return Attached(episode_id=_attach_episode(session, media, target).id)

    # Editing by id (the HTTP API) ---------------------------------------------------

    def create_movie(
        self,
        title: str,
        description: str | None = None,
        release_date: date | None = None,
        media_file_id: str | None = None,
    ) -> MovieView:
        if not title.strip():
            raise InvalidInput("a movie needs a title")
        with self.db.write() as s:
            if media_file_id is not None:
                get_media_row(s, media_file_id)
            movie = Movie(
                title=title.strip(),
                description=description,
                release_date=release_date,
                media_file_id=media_file_id,
            )
            s.add(movie)
            s.flush()
            view = MovieView.model_validate(movie)
        self._changed()
        return view

    def set_movie_media(self, movie_id: str, media_file_id: str | None) -> MovieView:
        """Point a movie at a media file (``None`` detaches it)."""
        with self.db.write() as s:
            movie = _get(s, Movie, movie_id)
            if media_file_id is not None:
                get_media_row(s, media_file_id)
            movie.media_file_id = media_file_id
            view = MovieView.model_validate(movie)
        self._changed()
        return view

    def delete_movie(self, movie_id: str) -> None:
        with self.db.write() as s:
            s.delete(_get(s, Movie, movie_id))
        self._changed()

    def create_series(self, title: str, description: str | None = None) -> SeriesView:
        if not title.strip():
            raise InvalidInput("a series needs a title")
        try:
            with self.db.write() as s:
                series = Series(title=title.strip(), description=description)
                s.add(series)
                s.flush()
                view = SeriesView(
                    id=series.id, title=series.title, description=description, seasons=[]
                )
        except IntegrityError:
            raise Conflict(f"a series called {title.strip()!r} already exists") from None
        self._changed()
        return view

    def create_season(self, series_id: str, number: int, title: str | None = None) -> SeasonView:
        with self.db.write() as s:
            series = _get(s, Series, series_id)
            if s.scalar(
                select(Season).where(Season.series_id == series_id, Season.number == number)
            ):
                raise Conflict(f"{series.title} already has season {number}")
            season = Season(series_id=series_id, number=number, title=title)
            s.add(season)
            s.flush()
            view = SeasonView(id=season.id, number=number, title=title, episodes=[])
        self._changed()
        return view

    def create_episode(
        self,
        season_id: str,
        number: int,
        title: str | None = None,
        media_file_id: str | None = None,
    ) -> EpisodeView:
        with self.db.write() as s:
            season = _get(s, Season, season_id)
            if s.scalar(
                select(Episode).where(Episode.season_id == season_id, Episode.number == number)
            ):
                raise Conflict(f"season {season.number} already has episode {number}")
            if media_file_id is not None:
                get_media_row(s, media_file_id)
            episode = Episode(
                season_id=season_id, number=number, title=title, media_file_id=media_file_id
            )
            s.add(episode)
            s.flush()
            view = EpisodeView.model_validate(episode)
        self._changed()
        return view

    def set_episode_media(self, episode_id: str, media_file_id: str | None) -> EpisodeView:
        """Point an episode at a media file (``None`` detaches it)."""
        with self.db.write() as s:
            episode = _get(s, Episode, episode_id)
            if media_file_id is not None:
                get_media_row(s, media_file_id)
            episode.media_file_id = media_file_id
            view = EpisodeView.model_validate(episode)
        self._changed()
        return view


def _attach_movie(session: Session, media: MediaFile, target: MovieTarget) -> Movie:
    title = target.title.strip()
    if not title:
        raise InvalidInput("a movie needs a title")
    candidates = session.scalars(select(Movie).where(Movie.title == title)).all()
    for movie in candidates:
        if movie.media_file_id == media.id:
            return movie
    for movie in candidates:
        if movie.media_file_id is None:
            movie.media_file_id = media.id
            return movie
    movie = Movie(
        title=title,
        description=target.description,
        release_date=target.release_date,
        media_file_id=media.id,
    )
    session.add(movie)
    session.flush()
    return movie


def _ensure_series(session: Session, title: str) -> Series:
    title = title.strip()
    if not title:
        raise InvalidInput("a series needs a title")
    series = session.scalar(select(Series).where(Series.title == title))
    if series is None:
        series = Series(title=title)
        session.add(series)
        session.flush()
    return series


def _ensure_season(session: Session, series: Series, number: int) -> Season:
    if number < 0:
        raise InvalidInput("season numbers start at 0 (specials) or 1")
    season = session.scalar(
        select(Season).where(Season.series_id == series.id, Season.number == number)
    )
    if season is None:
        season = Season(series_id=series.id, number=number)
        session.add(season)
        session.flush()
    return season


def _attach_episode(session: Session, media: MediaFile, target: EpisodeTarget) -> Episode:
    if target.episode < 0:
        raise InvalidInput("episode numbers must not be negative")
    season = _ensure_season(session, _ensure_series(session, target.series), target.season)
    episode = session.scalar(
        select(Episode).where(Episode.season_id == season.id, Episode.number == target.episode)
    )
    if episode is None:
        episode = Episode(
            season_id=season.id, number=target.episode, title=target.title, media_file_id=media.id
        )
        session.add(episode)
        session.flush()
        return episode
    if episode.media_file_id not in (None, media.id):
        raise Conflict(
            f"{target.series} S{target.season:02d}E{target.episode:02d} already has a media "
            "file; detach it first"
        )
    episode.media_file_id = media.id
    if target.title:
        episode.title = target.title
    return episode
