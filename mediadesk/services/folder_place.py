"""Placing a library-folder video in the catalogue, inside the caller's transaction.

``folder_catalogue.identify`` says what the folder says about a video (an
:class:`Identity`); :func:`apply_identity` acts on it: a file already placed stays
where it is; a new one joins the entry its NFO's ids or its folder's other files name
(so new episodes join the series a person renamed, a new version its movie), else
the entry its title names (made if new); then the NFO's values and ids are applied,
never over what a person edited (``catalogue_metadata``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.nfo import NfoDocument
from mediadesk.library.catalogue_models import CatalogueFile, Episode, ExternalId, Movie, Series
from mediadesk.library.models import MediaFile
from mediadesk.services import catalogue_attach as attach_rules
from mediadesk.services.catalogue_attach import Attached, AttachTarget, EpisodeTarget, MovieTarget
from mediadesk.services.catalogue_metadata import (
    apply_values,
    episode_values,
    movie_values,
    series_values,
    set_external_ids,
)


@dataclass(frozen=True)
class Picture:
    """A sidecar picture for an entry: ``kind`` movie, series or season."""

    kind: str
    role: str  # poster, backdrop
    path: PurePath
    season: int | None = None


@dataclass(frozen=True)
class Identity:
    """What the folder says about one video."""

    target: AttachTarget | None
    movie: NfoDocument | None = None
    show: NfoDocument | None = None
    episode: NfoDocument | None = None
    pictures: tuple[Picture, ...] = ()
    problems: tuple[str, ...] = ()  # NFOs that could not be read, and why
    # The movie's own folder, or the show's: files placed from it already say which
    # entry the new one joins (whatever a person renamed it to since).
    folder: PurePath | None = None


def apply_identity(session: Session, media: MediaFile, identity: Identity) -> Attached:
    """Inside the caller's transaction: the file's place (unless it has one) and the
    NFO metadata of its entries, leaving what people edited alone."""
    placed = session.get(CatalogueFile, media.id)
    if placed is not None:
        attached = Attached(movie_id=placed.movie_id, episode_id=placed.episode_id)
    elif identity.target is not None:
        attached = _place(session, media, identity)
    else:
        return Attached()
    if attached.movie_id is not None and identity.movie is not None:
        movie = session.get(Movie, attached.movie_id)
        assert movie is not None
        apply_values(movie, movie_values(identity.movie))
        set_external_ids(session, movie, identity.movie.ids, by_user=False)
    if attached.episode_id is not None:
        episode = session.get(Episode, attached.episode_id)
        assert episode is not None
        if identity.episode is not None:
            apply_values(episode, episode_values(identity.episode))
            set_external_ids(session, episode, identity.episode.ids, by_user=False)
        if identity.show is not None:
            series = episode.season.series
            values = series_values(identity.show)
            if not _title_free(session, series, values.get("title")):
                values.pop("title")
            apply_values(series, values)
            set_external_ids(session, series, identity.show.ids, by_user=False)
    session.flush()
    return attached


def _place(session: Session, media: MediaFile, identity: Identity) -> Attached:
    """Attach a new file: to the entry its ids or its folder's other files name, else
    by title (creating the entry)."""
    target = identity.target
    if isinstance(target, MovieTarget):
        movie_id = _entry_by_ids(session, ExternalId.movie_id, identity.movie) or _beside(
            session, identity.folder, CatalogueFile.movie_id, below=False
        )
        if movie_id is not None:
            return attach_rules.attach_by_id(
                session, media, movie_id, None, ConflictChoice.VERSION, target.version
            )
    elif isinstance(target, EpisodeTarget):
        series_id = _entry_by_ids(session, ExternalId.series_id, identity.show)
        if series_id is None:
            episode_id = _beside(session, identity.folder, CatalogueFile.episode_id, below=True)
            episode = session.get(Episode, episode_id) if episode_id else None
            series_id = episode.season.series_id if episode is not None else None
        series = session.get(Series, series_id) if series_id else None
        if series is not None and series.title != target.series:
            target = replace(target, series=series.title)
    assert target is not None
    return attach_rules.attach_in(session, media, target)


def _entry_by_ids(session: Session, column: Any, doc: NfoDocument | None) -> str | None:
    """The entry that already holds one of these ids (tmdb 329865 is one film)."""
    if doc is None or not doc.ids:
        return None
    for provider, value in sorted(doc.ids.items()):
        found = session.scalar(
            select(column).where(
                column.is_not(None), ExternalId.provider == provider, ExternalId.value == value
            )
        )
        if found is not None:
            return str(found)
    return None


def _beside(session: Session, folder: PurePath | None, column: Any, below: bool) -> str | None:
    """The entry a file already placed from ``folder`` (or below it) belongs to."""
    if folder is None:
        return None
    prefix = str(folder).rstrip("/") + "/"
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.execute(
        select(column, MediaFile.original_path)
        .join(MediaFile, MediaFile.id == CatalogueFile.media_file_id)
        .where(
            column.is_not(None),
            MediaFile.original_path.like(escaped + "%", escape="\\"),
            MediaFile.deleted_at.is_(None),
        )
        .order_by(CatalogueFile.created_at)
    ).all()
    for entry_id, original in rows:
        if below or PurePath(original or "").parent == folder:
            return str(entry_id)
    return None


def _title_free(session: Session, series: Series, title: str | None) -> bool:
    if not title:
        return False
    other = session.scalar(select(Series.id).where(Series.title == title, Series.id != series.id))
    return other is None
