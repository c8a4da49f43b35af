"""Movies and series: attaching media files to the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.errors import Conflict, InvalidInput
from mediadesk.library.models import Episode, MediaFile, Movie, Season, Series


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


def attach(session: Session, media: MediaFile, target: AttachTarget | None) -> Attached:
    """Attach ``media`` to a movie or an episode, creating the entries as needed."""
    if target is None:
        return Attached()
    if isinstance(target, MovieTarget):
        return Attached(movie_id=attach_movie(session, media, target).id)
    return Attached(episode_id=attach_episode(session, media, target).id)


def attach_movie(session: Session, media: MediaFile, target: MovieTarget) -> Movie:
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


def ensure_series(session: Session, title: str) -> Series:
    title = title.strip()
    if not title:
        raise InvalidInput("a series needs a title")
    series = session.scalar(select(Series).where(Series.title == title))
    if series is None:
        series = Series(title=title)
        session.add(series)
        session.flush()
    return series


def ensure_season(session: Session, series: Series, number: int) -> Season:
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


def attach_episode(session: Session, media: MediaFile, target: EpisodeTarget) -> Episode:
    if target.episode < 0:
        raise InvalidInput("episode numbers must not be negative")
    season = ensure_season(session, ensure_series(session, target.series), target.season)
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
