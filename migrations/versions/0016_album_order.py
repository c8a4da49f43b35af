"""Media files keep the album a song is on and its place there

The title order plays an album through (disc, then track) and "what plays next" after
a song is the album's next track. Files probed before this revision kept the album and
artist tags (0015) but not the track number: their albums are filled in and sort by
title within the album until "Re-run processing" reads the track numbers.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:10:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from mediadesk.domain.mediainfo import MediaInfo

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.add_column(sa.Column("album_key", sa.String(length=512), nullable=True))
        batch.add_column(sa.Column("track_key", sa.Integer(), nullable=True))
        batch.create_index("ix_media_files_album_key", ["album_key"])
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, probe FROM media_files WHERE kind = 'audio' AND probe IS NOT NULL")
    )
    placed = [row for row in (_place(row.id, row.probe) for row in rows) if row is not None]
    if placed:  # one executemany, not a statement per song
        conn.execute(
            sa.text("UPDATE media_files SET album_key = :album, track_key = :track WHERE id = :id"),
            placed,
        )


def _place(media_id: str, probe: Any) -> dict[str, Any] | None:
    # The domain's own rule, not a copy of it: the keys written here must be the ones
    # the app writes after a probe, or an old song would never meet its album again.
    document = json.loads(probe) if isinstance(probe, str | bytes) else probe
    try:
        song = MediaInfo.model_validate(document).song
    except ValueError:  # a document this build cannot read stays as it was
        return None
    if song is None or song.album_key is None:
        return None
    return {"id": media_id, "album": song.album_key, "track": song.track_key}


def downgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.drop_index("ix_media_files_album_key")
        batch.drop_column("track_key")
        batch.drop_column("album_key")
