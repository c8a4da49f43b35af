"""media deletion tombstones

One row per deleted media file (soft delete or purge), written in the deleting
transaction; every running server follows it to stop serving the file at once.

Revision ID: 0013
Revises: 0008
Create Date: 2026-11-24 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_deletions",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("media_file_id", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("media_deletions", schema=None) as batch_op:
        batch_op.create_index("ix_media_deletions_deleted_at", ["deleted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media_deletions", schema=None) as batch_op:
        batch_op.drop_index("ix_media_deletions_deleted_at")
    op.drop_table("media_deletions")
