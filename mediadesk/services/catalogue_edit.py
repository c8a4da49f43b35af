"""Creating and linking catalogue entries directly (the HTTP API's movies and series).

Imports attach media by title (``catalogue.attach``); these calls work on ids: make
a movie or a series -> season -> episode, then point it at a media file or detach it.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mediadesk.errors import Conflict, InvalidInput, NotFound
from mediadesk.events import CatalogueChanged, EventBus
from mediadesk.library.db import Database
from mediadesk.library.models import Episode, Movie, Season, Series
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import EpisodeView, MovieView, SeasonView, SeriesView

Row = TypeVar("Row", Movie, Series, Season, Episode)


def _get(session: Session, model: type[Row], row_id: str) -> Row:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"no {model.__name__.lower()} {row_id}")
    return row


class CatalogueEditor:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus

    def _changed(self) -> None:
        self.bus.publish(CatalogueChanged())

    # Movies -------------------------------------------------------------------------

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
            view = MovieView.of(movie)
        self._changed()
        return view

    def get_movie(self, movie_id: str) -> MovieView:
        with self.db.read() as s:
            return MovieView.of(_get(s, Movie, movie_id))

    def set_movie_media(self, movie_id: str, media_file_id: str | None) -> MovieView:
        return MovieView.of(self._link(Movie, movie_id, media_file_id))

    def delete_movie(self, movie_id: str) -> None:
        with self.db.write() as s:
            s.delete(_get(s, Movie, movie_id))
        self._changed()

    def _link(self, model: type[Row], row_id: str, media_file_id: str | None) -> Row:
        """Point a movie or an episode at a media file (``None`` detaches it)."""
        with self.db.write() as s:
            row = _get(s, model, row_id)
            if media_file_id is not None:
                get_media_row(s, media_file_id)
            assert isinstance(row, Movie | Episode)
            row.media_file_id = media_file_id
        self._changed()
        return row

    # Series, seasons, episodes ------------------------------------------------------

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

    def get_series(self, series_id: str) -> SeriesView:
        with self.db.read() as s:
            series = s.scalar(
                select(Series)
                .where(Series.id == series_id)
                .options(selectinload(Series.seasons).selectinload(Season.episodes))
            )
            if series is None:
                raise NotFound(f"no series {series_id}")
            return SeriesView.of(series)

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
            view = EpisodeView.of(episode)
        self._changed()
        return view

    def set_episode_media(self, episode_id: str, media_file_id: str | None) -> EpisodeView:
        return EpisodeView.of(self._link(Episode, episode_id, media_file_id))
