"""Reads every layer shares: one media file by id."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mediadesk.errors import NotFound
from mediadesk.library.models import MediaFile


def get_media_row(session: Session, media_id: str, include_deleted: bool = False) -> MediaFile:
    media = session.get(MediaFile, media_id)
    if media is None or (media.deleted_at is not None and not include_deleted):
        raise NotFound(f"no media file {media_id}")
    return media
