"""external ids, fields people edited, series genres and original title

``external_ids`` keeps an entry's ids at other databases (tmdb, imdb, tvdb), read from
Kodi/Jellyfin NFO files and written back to them. ``edited_fields`` on movies, series,
seasons and episodes lists what a person changed in MediaDesk, so a rescan of a library
folder (NFO values, name guesses) never overwrites it. Series gain the genres and
original title their ``tvshow.nfo`` carries. Additive: no existing column changes.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-05 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EDITED = ("movies", "series", "seasons", "episodes")


def upgrade() -> None:
    op.create_table(
        "external_ids",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("movie_id", sa.String(length=36), nullable=True),
        sa.Column("series_id", sa.String(length=36), nullable=True),
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            # CASTs: PostgreSQL has no boolean + boolean (SQLite's booleans are integers).
            "CAST(movie_id IS NOT NULL AS INTEGER) + CAST(series_id IS NOT NULL AS INTEGER)"
            " + CAST(episode_id IS NOT NULL AS INTEGER) = 1",
            name=op.f("ck_external_ids_one_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["movie_id"],
            ["movies.id"],
            name=op.f("fk_external_ids_movie_id_movies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_external_ids_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_external_ids_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_ids")),
        sa.UniqueConstraint("movie_id", "provider", name=op.f("uq_external_ids_movie_id_provider")),
        sa.UniqueConstraint(
            "series_id", "provider", name=op.f("uq_external_ids_series_id_provider")
        ),
        sa.UniqueConstraint(
            "episode_id", "provider", name=op.f("uq_external_ids_episode_id_provider")
        ),
    )
    for table in _EDITED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("edited_fields", sa.JSON(), nullable=False, server_default="[]")
            )
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_title", sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column("genres", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("genres")
        batch_op.drop_column("original_title")
    for table in reversed(_EDITED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("edited_fields")
    op.drop_table("external_ids")
