"""library folders, referenced files, health

Library folders referenced in place and what a scan found in them; on media files the
path of a referenced file, since when it is missing, and the last health check. The
hash becomes optional: a scan lists a folder's files before they are read.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-05 08:05:32
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_folders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("watch", sa.Boolean(), nullable=False),
        sa.Column("watch_mode", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_scan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_scan_seconds", sa.Float(), nullable=True),
        sa.Column("last_scan_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_folders")),
        sa.UniqueConstraint("path", name=op.f("uq_library_folders_path")),
    )
    op.create_table(
        "folder_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("folder_id", sa.String(length=36), nullable=False),
        sa.Column("rel_path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("inode", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("media_file_id", sa.String(length=36), nullable=True),
        sa.Column("skip_reason", sa.String(length=16), nullable=True),
        sa.Column("skip_detail", sa.Text(), nullable=True),
        sa.Column("missing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["folder_id"],
            ["library_folders.id"],
            name=op.f("fk_folder_files_folder_id_library_folders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_file_id"],
            ["media_files.id"],
            name=op.f("fk_folder_files_media_file_id_media_files"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_folder_files")),
        sa.UniqueConstraint(
            "folder_id", "rel_path", name=op.f("uq_folder_files_folder_id_rel_path")
        ),
    )
    with op.batch_alter_table("folder_files", schema=None) as batch_op:
        batch_op.create_index("ix_folder_files_media_file_id", ["media_file_id"], unique=False)

    with op.batch_alter_table("media_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_path", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("missing_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("health", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("health_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("health_report", sa.JSON(), nullable=True))
        batch_op.alter_column("sha256", existing_type=sa.VARCHAR(length=64), nullable=True)
        batch_op.create_index(batch_op.f("ix_media_files_health"), ["health"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_files_health"))
        batch_op.alter_column("sha256", existing_type=sa.VARCHAR(length=64), nullable=False)
        batch_op.drop_column("health_report")
        batch_op.drop_column("health_checked_at")
        batch_op.drop_column("health")
        batch_op.drop_column("missing_since")
        batch_op.drop_column("original_path")

    with op.batch_alter_table("folder_files", schema=None) as batch_op:
        batch_op.drop_index("ix_folder_files_media_file_id")

    op.drop_table("folder_files")
    op.drop_table("library_folders")
