"""media file sources: lineage of derived files (a master -> its programme and music)

Revision ID: 0004
Revises: 0005 (re-chained after main's 0005 webhook outbox)
Create Date: 2026-11-23 10:37:02.077651
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_file_sources",
        sa.Column("media_file_id", sa.String(length=36), nullable=False),
        sa.Column("source_media_file_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_file_id"],
            ["media_files.id"],
            name=op.f("fk_media_file_sources_media_file_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_media_file_id"],
            ["media_files.id"],
            name=op.f("fk_media_file_sources_source_media_file_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "media_file_id", "source_media_file_id", "role", name=op.f("pk_media_file_sources")
        ),
    )
    with op.batch_alter_table("media_file_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_media_file_sources_source_media_file_id"),
            ["source_media_file_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("media_file_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_file_sources_source_media_file_id"))
    op.drop_table("media_file_sources")
