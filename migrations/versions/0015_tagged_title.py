"""Media files keep the title their own tags give a song

Loose audio is sorted and found as "Artist — Title" rather than by its file name (the
views read the same words from the probe document). Files probed before this revision
kept the title tag but not the artist: they are filled in with the title alone, and
"Re-run processing" reads their tags again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:50:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.add_column(sa.Column("tagged_title", sa.String(length=512), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, probe FROM media_files WHERE kind = 'audio' AND probe IS NOT NULL")
    )
    titled = [{"id": row.id, "title": _title(row.probe)} for row in rows]
    titled = [row for row in titled if row["title"]]
    if titled:  # one executemany, not a statement per song
        conn.execute(sa.text("UPDATE media_files SET tagged_title = :title WHERE id = :id"), titled)


def _title(probe: Any) -> str | None:
    document = json.loads(probe) if isinstance(probe, str | bytes) else probe
    tags = (document or {}).get("tags") or {}
    title = str(tags.get("title") or "").strip()[:512]
    return title or None


def downgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.drop_column("tagged_title")
