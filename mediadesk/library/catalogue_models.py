"""The catalogue: movies and the ``Series -> Season -> Episode`` tree, the media files
placed in it, their pictures and their ids at other services.

Entries only point at media files (``models.MediaFile`` is the truth of a file); what a
person edited is kept per entry so rescans never overwrite it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediadesk.library.base import ID, Base, PydanticJSON, UTCDateTime, new_id, utcnow
from mediadesk.library.models import MediaFile, TimestampMixin


class EditedMixin:
    # The fields a person changed in MediaDesk (``title``, ``year``...): a rescan's NFO
    # values and guesses never overwrite them.
    edited_fields: Mapped[list[str]] = mapped_column(
        PydanticJSON(list[str]), default=list, server_default="[]"
    )


class Movie(EditedMixin, TimestampMixin, Base):
    """A film. Its files (one or several versions) are linked by ``CatalogueFile``."""

    __tablename__ = "movies"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(512), index=True)
    original_title: Mapped[str | None] = mapped_column(String(512), default=None)
    # What the user typed to sort by, if anything; ``sort_key`` is what lists order by
    # (this or the title, leading articles dropped, case folded), kept by the service.
    sort_title: Mapped[str | None] = mapped_column(String(512), default=None)
    sort_key: Mapped[str] = mapped_column(String(512), default="", index=True)
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    overview: Mapped[str | None] = mapped_column(Text, default=None)
    genres: Mapped[list[str]] = mapped_column(PydanticJSON(list[str]), default=list)
    release_date: Mapped[date | None] = mapped_column(Date, default=None)

    files: Mapped[list[CatalogueFile]] = relationship(
        back_populates="movie",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(CatalogueFile.position, CatalogueFile.created_at)",
    )
    artwork: Mapped[list[Artwork]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="Artwork.movie_id"
    )
    external_ids: Mapped[list[ExternalId]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="ExternalId.movie_id"
    )


class Series(EditedMixin, TimestampMixin, Base):
    __tablename__ = "series"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(512), unique=True)
    original_title: Mapped[str | None] = mapped_column(String(512), default=None)
    sort_title: Mapped[str | None] = mapped_column(String(512), default=None)
    sort_key: Mapped[str] = mapped_column(String(512), default="", index=True)
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    overview: Mapped[str | None] = mapped_column(Text, default=None)
    genres: Mapped[list[str]] = mapped_column(
        PydanticJSON(list[str]), default=list, server_default="[]"
    )

    seasons: Mapped[list[Season]] = relationship(
        back_populates="series",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Season.number",
    )
    artwork: Mapped[list[Artwork]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="Artwork.series_id"
    )
    external_ids: Mapped[list[ExternalId]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="ExternalId.series_id"
    )


class Season(EditedMixin, Base):
    __tablename__ = "seasons"
    __table_args__ = (UniqueConstraint("series_id", "number"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    series_id: Mapped[str] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(512), default=None)

    series: Mapped[Series] = relationship(back_populates="seasons")
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="season",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Episode.number",
    )
    artwork: Mapped[list[Artwork]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="Artwork.season_id"
    )


class Episode(EditedMixin, Base):
    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("season_id", "number"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # A double episode (S01E02E03) is one entry numbered 2 that ends at 3.
    end_number: Mapped[int | None] = mapped_column(Integer, default=None)
    title: Mapped[str | None] = mapped_column(String(512), default=None)
    overview: Mapped[str | None] = mapped_column(Text, default=None)
    air_date: Mapped[date | None] = mapped_column(Date, default=None)

    season: Mapped[Season] = relationship(back_populates="episodes")
    external_ids: Mapped[list[ExternalId]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, foreign_keys="ExternalId.episode_id"
    )
    files: Mapped[list[CatalogueFile]] = relationship(
        back_populates="episode",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(CatalogueFile.position, CatalogueFile.created_at)",
    )


class CatalogueFile(Base):
    """A media file's one place in the catalogue: a version of a movie or an episode.

    A file belongs to at most one entry (the primary key); an entry may have several
    files (``Title (Year) - 1080p.mkv`` beside ``Title (Year) - 4K.mkv``), the first by
    ``position`` being the one that plays.
    """

    __tablename__ = "catalogue_files"
    __table_args__ = (
        CheckConstraint("(movie_id IS NULL) != (episode_id IS NULL)", name="one_entry"),
    )

    media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), primary_key=True
    )
    movie_id: Mapped[str | None] = mapped_column(
        ForeignKey("movies.id", ondelete="CASCADE"), default=None, index=True
    )
    episode_id: Mapped[str | None] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), default=None, index=True
    )
    version: Mapped[str | None] = mapped_column(String(64), default=None)  # "1080p", "4K"
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    movie: Mapped[Movie | None] = relationship(back_populates="files")
    episode: Mapped[Episode | None] = relationship(back_populates="files")
    media_file: Mapped[MediaFile] = relationship()


class Artwork(Base):
    """A picture chosen for a catalogue entry: which role, from which source.

    The picture is an image media file (so it gets WebP variants like any image and is
    deleted with it). Several sources may hold a role at once; readers take the first
    of ``user``, ``sidecar`` (artwork beside the files on disk), and fall back to a
    frame of the entry's own media (its poster artifact).
    """

    __tablename__ = "artwork"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    movie_id: Mapped[str | None] = mapped_column(
        ForeignKey("movies.id", ondelete="CASCADE"), default=None, index=True
    )
    series_id: Mapped[str | None] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), default=None, index=True
    )
    season_id: Mapped[str | None] = mapped_column(
        ForeignKey("seasons.id", ondelete="CASCADE"), default=None, index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # poster, backdrop
    source: Mapped[str] = mapped_column(String(16))  # user, sidecar
    image_media_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    image: Mapped[MediaFile] = relationship()


class ExternalId(Base):
    """An entry's id at another database (``tmdb``, ``imdb``, ``tvdb``), from an NFO or
    typed in: what lets a library move to Kodi or Jellyfin and back with its matches.

    Keyed like ``Artwork``: one nullable foreign key per entry kind, exactly one set;
    one id per provider and entry.
    """

    __tablename__ = "external_ids"
    __table_args__ = (
        CheckConstraint(
            # CASTs: PostgreSQL has no boolean + boolean (SQLite's booleans are integers).
            "CAST(movie_id IS NOT NULL AS INTEGER) + CAST(series_id IS NOT NULL AS INTEGER)"
            " + CAST(episode_id IS NOT NULL AS INTEGER) = 1",
            name="one_entry",
        ),
        UniqueConstraint("movie_id", "provider"),
        UniqueConstraint("series_id", "provider"),
        UniqueConstraint("episode_id", "provider"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    movie_id: Mapped[str | None] = mapped_column(
        ForeignKey("movies.id", ondelete="CASCADE"), default=None
    )
    series_id: Mapped[str | None] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), default=None
    )
    episode_id: Mapped[str | None] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), default=None
    )
    provider: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
