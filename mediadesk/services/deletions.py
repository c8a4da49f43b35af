"""What servers need to stop serving deleted media at once, in every process.

``LibraryService.delete_media`` writes a tombstone (``media_deletions``) in the same
transaction as the delete, whoever deletes (GUI, CLI, another server, a worker). A
server asks :meth:`DeletionFeed.since` a few times a second for the tombstones past
its cursor: one indexed range read that returns nothing almost always.

PostgreSQL hands out ``seq`` values at insert time, so a transaction can commit a
lower ``seq`` after a higher one was seen; the feed therefore also re-reads the
tombstones of the last :data:`RECENT` (by the writers' clocks), and readers ignore
ids they already know. SQLite serialises writers, so there the cursor alone is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from mediadesk.base_types import utcnow
from mediadesk.library.db import Database
from mediadesk.library.models import MediaDeletion, MediaFile

RECENT = timedelta(seconds=30)


@dataclass(frozen=True)
class Deletions:
    cursor: int  # pass back to the next call
    media_ids: frozenset[str]
    # Tombstones past the cursor may have been pruned (a reader asleep for a day):
    # what the reader remembers as live must be read again.
    behind: bool = False


class DeletionFeed:
    def __init__(self, db: Database) -> None:
        self.db = db

    def cursor(self) -> int:
        """Where a new reader starts: everything before it is in ``media_files`` already."""
        with self.db.read() as s:
            return int(s.scalar(select(func.max(MediaDeletion.seq))) or 0)

    def since(self, cursor: int) -> Deletions:
        recent = utcnow() - RECENT
        stmt = select(MediaDeletion.seq, MediaDeletion.media_file_id).where(
            or_(MediaDeletion.seq > cursor, MediaDeletion.deleted_at >= recent)
        )
        with self.db.read() as s:
            rows = s.execute(stmt).all()
            oldest = s.scalar(select(func.min(MediaDeletion.seq)))
        newest = max((seq for seq, _ in rows), default=cursor)
        # A gap PostgreSQL left (a rolled-back insert) also reads as behind: the cost
        # is one re-read per id, once.
        behind = oldest is not None and cursor < oldest - 1
        return Deletions(max(cursor, newest), frozenset(media_id for _, media_id in rows), behind)

    def live_original(self, media_id: str) -> str | None:
        """The original's storage key while the file is live; ``None`` once deleted.

        A referenced file (in a library folder) answers with its absolute path, which
        no storage key can look like (keys are relative).
        """
        stmt = select(MediaFile.original_key, MediaFile.original_path).where(
            MediaFile.id == media_id, MediaFile.deleted_at.is_(None)
        )
        with self.db.read() as s:
            row = s.execute(stmt).first()
        if row is None:
            return None
        return str(row.original_path or row.original_key)
