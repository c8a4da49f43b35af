"""Putting a media file in its place: a movie or an episode, by title or by id.

A file has at most one place (``catalogue_files``); an entry may hold several files
(versions). When the entry already has a file, the caller's ``ConflictChoice`` decides:
replace it, keep both (the new file becomes another version), or skip. Without a
choice the attach is refused with a sentence that names the choices, and nothing
changes. :func:`find_conflict` answers the same question without changing anything,
so a dialog can ask before the import runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import (
    ConflictChoice,
    check_number,
    check_title,
    check_year,
    episode_code,
    movie_label,
    sort_key,
)
from mediadesk.errors import Conflict, InvalidInput, NotFound
from mediadesk.library.catalogue_models import CatalogueFile, Episode, Movie, Season, Series
from mediadesk.library.models import MediaFile


@dataclass(frozen=True)
class MovieTarget:
    title: str
    description: str | None = None
    release_date: date | None = None
    year: int | None = None
    version: str | None = None
    on_conflict: ConflictChoice | None = None

    @property
    def label(self) -> str:
        return movie_label(self.title.strip(), self.year)


@dataclass(frozen=True)
class EpisodeTarget:
    series: str
    season: int
    episode: int
    title: str | None = None
    end_episode: int | None = None
    version: str | None = None
    on_conflict: ConflictChoice | None = None
    year: int | None = None  # the series' first year, when a new series is made

    @property
    def label(self) -> str:
        return f"{self.series.strip()} {episode_code(self.season, self.episode, self.end_episode)}"


AttachTarget = MovieTarget | EpisodeTarget


@dataclass(frozen=True)
class Attached:
    movie_id: str | None = None
    episode_id: str | None = None
    skipped: bool = False  # the entry had a file and the choice was to skip


@dataclass(frozen=True)
class AttachConflict:
    """The entry a target names already holds another file."""

    label: str  # "Show S01E02", "Other Movie (2019)"
    existing_media_id: str
    existing_filename: str

    @property
    def message(self) -> str:
        return (
            f"{self.label} already has a file ({self.existing_filename}): replace it, keep "
            "both as versions, or skip"
        )


def check_target(target: AttachTarget) -> None:
    """Refuse a target that can never be valid (empty title, negative numbers)."""
    if isinstance(target, MovieTarget):
        check_title(target.title, "movie")
        check_year(target.year)
        return
    check_title(target.series, "series")
    check_number(target.season, "season")
    check_number(target.episode, "episode")
    if target.end_episode is not None and target.end_episode < target.episode:
        raise InvalidInput("a double episode must end after it starts")
    check_year(target.year)


# Finding entries by title ---------------------------------------------------------------


def find_movie(session: Session, title: str, year: int | None) -> Movie | None:
    candidates = session.scalars(
        select(Movie)
        .where(func.lower(Movie.title) == title.strip().lower())
        .order_by(Movie.created_at)
    ).all()
    for movie in candidates:
        if year is None or movie.year is None or movie.year == year:
            return movie
    return None


def find_episode(session: Session, target: EpisodeTarget) -> Episode | None:
    series = session.scalar(
        select(Series).where(func.lower(Series.title) == target.series.strip().lower())
    )
    if series is None:
        return None
    return session.scalar(
        select(Episode)
        .join(Season, Season.id == Episode.season_id)
        .where(
            Season.series_id == series.id,
            Season.number == target.season,
            Episode.number == target.episode,
        )
    )


def files_of(
    session: Session, movie_id: str | None = None, episode_id: str | None = None
) -> list[CatalogueFile]:
    where = (
        CatalogueFile.movie_id == movie_id if movie_id else CatalogueFile.episode_id == episode_id
    )
    return list(
        session.scalars(select(CatalogueFile).where(where).order_by(CatalogueFile.position))
    )


def find_conflict(
    session: Session, media_id: str | None, target: AttachTarget
) -> AttachConflict | None:
    """Whether attaching ``media_id`` to ``target`` meets another file there."""
    if isinstance(target, MovieTarget):
        movie = find_movie(session, target.title, target.year)
        files = files_of(session, movie_id=movie.id) if movie else []
    else:
        episode = find_episode(session, target)
        files = files_of(session, episode_id=episode.id) if episode else []
    others = [f for f in files if f.media_file_id != media_id]
    if not others or len(others) < len(files):
        return None  # empty, or this very file is already there
    existing = session.get(MediaFile, others[0].media_file_id)
    return AttachConflict(
        label=target.label,
        existing_media_id=others[0].media_file_id,
        existing_filename=existing.original_filename if existing else "?",
    )


# Creating entries -------------------------------------------------------------------------


def ensure_movie(session: Session, target: MovieTarget) -> Movie:
    movie = find_movie(session, target.title, target.year)
    if movie is None:
        title = check_title(target.title, "movie")
        movie = Movie(
            title=title,
            sort_key=sort_key(title),
            year=check_year(target.year)
            or (target.release_date.year if target.release_date else None),
            overview=target.description,
            release_date=target.release_date,
            genres=[],
        )
        session.add(movie)
        session.flush()
    elif movie.year is None and target.year is not None:
        movie.year = check_year(target.year)
    return movie


def ensure_series(session: Session, title: str, year: int | None = None) -> Series:
    clean = check_title(title, "series")
    series = session.scalar(select(Series).where(func.lower(Series.title) == clean.lower()))
    if series is None:
        series = Series(title=clean, sort_key=sort_key(clean), year=check_year(year))
        session.add(series)
        session.flush()
    return series


def ensure_season(session: Session, series: Series, number: int) -> Season:
    check_number(number, "season")
    season = session.scalar(
        select(Season).where(Season.series_id == series.id, Season.number == number)
    )
    if season is None:
        season = Season(series_id=series.id, number=number)
        session.add(season)
        session.flush()
    return season


def ensure_episode(session: Session, target: EpisodeTarget) -> Episode:
    season = ensure_season(
        session, ensure_series(session, target.series, target.year), target.season
    )
    episode = session.scalar(
        select(Episode).where(Episode.season_id == season.id, Episode.number == target.episode)
    )
    if episode is None:
        check_free_numbers(session, season.id, target.episode, target.end_episode)
        episode = Episode(
            season_id=season.id,
            number=target.episode,
            end_number=target.end_episode,
            title=target.title,
        )
        session.add(episode)
        session.flush()
    elif target.title and not episode.title:
        episode.title = target.title
    return episode


def check_free_numbers(
    session: Session, season_id: str, number: int, end: int | None, except_id: str | None = None
) -> None:
    """No two episodes of a season may cover the same number (double episodes count)."""
    last = end if end is not None else number
    for other in session.scalars(select(Episode).where(Episode.season_id == season_id)):
        if other.id == except_id:
            continue
        other_last = other.end_number if other.end_number is not None else other.number
        if other.number <= last and number <= other_last:
            season = session.get(Season, season_id)
            code = episode_code(season.number if season else 0, other.number, other.end_number)
            raise Conflict(f"{code} already exists in this season; choose another number")


# Linking ------------------------------------------------------------------------------------


def detach_in(session: Session, media_id: str) -> bool:
    """Take a file out of the catalogue (its entry stays); False when it was in none."""
    result = session.execute(delete(CatalogueFile).where(CatalogueFile.media_file_id == media_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def link(
    session: Session,
    media: MediaFile,
    files: list[CatalogueFile],
    choice: ConflictChoice | None,
    label: str,
    version: str | None,
    movie_id: str | None = None,
    episode_id: str | None = None,
) -> bool:
    """Link ``media`` to an entry holding ``files``; False when the choice was to skip."""
    if any(f.media_file_id == media.id for f in files):
        return True
    if files:
        if choice is None:
            existing = session.get(MediaFile, files[0].media_file_id)
            name = existing.original_filename if existing else "another file"
            raise Conflict(
                f"{label} already has a file ({name}); replace it, keep both as versions, or skip"
            )
        if choice == ConflictChoice.SKIP:
            return False
    detach_in(session, media.id)
    position = 0
    if files and choice == ConflictChoice.REPLACE:
        for old in files:
            session.delete(old)
    elif files:
        position = max(f.position for f in files) + 1
    session.flush()
    session.add(
        CatalogueFile(
            media_file_id=media.id,
            movie_id=movie_id,
            episode_id=episode_id,
            version=version,
            position=position,
        )
    )
    session.flush()
    return True


def attach_in(session: Session, media: MediaFile, target: AttachTarget) -> Attached:
    """Attach inside the caller's transaction, creating entries as needed."""
    check_target(target)
    if isinstance(target, MovieTarget):
        movie = ensure_movie(session, target)
        done = link(
            session,
            media,
            files_of(session, movie_id=movie.id),
            target.on_conflict,
            movie_label(movie.title, movie.year),
            target.version,
            movie_id=movie.id,
        )
        return Attached(movie_id=movie.id) if done else Attached(skipped=True)
    episode = ensure_episode(session, target)
    done = link(
        session,
        media,
        files_of(session, episode_id=episode.id),
        target.on_conflict,
        target.label,
        target.version,
        episode_id=episode.id,
    )
    return Attached(episode_id=episode.id) if done else Attached(skipped=True)


def attach_by_id(
    session: Session,
    media: MediaFile,
    movie_id: str | None,
    episode_id: str | None,
    choice: ConflictChoice | None,
    version: str | None = None,
) -> Attached:
    if (movie_id is None) == (episode_id is None):
        raise InvalidInput("attach to a movie or to an episode")
    if movie_id is not None:
        movie = session.get(Movie, movie_id)
        if movie is None:
            raise NotFound(f"no movie {movie_id}")
        files = files_of(session, movie_id=movie_id)
        done = link(
            session,
            media,
            files,
            choice,
            movie_label(movie.title, movie.year),
            version,
            movie_id=movie_id,
        )
        return Attached(movie_id=movie_id) if done else Attached(skipped=True)
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise NotFound(f"no episode {episode_id}")
    season = episode.season
    label = (
        f"{season.series.title} {episode_code(season.number, episode.number, episode.end_number)}"
    )
    files = files_of(session, episode_id=episode.id)
    done = link(session, media, files, choice, label, version, episode_id=episode.id)
    return Attached(episode_id=episode.id) if done else Attached(skipped=True)
