"""Media files remember which revision of the probe read their tags; albums by index

A probe from before this revision kept no artist, album, track or disc of a song: the
library host reads those files' tags again in the background (``read_tags`` jobs) and
``tags_revision`` says which ones are done. Every file starts at NULL, "read by an older
build"; only songs are read again. The albums list (``services/albums.py``) reads one
partial index of live songs' albums, track numbers and ids, in place of 0016's.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LIVE = "album_key IS NOT NULL AND deleted_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.add_column(sa.Column("tags_revision", sa.Integer(), nullable=True))
        # The albums list reads this index alone: album, its songs' track numbers, ids.
        batch.drop_index("ix_media_files_album_key")
        batch.create_index(
            "ix_media_files_album_tracks",
            ["album_key", "track_key", "id"],
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )


def downgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.drop_index("ix_media_files_album_tracks")
        batch.create_index("ix_media_files_album_key", ["album_key"])
        batch.drop_column("tags_revision")
