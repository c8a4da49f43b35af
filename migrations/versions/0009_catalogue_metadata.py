"""catalogue metadata, versions, artwork and playback state

Movies, series, seasons and episodes get the metadata people edit (titles, sort
titles, years, overviews, genres, air dates, double episodes). A media file's place in
the catalogue moves from ``movies.media_file_id`` / ``episodes.media_file_id`` to
``catalogue_files`` (one place per file, several files per entry: versions). Artwork
links entries to image media files; playback state keeps where a profile stopped.

Revision ID: 0009
Revises: 0013
Create Date: 2026-12-04 17:40:00
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ARTICLES = re.compile(r"^(the|a|an)\s+", re.I)


def _sort_key(title: str) -> str:
    # The same rule as mediadesk.domain.catalogue.sort_key at the time of writing.
    text = unicodedata.normalize("NFKD", title).casefold().strip()
    return _ARTICLES.sub("", text)


def upgrade() -> None:
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.alter_column("description", new_column_name="overview")
        batch_op.add_column(sa.Column("original_title", sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column("sort_title", sa.String(length=512), nullable=True))
        batch_op.add_column(
            sa.Column("sort_key", sa.String(length=512), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("genres", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(batch_op.f("ix_movies_sort_key"), ["sort_key"], unique=False)
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.alter_column("description", new_column_name="overview")
        batch_op.add_column(sa.Column("sort_title", sa.String(length=512), nullable=True))
        batch_op.add_column(
            sa.Column("sort_key", sa.String(length=512), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_series_sort_key"), ["sort_key"], unique=False)
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("overview", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("air_date", sa.Date(), nullable=True))

    op.create_table(
        "catalogue_files",
        sa.Column("media_file_id", sa.String(length=36), nullable=False),
        sa.Column("movie_id", sa.String(length=36), nullable=True),
        sa.Column("episode_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(movie_id IS NULL) != (episode_id IS NULL)",
            name=op.f("ck_catalogue_files_one_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_catalogue_files_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_file_id"],
            ["media_files.id"],
            name=op.f("fk_catalogue_files_media_file_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["movie_id"],
            ["movies.id"],
            name=op.f("fk_catalogue_files_movie_id_movies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("media_file_id", name=op.f("pk_catalogue_files")),
    )
    with op.batch_alter_table("catalogue_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_files_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_catalogue_files_movie_id"), ["movie_id"], unique=False)

    op.create_table(
        "artwork",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("movie_id", sa.String(length=36), nullable=True),
        sa.Column("series_id", sa.String(length=36), nullable=True),
        sa.Column("season_id", sa.String(length=36), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("image_media_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["image_media_id"],
            ["media_files.id"],
            name=op.f("fk_artwork_image_media_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["movie_id"], ["movies.id"], name=op.f("fk_artwork_movie_id_movies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["season_id"],
            ["seasons.id"],
            name=op.f("fk_artwork_season_id_seasons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_artwork_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artwork")),
    )
    with op.batch_alter_table("artwork", schema=None) as batch_op:
        for column in ("image_media_id", "movie_id", "season_id", "series_id"):
            batch_op.create_index(batch_op.f(f"ix_artwork_{column}"), [column], unique=False)

    op.create_table(
        "playback_states",
        sa.Column("media_file_id", sa.String(length=36), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("position_s", sa.Float(), nullable=False),
        sa.Column("watched", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_file_id"],
            ["media_files.id"],
            name=op.f("fk_playback_states_media_file_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("media_file_id", "profile", name=op.f("pk_playback_states")),
    )
    with op.batch_alter_table("playback_states", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_playback_states_updated_at"), ["updated_at"], unique=False
        )

    _move_links_up()

    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.drop_index("ix_movies_media_file_id")
        batch_op.drop_constraint("fk_movies_media_file_id_media_files", type_="foreignkey")
        batch_op.drop_column("media_file_id")
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_episodes_media_file_id")
        batch_op.drop_constraint("fk_episodes_media_file_id_media_files", type_="foreignkey")
        batch_op.drop_column("media_file_id")
    for table in ("movies", "series"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("sort_key", server_default=None)
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.alter_column("genres", server_default=None)


def _move_links_up() -> None:
    """Existing attachments become catalogue_files rows; titles get their sort keys."""
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    files = sa.table(
        "catalogue_files",
        sa.column("media_file_id", sa.String),
        sa.column("movie_id", sa.String),
        sa.column("episode_id", sa.String),
        sa.column("version", sa.String),
        sa.column("position", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    seen: set[str] = set()
    rows = []
    for column, table in (("movie_id", "movies"), ("episode_id", "episodes")):
        linked = conn.execute(
            sa.text(f"SELECT id, media_file_id FROM {table} WHERE media_file_id IS NOT NULL")  # noqa: S608
        ).all()
        for entry_id, media_id in linked:
            if media_id in seen:  # one place per file: the first link wins
                continue
            seen.add(media_id)
            other = "episode_id" if column == "movie_id" else "movie_id"
            rows.append(
                {
                    "media_file_id": media_id,
                    column: entry_id,
                    other: None,
                    "version": None,
                    "position": 0,
                    "created_at": now,
                }
            )
    if rows:
        op.bulk_insert(files, rows)
    for table in ("movies", "series"):
        for entry_id, title in conn.execute(sa.text(f"SELECT id, title FROM {table}")).all():  # noqa: S608
            conn.execute(
                sa.text(f"UPDATE {table} SET sort_key = :k WHERE id = :i"),  # noqa: S608
                {"k": _sort_key(title), "i": entry_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_file_id", sa.String(length=36), nullable=True))
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_file_id", sa.String(length=36), nullable=True))
    conn = op.get_bind()
    for column, table in (("movie_id", "movies"), ("episode_id", "episodes")):
        conn.execute(
            sa.text(
                f"UPDATE {table} SET media_file_id = (SELECT media_file_id FROM catalogue_files "  # noqa: S608
                f"WHERE catalogue_files.{column} = {table}.id ORDER BY position LIMIT 1)"
            )
        )
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_episodes_media_file_id_media_files",
            "media_files",
            ["media_file_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_episodes_media_file_id", ["media_file_id"], unique=False)
        batch_op.drop_column("air_date")
        batch_op.drop_column("overview")
        batch_op.drop_column("end_number")
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_movies_media_file_id_media_files",
            "media_files",
            ["media_file_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_movies_media_file_id", ["media_file_id"], unique=False)
        batch_op.drop_index(batch_op.f("ix_movies_sort_key"))
        for column in ("genres", "year", "sort_key", "sort_title", "original_title"):
            batch_op.drop_column(column)
        batch_op.alter_column("overview", new_column_name="description")
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_sort_key"))
        for column in ("year", "sort_key", "sort_title"):
            batch_op.drop_column(column)
        batch_op.alter_column("overview", new_column_name="description")
    op.drop_table("playback_states")
    op.drop_table("artwork")
    op.drop_table("catalogue_files")
