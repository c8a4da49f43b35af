"""Reading and curating media files: lists, filters, details, tags, deletion."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text
from sqlalchemy.orm import selectinload

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.events import EventBus, MediaChanged
from mediadesk.library.db import Database
from mediadesk.library.models import Episode, MediaDeletion, MediaFile, MediaTag, Movie, Season
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import (
    MediaFileView,
    Page,
)
from mediadesk.services.jobs import JobService
from mediadesk.storage import keys
from mediadesk.storage.base import Storage

log = logging.getLogger(__name__)

MAX_PAGE = 1000


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

    @property
    def scoped(self) -> bool:
        """Whether the catalogue (movies, series...) decides membership."""
        return bool(
            self.unattached
            or self.in_movies
            or self.in_series
            or self.movie_id
            or self.series_id
            or self.season_id
            or self.episode_id
        )


def media_conditions(flt: MediaFilter) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = []
    if not flt.include_deleted:
        cond.append(MediaFile.deleted_at.is_(None))
    if flt.kind is not None:
        cond.append(MediaFile.kind == flt.kind)
    if flt.status is not None:
        cond.append(MediaFile.status == flt.status)
    if flt.search:
        pattern = f"%{flt.search.strip()}%"
        titled = exists().where(Movie.media_file_id == MediaFile.id, Movie.title.ilike(pattern))
        episode = exists().where(
            Episode.media_file_id == MediaFile.id, Episode.title.ilike(pattern)
        )
        cond.append(or_(MediaFile.original_filename.ilike(pattern), titled, episode))
    if flt.tag:
        cond.append(
            exists().where(MediaTag.media_file_id == MediaFile.id, MediaTag.name == flt.tag)
        )
    if flt.unattached:
        cond.append(~exists().where(Movie.media_file_id == MediaFile.id))
        cond.append(~exists().where(Episode.media_file_id == MediaFile.id))
    cond.extend(_scope_conditions(flt))
    if flt.ids is not None:
        cond.append(MediaFile.id.in_(flt.ids))
    return cond


def _scope_conditions(flt: MediaFilter) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = []
    if flt.in_movies:
        cond.append(exists().where(Movie.media_file_id == MediaFile.id))
    if flt.in_series:
        cond.append(exists().where(Episode.media_file_id == MediaFile.id))
    if flt.movie_id:
        cond.append(exists().where(Movie.media_file_id == MediaFile.id, Movie.id == flt.movie_id))
    if flt.episode_id:
        cond.append(
            exists().where(Episode.media_file_id == MediaFile.id, Episode.id == flt.episode_id)
        )
    if flt.season_id:
        cond.append(
            exists().where(
                Episode.media_file_id == MediaFile.id, Episode.season_id == flt.season_id
            )
        )
    if flt.series_id:
        cond.append(
            exists().where(
                Episode.media_file_id == MediaFile.id,
                Episode.season_id == Season.id,
                Season.series_id == flt.series_id,
            )
        )
    return cond


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
            .order_by(MediaFile.created_at.desc(), MediaFile.id)
            .offset(max(0, offset))
            .limit(limit)
        )
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(MediaFile).where(where)) or 0
            items = [MediaFileView.of(m) for m in s.scalars(stmt)]
        return Page[MediaFileView](items=items, total=total, offset=offset, limit=limit)

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
        where = and_(*media_conditions(flt or MediaFilter()))
        stmt = (
            select(MediaFile.id)
            .where(where)
            .order_by(MediaFile.created_at.desc(), MediaFile.id)
            .offset(offset)
            .limit(limit)
        )
        with self.db.read() as s:
            return list(s.scalars(stmt))

    def get_media(self, media_id: str, detail: bool = True) -> MediaFileView:
        with self.db.read() as s:
            media = get_media_row(s, media_id, include_deleted=True)
            return MediaFileView.of(media, detail=detail)

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
            return [MediaFileView.of(rows[i]) for i in media_ids if i in rows]

    def set_tags(self, media_id: str, tags: list[str]) -> MediaFileView:
        clean = sorted({t.strip() for t in tags if t.strip()})
        with self.db.write() as s:
            media = get_media_row(s, media_id)
            media.tags = [MediaTag(media_file_id=media.id, name=t) for t in clean]
            media.updated_at = utcnow()
            s.flush()
            view = MediaFileView.of(media)
        self.bus.publish(MediaChanged(media_id, str(view.status)))
        return view

    def delete_media(self, media_id: str, purge: bool = False) -> None:
        """Soft delete (hidden, files kept) or purge (row first, then every file).

        The row goes before the files: a crash in between leaves orphan files for the
        sweeper, never a row pointing at something missing. A tombstone written in the
        same transaction tells every running server to stop serving it (``deletions``).
        """
        with self.jobs.unit_of_work() as uow:
            s = uow.session
            media = get_media_row(s, media_id, include_deleted=True)
            running = self.jobs.cancel_for_media(uow, media_id)
            original_key = media.original_key
            s.add(MediaDeletion(media_file_id=media_id))
            if purge:
                s.delete(media)
            else:
                media.deleted_at = utcnow()
        self.jobs.cancel_local(running)
        if purge:
            self.storage.delete(original_key)
            for prefix in keys.media_prefixes(media_id):
                self.storage.delete_prefix(prefix)
        self.bus.publish(MediaChanged(media_id, deleted=True))
