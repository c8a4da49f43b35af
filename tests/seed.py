"""Fill a library with many media rows quickly, straight through the ORM.

For the lazy-model tests and the GUI start-up benchmark: 10,000 imports would take
an hour, and what is measured is the GUI reading a big library, not ingest. Rows
point at original keys that do not exist, so no job may run on them.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import insert

from mediadesk.base_types import new_id, utcnow
from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.library.models import MediaFile
from mediadesk.runtime import Runtime

KINDS = [MediaKind.VIDEO, MediaKind.VIDEO, MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.IMAGE]
STATUSES = [MediaStatus.READY] * 8 + [MediaStatus.PROCESSING, MediaStatus.FAILED]


def seed_media(runtime: Runtime, count: int, prefix: str = "seeded") -> list[str]:
    """Insert ``count`` media rows (newest last); returns their ids in insertion order."""
    start = utcnow() - timedelta(seconds=count)  # the last row is the newest, and "now"
    rows = []
    for i in range(count):
        media_id = new_id()
        kind = KINDS[i % len(KINDS)]
        rows.append(
            {
                "id": media_id,
                "kind": kind,
                "status": STATUSES[i % len(STATUSES)],
                "original_key": f"originals/{media_id}.mp4",
                "original_filename": f"{prefix}-{i:06d}.mp4",
                "size_bytes": 1_000_000 + i,
                "mime": "video/mp4",
                "sha256": hashlib.sha256(f"{prefix}-{i}".encode()).hexdigest(),
                "container": "mov,mp4,m4a,3gp,3g2,mj2",
                "duration_seconds": 60.0 + i % 3600,
                "width": 1920 if kind == MediaKind.VIDEO else None,
                "height": 1080 if kind == MediaKind.VIDEO else None,
                "video_codec": "h264" if kind == MediaKind.VIDEO else None,
                "audio_codec": "aac",
                "created_at": start + timedelta(seconds=i),
                "updated_at": start + timedelta(seconds=i),
            }
        )
    with runtime.db.write() as s:
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(MediaFile), rows[chunk : chunk + 5000])
    return [r["id"] for r in rows]
