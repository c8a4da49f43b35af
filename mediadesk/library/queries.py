"""Reads every layer shares: one media file by id, the series tree."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediadesk.errors import NotFound
from mediadesk.library.models import MediaFile, Season, Series


def load_series(session: Session) -> list[Series]:
    return list(
        session.scalars(
            select(Series)
            .options(selectinload(Series.seasons).selectinload(Season.episodes))
            .order_by(Series.title)
        )
    )


def get_media_row(session: Session, media_id: str, include_deleted: bool = False) -> MediaFile:
    media = session.get(MediaFile, media_id)
    if media is None or (media.deleted_at is not None and not include_deleted):
        raise NotFound(f"no media file {media_id}")
    return media
