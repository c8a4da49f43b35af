"""NFO files in library folders have a skip reason of their own

They were "not media" like any text file; they are details the catalogue reads, and
are listed as such.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE folder_files SET skip_reason = 'nfo'"
        " WHERE skip_reason = 'not_media' AND lower(rel_path) LIKE '%.nfo'"
    )


def downgrade() -> None:
    op.execute("UPDATE folder_files SET skip_reason = 'not_media' WHERE skip_reason = 'nfo'")
