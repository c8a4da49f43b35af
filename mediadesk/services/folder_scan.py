"""One scan of one library folder: walk, compare with what the library knows, record.

The cost of a rescan is one ``stat`` per file (``os.scandir`` gives names and inodes
for free) compared in memory against one query of the folder's known files; only new
or changed files are read, by ``hash_files`` jobs in batches, after the scan. New
media-looking files are listed at once (a row each, named after the file), so a
10,000-file first scan shows its files before a byte of them is read.

A path that vanished is marked missing (its media file keeps its outputs) unless a new
path with the same inode, size and mtime appeared in the same scan: that is a rename
within the folder, recognised without reading a byte. Moves across folders, and copies
that changed the inode, are recognised by content when the new file is hashed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from mediadesk.base_types import new_id, utcnow
from mediadesk.domain.enums import MediaStatus
from mediadesk.domain.folders import (
    TEXT_SUBTITLE_EXTENSIONS,
    FolderKind,
    SkipReason,
    extension,
    media_kind_of,
    skip_by_name,
    skip_dir,
)
from mediadesk.library.folder_models import FolderFile
from mediadesk.library.models import MediaFile

MIMES = {"video": "video/*", "audio": "audio/*", "image": "image/*"}


@dataclass(frozen=True, slots=True)
class Seen:
    """A file found by the walk: its identity, or why it is skipped by its name."""

    size: int = 0
    mtime_ns: int = 0
    inode: int = 0
    skip: SkipReason | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.inode, self.size, self.mtime_ns)


@dataclass(slots=True)
class Known:
    id: str
    size: int
    mtime_ns: int
    inode: int
    media_file_id: str | None
    skip_reason: str | None
    sha256: str | None
    missing: bool

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.inode, self.size, self.mtime_ns)


@dataclass
class ScanResult:
    files: int = 0
    new: int = 0
    changed: int = 0
    moved: int = 0
    missing: int = 0
    returned: int = 0
    skipped: int = 0
    # (folder file id, size) of everything to read, for the hashing jobs.
    to_read: list[tuple[str, int]] = field(default_factory=list)
    touched_media: list[str] = field(default_factory=list)
    # NFOs and sidecar pictures that appeared or changed (POSIX, relative): their
    # videos' metadata and pictures are read again (``FolderCatalogue.refresh``).
    nfos: list[str] = field(default_factory=list)
    # Sidecar subtitles that appeared, changed or went away, and videos renamed in
    # place (POSIX, relative): their videos' subtitle files are read again
    # (``FolderSubtitles.refresh``).
    subtitles: list[str] = field(default_factory=list)


def walk(root: Path, kind: FolderKind) -> Iterator[tuple[str, Seen]]:
    """Every file under ``root`` as (POSIX path relative to it, what was seen).

    Plain strings, not ``Path`` objects: a 10,000-film collection is as many folders,
    and building a ``Path`` per folder cost a tenth of a rescan.
    """
    stack = [(str(root), "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except (PermissionError, FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_symlink():
                yield rel, Seen(skip=SkipReason.LINK)
            elif entry.is_dir(follow_symlinks=False):
                if not skip_dir(entry.name):
                    stack.append((entry.path, rel + "/"))
            elif entry.is_file(follow_symlinks=False):
                reason = skip_by_name(rel, kind)
                # NFOs, sidecar pictures and text subtitles are not media, but their
                # changes are news for the catalogue and for their video's subtitle
                # tracks: they are stat'ed like media (one stat each).
                sidecar = (
                    reason == SkipReason.ARTWORK
                    or reason == SkipReason.NFO
                    or (
                        reason == SkipReason.SUBTITLES
                        and extension(entry.name) in TEXT_SUBTITLE_EXTENSIONS
                    )
                )
                if reason is not None and not sidecar:
                    yield rel, Seen(skip=reason)
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                yield rel, Seen(st.st_size, st.st_mtime_ns, st.st_ino, skip=reason)


def load_known(session: Session, folder_id: str) -> dict[str, Known]:
    """The folder's known files, in one query read as plain tuples (no ORM objects, no
    datetime conversion: a rescan of 10,000 files must not spend a second here)."""
    t = FolderFile.__table__.c
    rows = session.connection().execute(
        select(
            t.rel_path,
            t.id,
            t.size,
            t.mtime_ns,
            t.inode,
            t.media_file_id,
            t.skip_reason,
            t.sha256,
            t.missing_since.is_not(None),
        ).where(t.folder_id == folder_id)
    )
    return {r[0]: Known(*r[1:]) for r in rows.all()}


def apply_scan(
    session: Session,
    folder_id: str,
    root: Path,
    kind: FolderKind,
    seen: dict[str, Seen],
    known: dict[str, Known],
    only: str | None = None,
    hold: set[str] | frozenset[str] = frozenset(),
    requeue_unread: bool = True,
) -> ScanResult:
    """Record what the walk saw against what was known, in the caller's transaction.

    ``only``: a sub-path (POSIX, relative) the walk covered; known files outside it
    are left alone (a watcher rescans just the directory that changed). ``hold``:
    paths still being written (the watcher's settling files), as if not walked.
    ``requeue_unread``: queue again known files never read (their job was lost); off
    while reading jobs are still outstanding, which will read them.
    """
    now = utcnow()
    if hold:
        seen = {rel: s for rel, s in seen.items() if rel not in hold}
    out = ScanResult(files=len(seen))

    def covered(rel: str) -> bool:
        if rel in hold:
            return False
        return only is None or rel == only or rel.startswith(only.rstrip("/") + "/")

    vanished = {rel: k for rel, k in known.items() if rel not in seen and covered(rel)}
    # A rename: a new path with the identity of a path gone now, or gone earlier (a
    # watcher scans the two directories of a move one after the other).
    candidates = dict(vanished)
    candidates.update({rel: k for rel, k in known.items() if k.missing and rel not in seen})
    by_identity = {k.key: rel for rel, k in candidates.items() if k.media_file_id and k.sha256}
    new_files: list[dict[str, Any]] = []
    new_media: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    nfo_changed: list[dict[str, Any]] = []
    returned: list[str] = []
    moved_media: list[tuple[str, str, str]] = []  # media id, new path, new name

    for rel, s in seen.items():
        k = known.get(rel)
        if s.skip is not None:
            out.skipped += 1
            news = out.subtitles if s.skip == SkipReason.SUBTITLES else out.nfos
            if k is None:
                new_files.append(_file_row(folder_id, rel, s, now, skip=s.skip))
                if s.inode:
                    news.append(rel)
            elif s.inode and k.key != s.key:
                nfo_changed.append(
                    {"id": k.id, "size": s.size, "mtime_ns": s.mtime_ns, "inode": s.inode}
                )
                news.append(rel)
            continue
        if k is not None and k.skip_reason is None:
            if k.missing:
                returned.append(k.id)
                if k.media_file_id:
                    out.touched_media.append(k.media_file_id)
            if k.key != s.key:
                changed.append(
                    {"id": k.id, "size": s.size, "mtime_ns": s.mtime_ns, "inode": s.inode}
                )
                out.to_read.append((k.id, s.size))
            elif k.sha256 is None and requeue_unread:
                out.to_read.append((k.id, s.size))  # never read (its job was purged)
            continue
        if k is not None:
            # Skipped before (a sample, unreadable, a duplicate): read again if it changed.
            if k.key == s.key:
                out.skipped += 1
                continue
            changed.append({"id": k.id, "size": s.size, "mtime_ns": s.mtime_ns, "inode": s.inode})
            out.to_read.append((k.id, s.size))
            continue
        source = by_identity.pop(s.key, None) if s.inode else None
        if source is not None:
            old = candidates[source]
            vanished.pop(source, None)
            assert old.media_file_id is not None
            session.execute(
                update(FolderFile)
                .where(FolderFile.id == old.id)
                .values(rel_path=rel, missing_since=None)
            )
            moved_media.append((old.media_file_id, str(root / rel), rel.rsplit("/", 1)[-1]))
            out.subtitles.append(rel)  # its sidecar subtitles go by its new name
            out.moved += 1
            continue
        media_id = new_id()
        kind_guess = media_kind_of(rel)
        assert kind_guess is not None  # skip_by_name passed it
        row = _file_row(folder_id, rel, s, now, media_id=media_id)
        new_files.append(row)
        new_media.append(
            {
                "id": media_id,
                "kind": kind_guess,
                "status": MediaStatus.UPLOADED,
                "original_key": "",
                "original_path": str(root / rel),
                "original_filename": rel.rsplit("/", 1)[-1][:1024],
                "size_bytes": s.size,
                "mime": MIMES[kind_guess.value],
                "created_at": now,
                "updated_at": now,
            }
        )
        out.to_read.append((row["id"], s.size))
        out.new += 1

    if new_media:
        session.execute(insert(MediaFile), new_media)
    if new_files:
        session.execute(insert(FolderFile), new_files)
    if nfo_changed:
        session.execute(update(FolderFile), nfo_changed)
    if changed:
        session.execute(
            update(FolderFile),
            [{**c, "sha256": None, "skip_reason": None, "skip_detail": None} for c in changed],
        )
        out.changed = len(changed)
    for media_id, path, name in moved_media:
        session.execute(
            update(MediaFile)
            .where(MediaFile.id == media_id)
            .values(
                original_path=path,
                original_filename=name[:1024],
                missing_since=None,
                updated_at=now,
            )
        )
        out.touched_media.append(media_id)
    if returned:
        session.execute(
            update(FolderFile).where(FolderFile.id.in_(returned)).values(missing_since=None)
        )
        media_ids = [k.media_file_id for k in known.values() if k.id in set(returned)]
        _set_missing(session, [m for m in media_ids if m], None)
        out.returned = len(returned)
    _record_vanished(session, vanished, now, out)
    return out


def _record_vanished(
    session: Session, vanished: dict[str, Known], now: datetime, out: ScanResult
) -> None:
    gone_media = [k for k in vanished.values() if k.media_file_id and k.sha256 and not k.missing]
    if gone_media:
        session.execute(
            update(FolderFile)
            .where(FolderFile.id.in_([k.id for k in gone_media]))
            .values(missing_since=now)
        )
        ids = [k.media_file_id for k in gone_media if k.media_file_id]
        _set_missing(session, ids, now)
        out.missing = len(gone_media)
        out.touched_media.extend(ids)
    # A sidecar that went away (an NFO, a picture, a subtitle: stat'ed, so with an
    # inode) is news too.
    for rel, k in vanished.items():
        if k.skip_reason and k.inode:
            subtitle = k.skip_reason == SkipReason.SUBTITLES
            (out.subtitles if subtitle else out.nfos).append(rel)
    # Files never read, or skipped, leave no trace: there is nothing to keep of them.
    forget = [k for k in vanished.values() if not (k.media_file_id and k.sha256)]
    if forget:
        session.execute(delete(FolderFile).where(FolderFile.id.in_([k.id for k in forget])))
        provisional = [k.media_file_id for k in forget if k.media_file_id]
        if provisional:
            session.execute(
                delete(MediaFile).where(MediaFile.id.in_(provisional), MediaFile.sha256.is_(None))
            )
            out.touched_media.extend(provisional)


def _set_missing(session: Session, media_ids: list[str], when: datetime | None) -> None:
    for start in range(0, len(media_ids), 500):
        chunk = media_ids[start : start + 500]
        session.execute(update(MediaFile).where(MediaFile.id.in_(chunk)).values(missing_since=when))


def _file_row(
    folder_id: str,
    rel: str,
    s: Seen,
    now: datetime,
    skip: SkipReason | None = None,
    media_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "folder_id": folder_id,
        "rel_path": rel,
        "size": s.size,
        "mtime_ns": s.mtime_ns,
        "inode": s.inode,
        "media_file_id": media_id,
        "skip_reason": skip.value if skip else None,
        "seen_at": now,
    }


def timed_walk(
    root: Path, kind: FolderKind, sub: str | None = None
) -> tuple[dict[str, Seen], float]:
    start = time.perf_counter()
    base = root / sub if sub else root
    prefix = sub.rstrip("/") + "/" if sub else ""
    seen = {prefix + rel: s for rel, s in walk(base, kind)}
    return seen, time.perf_counter() - start
