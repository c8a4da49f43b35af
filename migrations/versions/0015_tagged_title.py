"""Media files keep the title their own tags give a song

Loose audio is shown, sorted and found as "Artist — Title" rather than by its file
name. Files probed before this revision kept only the title tag, not the artist, so
they are not backfilled here: "Re-run processing" reads their tags again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.add_column(sa.Column("tagged_title", sa.String(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.drop_column("tagged_title")
