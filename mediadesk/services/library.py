"""Reading and curating media files: lists, filters, details, tags, deletion."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from mediadesk.base_types import utcnow
from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.domain.folders import HealthState, SkipReason
from mediadesk.errors import InvalidInput
from mediadesk.events import EventBus, MediaChanged
from mediadesk.library.catalogue_models import (
    Artwork,
    CatalogueFile,
    Episode,
    Movie,
    Season,
    Series,
)
from mediadesk.library.db import Database
from mediadesk.library.folder_models import FolderFile
from mediadesk.library.models import MediaDeletion, MediaFile, MediaTag, PlaybackState
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import (
    AlbumView,
    MediaFileView,
    Page,
    PlaybackStateView,
    StorageStats,
)
from mediadesk.services.albums import album_order, file_name_key, list_albums
from mediadesk.services.catalogue_read import DEFAULT_PROFILE, catalogue_refs, playback_states
from mediadesk.services.jobs import JobService
from mediadesk.services.storage_stats import storage_stats
from mediadesk.storage import keys
from mediadesk.storage.base import Storage

log = logging.getLogger(__name__)

MAX_PAGE = 1000
RECENT_DAYS = 30


class MediaOrder(StrEnum):
    ADDED = "added"  # newest first (the default, read straight from an index)
    TITLE = "title"  # sort title, then season and episode (an album: disc and track)
    PLAYED = "played"  # most recently played first (Continue watching)
    YEAR = "year"  # the entry's year, newest first, then as TITLE


def order_for(sort: CatalogueSort) -> MediaOrder:
    """The files' order for a sort control's choice: the app's and the web page's control
    orders their files as it orders movies and series."""
    return {
        CatalogueSort.TITLE: MediaOrder.TITLE,
        CatalogueSort.YEAR: MediaOrder.YEAR,
        CatalogueSort.ADDED: MediaOrder.ADDED,
    }[sort]


@dataclass(frozen=True)
class MediaFilter:
    kind: MediaKind | None = None
    status: MediaStatus | None = None
    search: str | None = None
    tag: str | None = None
    include_deleted: bool = False
    unattached: bool = False
    # Catalogue scopes: what a sidebar node (Movies, a series, a season...) shows.
    in_movies: bool = False
    in_series: bool = False
    movie_id: str | None = None
    series_id: str | None = None
    season_id: str | None = None
    episode_id: str | None = None
    # Only these files (which of them still match the rest of the filter?).
    ids: tuple[str, ...] | None = None
    # Library shelves: added in the last N days; started and not finished.
    added_within_days: int | None = None
    in_progress: bool = False
    # Images chosen as posters are shown with their entry, not as media of their own.
    include_artwork: bool = False
    # Library folders: files gone from their folder; files a health check judged.
    missing: bool = False
    health: HealthState | None = None
    # An album's songs (``Song.album_key``); False: only files on no album.
    album: str | None = None
    on_album: bool | None = None
    order: MediaOrder = MediaOrder.ADDED

    @property
    def scoped(self) -> bool:
        """Whether the catalogue (movies, series...) decides membership."""
        return bool(
            self.unattached
            or self.in_progress
            or self.in_movies
            or self.in_series
            or self.movie_id
            or self.series_id
            or self.season_id
            or self.episode_id
        )


def _linked(*where: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(CatalogueFile.media_file_id == MediaFile.id, *where)


def media_conditions(flt: MediaFilter) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = []
    if not flt.include_deleted:
        cond.append(MediaFile.deleted_at.is_(None))
    if not flt.include_artwork:
        cond.append(~exists().where(Artwork.image_media_id == MediaFile.id))
    if flt.kind is not None:
        cond.append(MediaFile.kind == flt.kind)
    if flt.status is not None:
        cond.append(MediaFile.status == flt.status)
    if flt.search:
        pattern = f"%{flt.search.strip()}%"
        movie = _linked(CatalogueFile.movie_id == Movie.id, Movie.title.ilike(pattern))
        episode = _linked(
            CatalogueFile.episode_id == Episode.id,
            Episode.season_id == Season.id,
            Season.series_id == Series.id,
            or_(Episode.title.ilike(pattern), Series.title.ilike(pattern)),
        )
        named = or_(
            MediaFile.original_filename.ilike(pattern), MediaFile.tagged_title.ilike(pattern)
        )
        cond.append(or_(named, movie, episode))
    if flt.tag:
        cond.append(
            exists().where(MediaTag.media_file_id == MediaFile.id, MediaTag.name == flt.tag)
        )
    if flt.unattached:
        cond.append(~_linked())
    if flt.missing:
        cond.append(MediaFile.missing_since.is_not(None))
    if flt.album is not None:
        cond.append(MediaFile.album_key == flt.album)
    if flt.on_album is not None:
        on = MediaFile.album_key.is_not(None)
        cond.append(on if flt.on_album else ~on)
    if flt.health is not None:
        cond.append(MediaFile.health == flt.health.value)
    if flt.added_within_days is not None:
        cond.append(MediaFile.created_at >= utcnow() - timedelta(days=flt.added_within_days))
    if flt.in_progress:
        cond.append(
            exists().where(
                PlaybackState.media_file_id == MediaFile.id,
                PlaybackState.profile == DEFAULT_PROFILE,
                PlaybackState.position_s > 0,
                PlaybackState.watched.is_(False),
            )
        )
    cond.extend(_scope_conditions(flt))
    if flt.ids is not None:
        cond.append(MediaFile.id.in_(flt.ids))
    return cond


def _scope_conditions(flt: MediaFilter) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = []
    if flt.in_movies:
        cond.append(_linked(CatalogueFile.movie_id.is_not(None)))
    if flt.in_series:
        cond.append(_linked(CatalogueFile.episode_id.is_not(None)))
    if flt.movie_id:
        cond.append(_linked(CatalogueFile.movie_id == flt.movie_id))
    if flt.episode_id:
        cond.append(_linked(CatalogueFile.episode_id == flt.episode_id))
    if flt.season_id:
        cond.append(
            _linked(CatalogueFile.episode_id == Episode.id, Episode.season_id == flt.season_id)
        )
    if flt.series_id:
        cond.append(
            _linked(
                CatalogueFile.episode_id == Episode.id,
                Episode.season_id == Season.id,
                Season.series_id == flt.series_id,
            )
        )
    return cond


def media_order(flt: MediaFilter) -> list[Any]:
    """ORDER BY for a media list; every order ends in the id, so pages never overlap."""
    if flt.order == MediaOrder.PLAYED:
        played = (
            select(PlaybackState.updated_at)
            .where(
                PlaybackState.media_file_id == MediaFile.id,
                PlaybackState.profile == DEFAULT_PROFILE,
            )
            .scalar_subquery()
        )
        return [played.desc(), MediaFile.created_at.desc(), MediaFile.id]
    if flt.order in (MediaOrder.TITLE, MediaOrder.YEAR):
        entry = CatalogueFile.media_file_id == MediaFile.id
        movie_key = (
            select(Movie.sort_key)
            .join(CatalogueFile, CatalogueFile.movie_id == Movie.id)
            .where(entry)
        ).scalar_subquery()
        episode = (
            select(Episode.id)
            .join(CatalogueFile, CatalogueFile.episode_id == Episode.id)
            .where(entry)
        )
        series_key = (
            select(Series.sort_key)
            .join(Season, Season.series_id == Series.id)
            .join(Episode, Episode.season_id == Season.id)
            .where(Episode.id.in_(episode))
        ).scalar_subquery()
        season_no = (
            select(Season.number)
            .join(Episode, Episode.season_id == Season.id)
            .where(Episode.id.in_(episode))
        ).scalar_subquery()
        episode_no = (select(Episode.number).where(Episode.id.in_(episode))).scalar_subquery()
        # An album's songs sit under "artist — album" in disc and track order.
        by_title = [
            func.coalesce(movie_key, series_key, MediaFile.album_key, file_name_key()),
            season_no,
            episode_no,
            *album_order(),
        ]
        if flt.order == MediaOrder.TITLE:
            return by_title
        movie_year = (
            select(Movie.year).join(CatalogueFile, CatalogueFile.movie_id == Movie.id).where(entry)
        ).scalar_subquery()
        series_year = (
            select(Series.year)
            .join(Season, Season.series_id == Series.id)
            .join(Episode, Episode.season_id == Season.id)
            .where(Episode.id.in_(episode))
        ).scalar_subquery()
        year = func.coalesce(movie_year, series_year)
        return [year.is_(None), year.desc(), *by_title]
    return [MediaFile.created_at.desc(), MediaFile.id]


def media_views(
    session: Session, rows: list[MediaFile], detail: bool = False
) -> list[MediaFileView]:
    """Views of ``rows`` with their titles, places in the catalogue and playback state."""
    ids = [m.id for m in rows]
    refs = catalogue_refs(session, ids)
    played = playback_states(session, ids)
    views = []
    for m in rows:
        state = played.get(m.id)
        if state is None and detail:  # a detail view always says where playback stands
            state = PlaybackStateView(media_file_id=m.id, position_s=0.0, watched=False)
        views.append(MediaFileView.of(m, detail, refs.get(m.id), state))
    return views


class LibraryService:
    def __init__(self, db: Database, storage: Storage, bus: EventBus, jobs: JobService) -> None:
        self.db = db
        self.storage = storage
        self.bus = bus
        self.jobs = jobs

    # Media ------------------------------------------------------------------------

    def list_media(
        self, flt: MediaFilter | None = None, offset: int = 0, limit: int = 100
    ) -> Page[MediaFileView]:
        flt = flt or MediaFilter()
        limit = max(1, min(limit, MAX_PAGE))
        where = and_(*media_conditions(flt))
        stmt = (
            select(MediaFile)
            .where(where)
            .order_by(*media_order(flt))
            .offset(max(0, offset))
            .limit(limit)
        )
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(MediaFile).where(where)) or 0
            items = media_views(s, list(s.scalars(stmt)))
        return Page[MediaFileView](items=items, total=total, offset=offset, limit=limit)

    def albums(self, sort: CatalogueSort = CatalogueSort.TITLE) -> list[AlbumView]:
        """The albums the library's songs are on (see services/albums.py)."""
        with self.db.read() as s:
            return list_albums(s, sort)

    def storage_stats(self, budget_bytes_per_hour: int | None = None) -> StorageStats:
        """Where the library's bytes go (see services/storage_stats.py)."""
        with self.db.read() as s:
            return storage_stats(s, budget_bytes_per_hour)

    def status_counts(self) -> dict[str, int]:
        """Live media files per status (the metrics endpoint's gauge)."""
        with self.db.read() as s:
            rows = s.execute(
                select(MediaFile.status, func.count())
                .where(MediaFile.deleted_at.is_(None))
                .group_by(MediaFile.status)
            ).all()
        return {str(status): n for status, n in rows}

    def database_ok(self) -> bool:
        """Whether the library database answers (the health endpoint's readiness)."""
        try:
            with self.db.read() as s:
                s.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def count_media(self, flt: MediaFilter | None = None) -> int:
        where = and_(*media_conditions(flt or MediaFilter()))
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(MediaFile).where(where)) or 0

    def media_ids(
        self, flt: MediaFilter | None = None, offset: int = 0, limit: int = 100
    ) -> list[str]:
        """Ids only, in list order: what lazy views fetch before loading rows."""
        flt = flt or MediaFilter()
        where = and_(*media_conditions(flt))
        stmt = (
            select(MediaFile.id)
            .where(where)
            .order_by(*media_order(flt))
            .offset(offset)
            .limit(limit)
        )
        with self.db.read() as s:
            return list(s.scalars(stmt))

    def get_media(self, media_id: str, detail: bool = True) -> MediaFileView:
        with self.db.read() as s:
            media = get_media_row(s, media_id, include_deleted=True)
            return media_views(s, [media], detail=detail)[0]

    def get_many(self, media_ids: list[str]) -> list[MediaFileView]:
        with self.db.read() as s:
            rows = {
                m.id: m
                for m in s.scalars(
                    select(MediaFile)
                    .where(MediaFile.id.in_(media_ids))
                    .options(selectinload(MediaFile.tags))
                )
            }
            return media_views(s, [rows[i] for i in media_ids if i in rows])

    def titles(self, media_ids: Iterable[str | None]) -> dict[str, str]:
        """Media files by what people call them (``display_title``); ids of files that
        are gone are left out. ``None`` ids (jobs of no file) are skipped."""
        wanted = list({i for i in media_ids if i})
        return {m.id: m.display_title for m in self.get_many(wanted)} if wanted else {}

    def set_tags(self, media_id: str, tags: list[str]) -> MediaFileView:
        clean = sorted({t.strip() for t in tags if t.strip()})
        with self.db.write() as s:
            media = get_media_row(s, media_id)
            media.tags = [MediaTag(media_file_id=media.id, name=t) for t in clean]
            media.updated_at = utcnow()
            s.flush()
            view = media_views(s, [media])[0]
        self.bus.publish(MediaChanged(media_id, str(view.status)))
        return view

    def delete_media(self, media_id: str, purge: bool = False, delete_file: bool = False) -> None:
        """Soft delete (hidden, files kept) or purge (row first, then every file).

        The row goes before the files: a crash in between leaves orphan files for the
        sweeper, never a row pointing at something missing. A tombstone written in the
        same transaction tells every running server to stop serving it (``deletions``).

        A referenced file (in a library folder) leaves the library only: its bytes
        stay on the disk unless ``delete_file`` says to remove them too. A file whose
        health check found it damaged is never deleted from the disk by MediaDesk.
        """
        with self.jobs.unit_of_work() as uow:
            s = uow.session
            media = get_media_row(s, media_id, include_deleted=True)
            referenced = media.original_path
            if delete_file and referenced is None:
                raise InvalidInput(
                    f"{media.original_filename} is not in a library folder: delete it "
                    "from the library (--purge removes its stored copy)"
                )
            if delete_file and media.health == HealthState.DAMAGED.value:
                raise InvalidInput(
                    f"{media.original_filename} was found damaged; MediaDesk never deletes "
                    "a damaged file from the disk (remove it yourself if you mean to)"
                )
            running = self.jobs.cancel_for_media(uow, media_id)
            original_key = media.original_key
            s.add(MediaDeletion(media_file_id=media_id))
            if referenced is not None:
                # Scans leave it out from now on, and say why.
                s.execute(
                    update(FolderFile)
                    .where(FolderFile.media_file_id == media_id)
                    .values(skip_reason=SkipReason.REMOVED.value, media_file_id=None)
                )
            if purge:
                s.delete(media)
            else:
                media.deleted_at = utcnow()
        self.jobs.cancel_local(running)
        if purge:
            if referenced is None:
                self.storage.delete(original_key)
            for prefix in keys.media_prefixes(media_id):
                self.storage.delete_prefix(prefix)
        if delete_file and referenced is not None:
            Path(referenced).unlink(missing_ok=True)
            log.info("deleted %s from the disk, as asked", referenced)
        self.bus.publish(MediaChanged(media_id, deleted=True))
