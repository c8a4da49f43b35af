"""Editing catalogue entries: validated field changes, and merging duplicates.

Every edit is checked before anything is written (titles, years in range, episode and
season numbers unique in their parent) and refused with a sentence that says what to
change. Edit models name only what changes: a field left out stays as it is, a field
set to ``null`` is cleared.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import check_number, check_title, check_year, sort_key
from mediadesk.errors import Conflict, InvalidInput, NotFound
from mediadesk.library.catalogue_models import (
    Artwork,
    CatalogueFile,
    Episode,
    Movie,
    Season,
    Series,
)
from mediadesk.services.catalogue_attach import check_free_numbers, ensure_season, files_of
from mediadesk.services.catalogue_metadata import EXTERNAL_IDS, mark_edited, set_external_ids


class Edit(BaseModel):
    # snake_case from Python and the CLI, camelCase from the HTTP API.
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class MovieEdit(Edit):
    title: str | None = Field(default=None, max_length=512)
    original_title: str | None = Field(default=None, max_length=512)
    sort_title: str | None = Field(default=None, max_length=512)
    year: int | None = None
    overview: str | None = None
    genres: list[str] | None = None
    release_date: date | None = None
    # {"tmdb": "329865"}: sets these providers' ids, an empty id removes one.
    external_ids: dict[str, str] | None = None


class SeriesEdit(Edit):
    title: str | None = Field(default=None, max_length=512)
    original_title: str | None = Field(default=None, max_length=512)
    sort_title: str | None = Field(default=None, max_length=512)
    year: int | None = None
    overview: str | None = None
    genres: list[str] | None = None
    external_ids: dict[str, str] | None = None


class SeasonEdit(Edit):
    number: int | None = None
    title: str | None = Field(default=None, max_length=512)


class EpisodeEdit(Edit):
    number: int | None = None
    end_number: int | None = None
    season: int | None = None  # move to this season of the same series
    title: str | None = Field(default=None, max_length=512)
    overview: str | None = None
    air_date: date | None = None
    external_ids: dict[str, str] | None = None


def _get(session: Session, model: type[Any], row_id: str, what: str) -> Any:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"no {what} {row_id}")
    return row


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


def _genres(values: list[str] | None) -> list[str]:
    return list(dict.fromkeys(g.strip() for g in values or [] if g.strip()))


def _record(session: Session, entry: Movie | Series | Episode, changes: dict[str, Any]) -> None:
    """Apply an edit's ids and remember every field it named, so rescans keep them."""
    if changes.get(EXTERNAL_IDS) is not None:
        set_external_ids(session, entry, changes[EXTERNAL_IDS], by_user=True)
    mark_edited(entry, [name for name in changes if name != EXTERNAL_IDS])
    session.flush()


def edit_movie(session: Session, movie_id: str, edit: MovieEdit) -> Movie:
    movie: Movie = _get(session, Movie, movie_id, "movie")
    c = edit.changes()
    if "title" in c:
        movie.title = check_title(c["title"], "movie")
    for name in ("original_title", "sort_title", "overview"):
        if name in c:
            setattr(movie, name, _blank_to_none(c[name]))
    if "year" in c:
        movie.year = check_year(c["year"])
    if "release_date" in c:
        movie.release_date = c["release_date"]
        if movie.release_date is not None:
            check_year(movie.release_date.year)
    if "genres" in c:
        movie.genres = _genres(c["genres"])
    movie.sort_key = sort_key(movie.sort_title or movie.title)
    _record(session, movie, c)
    return movie


def edit_series(session: Session, series_id: str, edit: SeriesEdit) -> Series:
    series: Series = _get(session, Series, series_id, "series")
    c = edit.changes()
    if "title" in c:
        title = check_title(c["title"], "series")
        other = session.scalar(
            select(Series).where(func.lower(Series.title) == title.lower(), Series.id != series.id)
        )
        if other is not None:
            raise Conflict(f"a series called {other.title!r} already exists; merge the two instead")
        series.title = title
    for name in ("original_title", "sort_title", "overview"):
        if name in c:
            setattr(series, name, _blank_to_none(c[name]))
    if "year" in c:
        series.year = check_year(c["year"])
    if "genres" in c:
        series.genres = _genres(c["genres"])
    series.sort_key = sort_key(series.sort_title or series.title)
    _record(session, series, c)
    return series


def edit_season(session: Session, season_id: str, edit: SeasonEdit) -> Season:
    season: Season = _get(session, Season, season_id, "season")
    c = edit.changes()
    if c.get("number") is not None and c["number"] != season.number:
        number = check_number(c["number"], "season")
        taken = session.scalar(
            select(Season).where(Season.series_id == season.series_id, Season.number == number)
        )
        if taken is not None:
            raise Conflict(f"{season.series.title} already has season {number}")
        season.number = number  # type: ignore[assignment]
    if "title" in c:
        season.title = _blank_to_none(c["title"])
    mark_edited(season, c)
    session.flush()
    return season


def edit_episode(session: Session, episode_id: str, edit: EpisodeEdit) -> Episode:
    episode: Episode = _get(session, Episode, episode_id, "episode")
    c = edit.changes()
    season = episode.season
    if c.get("season") is not None and c["season"] != season.number:
        season = ensure_season(session, season.series, c["season"])
    number = c["number"] if c.get("number") is not None else episode.number
    end = c.get("end_number", episode.end_number)
    check_number(number, "episode")
    check_number(end, "episode")
    if end is not None and end < number:
        raise InvalidInput("a double episode must end after it starts")
    if end == number:
        end = None
    if (season.id, number, end) != (episode.season_id, episode.number, episode.end_number):
        check_free_numbers(session, season.id, number, end, except_id=episode.id)
        episode.season_id, episode.number, episode.end_number = season.id, number, end
    for name in ("title", "overview"):
        if name in c:
            setattr(episode, name, _blank_to_none(c[name]))
    if "air_date" in c:
        episode.air_date = c["air_date"]
    _record(session, episode, c)
    session.expire(episode, ["season"])
    return episode


# Merging -------------------------------------------------------------------------------------


def _append_files(
    session: Session, files: list[CatalogueFile], movie_id: str | None, episode_id: str | None
) -> None:
    target = files_of(session, movie_id=movie_id, episode_id=episode_id)
    position = max((f.position for f in target), default=-1) + 1
    for f in files:
        f.movie_id, f.episode_id, f.position = movie_id, episode_id, position
        position += 1


def _move_artwork(session: Session, rows: list[Artwork], keep: list[Artwork], **owner: str) -> None:
    held = {(a.role, a.source) for a in keep}
    for art in rows:
        if (art.role, art.source) in held:
            session.delete(art)
        else:
            art.movie_id = owner.get("movie_id")
            art.series_id = owner.get("series_id")
            art.season_id = owner.get("season_id")


def merge_movies(session: Session, keep_id: str, other_id: str) -> Movie:
    """``other``'s files become versions of ``keep``; its missing metadata fills in."""
    if keep_id == other_id:
        raise InvalidInput("a movie cannot be merged with itself")
    keep: Movie = _get(session, Movie, keep_id, "movie")
    other: Movie = _get(session, Movie, other_id, "movie")
    _append_files(session, files_of(session, movie_id=other.id), keep.id, None)
    _move_artwork(session, list(other.artwork), list(keep.artwork), movie_id=keep.id)
    for name in ("original_title", "year", "overview", "release_date"):
        if getattr(keep, name) is None:
            setattr(keep, name, getattr(other, name))
    keep.genres = list(dict.fromkeys([*(keep.genres or []), *(other.genres or [])]))
    session.flush()
    session.expire(other)
    session.delete(session.get(Movie, other.id))
    session.flush()
    return keep


def merge_series(session: Session, keep_id: str, other_id: str) -> Series:
    """``other``'s seasons and episodes join ``keep``; the same episode twice becomes
    one episode with both files as versions."""
    if keep_id == other_id:
        raise InvalidInput("a series cannot be merged with itself")
    keep: Series = _get(session, Series, keep_id, "series")
    other: Series = _get(session, Series, other_id, "series")
    for season in list(other.seasons):
        target = ensure_season(session, keep, season.number)
        if target.title is None:
            target.title = season.title
        _move_artwork(session, list(season.artwork), list(target.artwork), season_id=target.id)
        for episode in list(season.episodes):
            same = session.scalar(
                select(Episode).where(
                    Episode.season_id == target.id, Episode.number == episode.number
                )
            )
            if same is None:
                check_free_numbers(session, target.id, episode.number, episode.end_number)
                episode.season_id = target.id
                continue
            _append_files(session, files_of(session, episode_id=episode.id), None, same.id)
            for name in ("title", "overview", "air_date", "end_number"):
                if getattr(same, name) is None:
                    setattr(same, name, getattr(episode, name))
        session.flush()
    _move_artwork(session, list(other.artwork), list(keep.artwork), series_id=keep.id)
    for name in ("year", "overview"):
        if getattr(keep, name) is None:
            setattr(keep, name, getattr(other, name))
    session.flush()
    session.expire_all()
    session.delete(session.get(Series, other_id))
    session.flush()
    return session.get(Series, keep_id)  # type: ignore[return-value]
