"""Subtitle files kept with media files: found at import, dropped on a file in the app
or uploaded through the API.

A subtitle is stored (UTF-8, under ``subtitles/{media}/``) before the transaction that
records it; if that transaction fails the stored file is removed, so the library never
points at a missing file and no file outlives a rolled-back row for long.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from mediadesk.base_types import new_id
from mediadesk.engine.subtitle_files import (
    SubtitleText,
    find_sidecars,
    parse_name,
    read_subtitle,
)
from mediadesk.errors import ErrorCode, InvalidInput, MediaDeskError
from mediadesk.library.models import SubtitleFile
from mediadesk.storage import keys
from mediadesk.storage.base import Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingSubtitle:
    """A subtitle read and checked, waiting for its media file's transaction."""

    filename: str
    text: SubtitleText
    origin: str  # sidecar, upload


def sidecars_of(path: Path) -> list[PendingSubtitle]:
    """Subtitle files beside ``path``; one that does not read is skipped with a warning
    (the video still imports)."""
    found = []
    for file, name in find_sidecars(path):
        try:
            found.append(PendingSubtitle(file.name, read_subtitle(file, name), "sidecar"))
        except (MediaDeskError, OSError) as exc:
            log.warning("subtitle %s skipped: %s", file.name, exc)
    return found


def read_upload(path: Path, filename: str, media_filename: str) -> PendingSubtitle:
    """A subtitle someone gave us for a media file; its name may carry flags."""
    stem = Path(media_filename).stem
    name = parse_name(stem, filename) or parse_name(Path(filename).stem, filename)
    if name is None:
        raise InvalidInput(
            f"{filename}: subtitles must be .srt, .ass, .ssa or .vtt files",
            code=ErrorCode.UNSUPPORTED_MEDIA,
        )
    # "Film.en.srt" dropped on "Other name.mkv": the language still comes from the name.
    if name.language is None:
        name = parse_name(Path(filename).stem.split(".")[0], filename) or name
    return PendingSubtitle(filename, read_subtitle(path, name), "upload")


def store_subtitles(
    storage: Storage, media_id: str, pending: Sequence[PendingSubtitle]
) -> list[SubtitleFile]:
    """Write the files to storage and return their rows (not yet added to a session)."""
    rows = []
    for item in pending:
        row = SubtitleFile(
            id=new_id(),
            media_file_id=media_id,
            format=item.text.name.format,
            language=item.text.name.language,
            forced=item.text.name.forced,
            hearing_impaired=item.text.name.hearing_impaired,
            original_filename=item.filename[:1024],
            charset=item.text.charset,
            origin=item.origin,
        )
        row.storage_key = keys.subtitle_file(media_id, row.id, row.format)
        storage.put_bytes(row.storage_key, item.text.text.encode("utf-8"), "text/plain")
        rows.append(row)
    return rows


def add_rows(session: Session, rows: Sequence[SubtitleFile]) -> None:
    for row in rows:
        session.add(row)


def discard(storage: Storage, rows: Sequence[SubtitleFile]) -> None:
    for row in rows:
        storage.delete(row.storage_key)
