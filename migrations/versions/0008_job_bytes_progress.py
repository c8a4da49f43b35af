"""job bytes progress and the imports index

Downloads and copies are jobs (``fetch_url``, ``copy_path``): their progress is bytes,
kept on the job row beside the percent so every shell shows "12 MB of 40 MB" whatever
process runs them. The imports list reads jobs of two types newest first: one index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bytes_done", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("bytes_total", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_media_jobs_type_created_at", ["type", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("media_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_media_jobs_type_created_at")
        batch_op.drop_column("bytes_total")
        batch_op.drop_column("bytes_done")
