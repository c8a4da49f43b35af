"""Library folders the user already has, and every file a scan found in them.

A ``FolderFile`` is the scan's memory of one path: its identity on disk (size, mtime,
inode) so that a rescan is one ``stat`` per file compared against one query, the
content hash once read, and either the media file it is or why it is skipped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediadesk.library.base import ID, Base, UTCDateTime, new_id, utcnow


class LibraryFolder(Base):
    __tablename__ = "library_folders"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    path: Mapped[str] = mapped_column(Text, unique=True)  # absolute, resolved
    kind: Mapped[str] = mapped_column(String(16))  # FolderKind
    watch: Mapped[bool] = mapped_column(Boolean, default=False)
    # "auto" (inotify unless the filesystem is a network one), "notify" or "poll".
    watch_mode: Mapped[str] = mapped_column(String(16), default="auto")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_scan_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_scan_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    last_scan_error: Mapped[str | None] = mapped_column(Text, default=None)

    files: Mapped[list[FolderFile]] = relationship(
        back_populates="folder", cascade="all, delete-orphan", passive_deletes=True
    )


class FolderFile(Base):
    __tablename__ = "folder_files"
    __table_args__ = (
        UniqueConstraint("folder_id", "rel_path"),
        Index("ix_folder_files_media_file_id", "media_file_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    folder_id: Mapped[str] = mapped_column(ForeignKey("library_folders.id", ondelete="CASCADE"))
    rel_path: Mapped[str] = mapped_column(Text)  # POSIX, relative to the folder
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    mtime_ns: Mapped[int] = mapped_column(BigInteger, default=0)
    inode: Mapped[int] = mapped_column(BigInteger, default=0)
    # The content hash of the (size, mtime, inode) above; None: not read yet.
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    media_file_id: Mapped[str | None] = mapped_column(
        ForeignKey("media_files.id", ondelete="SET NULL"), default=None
    )
    skip_reason: Mapped[str | None] = mapped_column(String(16), default=None)  # SkipReason
    skip_detail: Mapped[str | None] = mapped_column(Text, default=None)
    missing_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    folder: Mapped[LibraryFolder] = relationship(back_populates="files")
