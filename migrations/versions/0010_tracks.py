"""subtitle files and chapters

Subtitle files kept with a media file (found beside it at import, dropped on it or
uploaded) and the chapters its container lists.

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-05 08:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subtitle_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("media_file_id", sa.String(length=36), nullable=False),
        sa.Column("storage_key", sa.String(length=512), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("hearing_impaired", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("original_filename", sa.String(length=1024), nullable=False),
        sa.Column("charset", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_file_id"],
            ["media_files.id"],
            name=op.f("fk_subtitle_files_media_file_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subtitle_files")),
    )
    with op.batch_alter_table("subtitle_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subtitle_files_media_file_id"), ["media_file_id"], unique=False
        )
    op.create_table(
        "media_chapters",
        sa.Column("media_file_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["media_file_id"],
            ["media_files.id"],
            name=op.f("fk_media_chapters_media_file_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("media_file_id", "position", name=op.f("pk_media_chapters")),
    )


def downgrade() -> None:
    op.drop_table("media_chapters")
    with op.batch_alter_table("subtitle_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subtitle_files_media_file_id"))
    op.drop_table("subtitle_files")
