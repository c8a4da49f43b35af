"""The catalogue: movies, series -> seasons -> episodes, and the media files they hold.

One service for every shell (the GUI, the HTTP API, the CLI) and for ingest, which
attaches a new file inside its own unit of work (:meth:`CatalogueService.attach_in`).
The rules live beside it: ``catalogue_attach`` (a file's place, versions, conflicts),
``catalogue_edit`` (validated edits, merges), ``catalogue_read`` (views, artwork).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import (
    CatalogueSort,
    ConflictChoice,
    check_number,
    check_title,
    check_year,
    sort_key,
)
from mediadesk.errors import Conflict, NotFound
from mediadesk.events import CatalogueChanged, EventBus
from mediadesk.library.catalogue_models import Episode, Movie, Season, Series
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import (
    EpisodeView,
    LibraryListing,
    MovieView,
    SeasonView,
    SeriesView,
)
from mediadesk.services import catalogue_attach as attach_rules
from mediadesk.services import catalogue_edit as edits
from mediadesk.services.catalogue_attach import (
    AttachConflict,
    Attached,
    AttachTarget,
    EpisodeTarget,
    MovieTarget,
)
from mediadesk.services.catalogue_read import (
    episode_view,
    load_movies,
    load_series,
    movie_view,
    series_view,
)
from mediadesk.services.library import MediaFilter, media_conditions, media_views

__all__ = [
    "AttachConflict",
    "AttachTarget",
    "Attached",
    "CatalogueService",
    "ConflictChoice",
    "EpisodeTarget",
    "MovieTarget",
]

T = TypeVar("T")


class CatalogueService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus

    def _changed(self) -> None:
        self.bus.publish(CatalogueChanged())

    def _write(self, fn: Callable[[Session], T]) -> T:
        with self.db.write() as s:
            result = fn(s)
        self._changed()
        return result

    # Reading ------------------------------------------------------------------------

    def listing(self, sort: CatalogueSort = CatalogueSort.TITLE) -> LibraryListing:
        """Movies, series with their seasons and episodes, and media attached to neither."""
        loose = (
            select(MediaFile)
            .where(and_(*media_conditions(MediaFilter(unattached=True))))
            .order_by(MediaFile.created_at)
        )
        with self.db.read() as s:
            return LibraryListing(
                movies=[movie_view(m) for m in load_movies(s, sort)],
                series=[series_view(x) for x in load_series(s, sort)],
                loose_media=media_views(s, list(s.scalars(loose))),
            )

    def movies(self, sort: CatalogueSort = CatalogueSort.TITLE) -> list[MovieView]:
        with self.db.read() as s:
            return [movie_view(m) for m in load_movies(s, sort)]

    def series(self, sort: CatalogueSort = CatalogueSort.TITLE) -> list[SeriesView]:
        with self.db.read() as s:
            return [series_view(x) for x in load_series(s, sort)]

    def get_movie(self, movie_id: str) -> MovieView:
        with self.db.read() as s:
            for movie in load_movies(s):
                if movie.id == movie_id:
                    return movie_view(movie)
        raise NotFound(f"no movie {movie_id}")

    def get_series(self, series_id: str) -> SeriesView:
        with self.db.read() as s:
            found = load_series(s, series_id=series_id)
            if not found:
                raise NotFound(f"no series {series_id}")
            return series_view(found[0])

    def get_season(self, season_id: str) -> SeasonView:
        with self.db.read() as s:
            season = s.get(Season, season_id)
            if season is None:
                raise NotFound(f"no season {season_id}")
            series_id = season.series_id
        return next(z for z in self.get_series(series_id).seasons if z.id == season_id)

    def get_episode(self, episode_id: str) -> EpisodeView:
        with self.db.read() as s:
            episode = s.get(Episode, episode_id)
            if episode is None:
                raise NotFound(f"no episode {episode_id}")
            return episode_view(episode)

    # Attaching media files -------------------------------------------------------------

    def attach(self, media_id: str, target: AttachTarget) -> Attached:
        """Attach by title, creating the movie or series, season and episode as needed."""
        return self._write(lambda s: self.attach_in(s, get_media_row(s, media_id), target))

    def attach_in(
        self, session: Session, media: MediaFile, target: AttachTarget | None
    ) -> Attached:
        """Attach ``media`` inside the caller's transaction, creating entries as needed.

        The caller publishes ``CatalogueChanged`` after its commit (ingest does).
        """
        if target is None:
            return Attached()
        return attach_rules.attach_in(session, media, target)

    def attach_to(
        self,
        media_id: str,
        movie_id: str | None = None,
        episode_id: str | None = None,
        on_conflict: ConflictChoice | None = None,
        version: str | None = None,
    ) -> Attached:
        """Re-attach a file to an existing movie or episode, by id."""
        return self._write(
            lambda s: attach_rules.attach_by_id(
                s, get_media_row(s, media_id), movie_id, episode_id, on_conflict, version
            )
        )

    def detach(self, media_id: str) -> bool:
        """Take a file out of its movie or episode (the entry and the file stay)."""
        return self._write(lambda s: attach_rules.detach_in(s, get_media_row(s, media_id).id))

    def conflicts(
        self, targets: Sequence[tuple[str | None, AttachTarget]]
    ) -> list[AttachConflict | None]:
        """For each (media id or None for a new file, target): the file already there.

        Bad targets raise ``InvalidInput`` naming what is wrong, as the attach would.
        """
        with self.db.read() as s:
            out = []
            for media_id, target in targets:
                attach_rules.check_target(target)
                out.append(attach_rules.find_conflict(s, media_id, target))
            return out

    # Creating and editing by id ------------------------------------------------------------

    def create_movie(
        self,
        title: str,
        description: str | None = None,
        release_date: date | None = None,
        media_file_id: str | None = None,
        year: int | None = None,
    ) -> MovieView:
        def create(s: Session) -> str:
            clean = check_title(title, "movie")
            movie = Movie(
                title=clean,
                sort_key=sort_key(clean),
                overview=description,
                release_date=release_date,
                year=check_year(year or (release_date.year if release_date else None)),
                genres=[],
            )
            s.add(movie)
            s.flush()
            if media_file_id is not None:
                attach_rules.attach_by_id(s, get_media_row(s, media_file_id), movie.id, None, None)
            return movie.id

        return self.get_movie(self._write(create))

    def edit_movie(self, movie_id: str, edit: edits.MovieEdit) -> MovieView:
        self._write(lambda s: edits.edit_movie(s, movie_id, edit))
        return self.get_movie(movie_id)

    def set_movie_media(self, movie_id: str, media_file_id: str | None) -> MovieView:
        """Point a movie at one media file (replacing its files); ``None`` detaches them."""

        def apply(s: Session) -> None:
            if s.get(Movie, movie_id) is None:
                raise NotFound(f"no movie {movie_id}")
            if media_file_id is None:
                for f in attach_rules.files_of(s, movie_id=movie_id):
                    s.delete(f)
                return
            media = get_media_row(s, media_file_id)
            attach_rules.attach_by_id(s, media, movie_id, None, ConflictChoice.REPLACE)

        self._write(apply)
        return self.get_movie(movie_id)

    def merge_movies(self, keep_id: str, other_id: str) -> MovieView:
        self._write(lambda s: edits.merge_movies(s, keep_id, other_id))
        return self.get_movie(keep_id)

    def delete_movie(self, movie_id: str) -> None:
        """Remove the movie entry; its files stay in the library, unattached."""

        def remove(s: Session) -> None:
            movie = s.get(Movie, movie_id)
            if movie is None:
                raise NotFound(f"no movie {movie_id}")
            s.delete(movie)

        self._write(remove)

    def create_series(
        self, title: str, description: str | None = None, year: int | None = None
    ) -> SeriesView:
        clean = check_title(title, "series")
        try:
            with self.db.write() as s:
                series = Series(
                    title=clean,
                    sort_key=sort_key(clean),
                    overview=description,
                    year=check_year(year),
                )
                s.add(series)
                s.flush()
                series_id = series.id
        except IntegrityError:
            raise Conflict(f"a series called {clean!r} already exists") from None
        self._changed()
        return self.get_series(series_id)

    def edit_series(self, series_id: str, edit: edits.SeriesEdit) -> SeriesView:
        self._write(lambda s: edits.edit_series(s, series_id, edit))
        return self.get_series(series_id)

    def merge_series(self, keep_id: str, other_id: str) -> SeriesView:
        self._write(lambda s: edits.merge_series(s, keep_id, other_id))
        return self.get_series(keep_id)

    def delete_series(self, series_id: str) -> None:
        """Remove the series with its seasons and episodes; the files stay, unattached."""

        def remove(s: Session) -> None:
            series = s.get(Series, series_id)
            if series is None:
                raise NotFound(f"no series {series_id}")
            s.delete(series)

        self._write(remove)

    def create_season(self, series_id: str, number: int, title: str | None = None) -> SeasonView:
        def create(s: Session) -> str:
            series = s.get(Series, series_id)
            if series is None:
                raise NotFound(f"no series {series_id}")
            check_number(number, "season")
            if s.scalar(
                select(Season).where(Season.series_id == series_id, Season.number == number)
            ):
                raise Conflict(f"{series.title} already has season {number}")
            season = Season(series_id=series_id, number=number, title=title)
            s.add(season)
            s.flush()
            return season.id

        return self.get_season(self._write(create))

    def edit_season(self, season_id: str, edit: edits.SeasonEdit) -> SeasonView:
        self._write(lambda s: edits.edit_season(s, season_id, edit))
        return self.get_season(season_id)

    def create_episode(
        self,
        season_id: str,
        number: int,
        title: str | None = None,
        media_file_id: str | None = None,
        end_number: int | None = None,
    ) -> EpisodeView:
        def create(s: Session) -> str:
            if s.get(Season, season_id) is None:
                raise NotFound(f"no season {season_id}")
            check_number(number, "episode")
            attach_rules.check_free_numbers(s, season_id, number, end_number)
            episode = Episode(
                season_id=season_id, number=number, end_number=end_number, title=title
            )
            s.add(episode)
            s.flush()
            if media_file_id is not None:
                attach_rules.attach_by_id(
                    s, get_media_row(s, media_file_id), None, episode.id, None
                )
            return episode.id

        return self.get_episode(self._write(create))

    def edit_episode(self, episode_id: str, edit: edits.EpisodeEdit) -> EpisodeView:
        self._write(lambda s: edits.edit_episode(s, episode_id, edit))
        return self.get_episode(episode_id)

    def delete_episode(self, episode_id: str) -> None:
        def remove(s: Session) -> None:
            episode = s.get(Episode, episode_id)
            if episode is None:
                raise NotFound(f"no episode {episode_id}")
            s.delete(episode)

        self._write(remove)

    def set_episode_media(self, episode_id: str, media_file_id: str | None) -> EpisodeView:
        """Point an episode at one media file (replacing its files); ``None`` detaches."""

        def apply(s: Session) -> None:
            if s.get(Episode, episode_id) is None:
                raise NotFound(f"no episode {episode_id}")
            if media_file_id is None:
                for f in attach_rules.files_of(s, episode_id=episode_id):
                    s.delete(f)
                return
            media = get_media_row(s, media_file_id)
            attach_rules.attach_by_id(s, media, None, episode_id, ConflictChoice.REPLACE)

        self._write(apply)
        return self.get_episode(episode_id)
