"""The library: physical media files and what was derived from them.

``MediaFile`` is the single source of truth for a physical file; the catalogue
(``catalogue_models.py``: movies and the ``Series -> Season -> Episode`` tree) and the
library folders (``folder_models.py``) only point at media files.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediadesk.domain.enums import ArtifactKind, MediaKind, MediaStatus
from mediadesk.domain.mediainfo import TAGS_REVISION, MediaInfo
from mediadesk.library.base import ID, Base, PydanticJSON, UTCDateTime, new_id, utcnow


def enum_column(enum_cls: type[Any], length: int = 16) -> Enum:
    # Stored as plain strings: readable in SQL, and adding a member needs no migration.
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MediaFile(TimestampMixin, Base):
    __tablename__ = "media_files"
    __table_args__ = (
        # One live copy of each content; a soft-deleted file may be imported again.
        Index(
            "uq_media_files_sha256_live",
            "sha256",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_media_files_status", "status"),
        Index("ix_media_files_kind", "kind"),
        # Newest-first lists of live files (every library view) read this index alone:
        # with 100,000 files, the first page takes a millisecond instead of a sort.
        # The albums list and an album's songs read this index alone.
        Index(
            "ix_media_files_album_tracks",
            "album_key",
            "track_key",
            "id",
            sqlite_where=text("album_key IS NOT NULL AND deleted_at IS NULL"),
            postgresql_where=text("album_key IS NOT NULL AND deleted_at IS NULL"),
        ),
        Index(
            "ix_media_files_live_created",
            "created_at",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    kind: Mapped[MediaKind] = mapped_column(enum_column(MediaKind))
    status: Mapped[MediaStatus] = mapped_column(
        enum_column(MediaStatus), default=MediaStatus.UPLOADED
    )
    original_key: Mapped[str] = mapped_column(String(512))
    original_filename: Mapped[str] = mapped_column(String(1024))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(128))
    # None until hashed: a scanned library folder shows its files before they are read.
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    source_url: Mapped[str | None] = mapped_column(Text, default=None)
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)

    # Probe results: the full typed document plus the columns people filter and sort on.
    probe: Mapped[MediaInfo | None] = mapped_column(PydanticJSON(MediaInfo), default=None)
    container: Mapped[str | None] = mapped_column(String(64), default=None)
    duration_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    frame_rate: Mapped[float | None] = mapped_column(Float, default=None)
    video_codec: Mapped[str | None] = mapped_column(String(32), default=None)
    audio_codec: Mapped[str | None] = mapped_column(String(32), default=None)
    bit_rate: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # What a song's own tags call it ("Artist — Title"; None for video and untagged
    # audio), copied out of ``probe`` so that loose audio sorts and is found by it.
    tagged_title: Mapped[str | None] = mapped_column(String(512), default=None)
    # The album a tagged song is on and its place there (``Song.album_key`` and
    # ``track_key``): the title order plays an album through, and "what next" follows it.
    album_key: Mapped[str | None] = mapped_column(String(512), default=None)
    track_key: Mapped[int | None] = mapped_column(Integer, default=None)
    # ``TAGS_REVISION`` of the probe that read them (None: a build before revisions).
    tags_revision: Mapped[int | None] = mapped_column(Integer, default=None)

    loudness_integrated_lufs: Mapped[float | None] = mapped_column(Float, default=None)
    loudness_true_peak_dbtp: Mapped[float | None] = mapped_column(Float, default=None)
    loudness_lra: Mapped[float | None] = mapped_column(Float, default=None)

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    # A referenced file lives in a library folder at this absolute path (never moved,
    # renamed or deleted by MediaDesk); a managed one lives at ``original_key``.
    original_path: Mapped[str | None] = mapped_column(Text, default=None)
    # Since when a referenced file is gone from its folder (its outputs are kept).
    missing_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The last health check's verdict (HEALTHY, DAMAGED) and what it found.
    health: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    health_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    health_report: Mapped[dict[str, Any] | None] = mapped_column(
        PydanticJSON(dict[str, Any]), default=None
    )

    artifacts: Mapped[list[Artifact]] = relationship(
        back_populates="media_file", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[MediaTag]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )
    # What this file was derived from (a master's programme and music), if anything.
    sources: Mapped[list[MediaFileSource]] = relationship(
        foreign_keys="MediaFileSource.media_file_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MediaFileSource.role",
    )

    chapters: Mapped[list[MediaChapter]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MediaChapter.position"
    )
    subtitle_files: Mapped[list[SubtitleFile]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SubtitleFile.created_at"
    )

    def apply_probe(self, info: MediaInfo) -> None:
        self.probe = info
        self.container = info.container
        self.duration_seconds = info.duration
        self.bit_rate = info.bit_rate
        video, audio = info.video, info.audio
        size = video.display_size if video else None
        self.width, self.height = size if size else (None, None)
        self.frame_rate = video.frame_rate if video else None
        self.video_codec = video.codec if video else None
        self.audio_codec = audio.codec if audio else None
        song = info.song if self.kind == MediaKind.AUDIO else None
        self.tagged_title = song.label if song is not None else None
        self.album_key = song.album_key if song is not None else None
        self.track_key = song.track_key if song is not None else None
        self.tags_revision = TAGS_REVISION
        self.chapters = [
            MediaChapter(
                media_file_id=self.id, position=i, start_s=c.start, end_s=c.end, title=c.title
            )
            for i, c in enumerate(info.chapters)
        ]


class MediaTag(Base):
    __tablename__ = "media_tags"

    media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128), primary_key=True)


class MediaFileSource(Base):
    """Lineage: ``media_file_id`` was made from ``source_media_file_id`` in ``role``.

    Purging a source removes the link, not the derived file (it stands on its own).
    """

    __tablename__ = "media_file_sources"

    media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), primary_key=True
    )
    source_media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)  # programme, music
    job_id: Mapped[str | None] = mapped_column(ID, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Artifact(Base):
    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("media_file_id", "kind", "storage_key"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ArtifactKind] = mapped_column(enum_column(ArtifactKind, 32))
    storage_key: Mapped[str] = mapped_column(String(512))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(PydanticJSON(dict[str, Any]), default=dict)
    preset_id: Mapped[str | None] = mapped_column(String(128), default=None)
    preset_version: Mapped[int | None] = mapped_column(Integer, default=None)
    job_id: Mapped[str | None] = mapped_column(ID, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    media_file: Mapped[MediaFile] = relationship(back_populates="artifacts")


class PlaybackState(Base):
    """Where a profile stopped in a media file, and whether it has been watched."""

    __tablename__ = "playback_states"

    media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), primary_key=True
    )
    profile: Mapped[str] = mapped_column(String(64), primary_key=True, default="default")
    position_s: Mapped[float] = mapped_column(Float, default=0.0)
    watched: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, index=True
    )


class MediaDeletion(Base):
    """A tombstone per deleted media file, written in the deleting transaction.

    Servers in every process follow this table (``seq`` only grows) to stop serving a
    deleted file's original and outputs at once: a purge leaves no row in
    ``media_files`` to look at, and reading the tombstones since the last poll is one
    indexed range read, whatever the size of the library.
    """

    __tablename__ = "media_deletions"
    __table_args__ = (Index("ix_media_deletions_deleted_at", "deleted_at"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    media_file_id: Mapped[str] = mapped_column(String(64))
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SubtitleFile(Base):
    """A subtitle file kept with a media file: found beside it at import, dropped on it
    in the app or uploaded through the API. Stored as UTF-8 under ``subtitles/{id}/``;
    the ``hls`` and ``subtitles`` jobs make its WebVTT rendition."""

    __tablename__ = "subtitle_files"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), index=True
    )
    storage_key: Mapped[str] = mapped_column(String(512))
    format: Mapped[str] = mapped_column(String(8))  # srt, ass, vtt
    language: Mapped[str | None] = mapped_column(String(35), default=None)  # RFC 5646
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_impaired: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(String(200), default=None)
    original_filename: Mapped[str] = mapped_column(String(1024))
    charset: Mapped[str] = mapped_column(String(32))  # what it was decoded from
    origin: Mapped[str] = mapped_column(String(16))  # sidecar, upload
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MediaChapter(Base):
    """A chapter of a media file, as its container lists them."""

    __tablename__ = "media_chapters"

    media_file_id: Mapped[str] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    title: Mapped[str | None] = mapped_column(String(200), default=None)
