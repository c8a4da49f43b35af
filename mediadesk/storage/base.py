"""The storage contract every backend implements (local directory, S3).

Work never happens in storage: jobs read inputs through :meth:`Storage.materialize`
into their scratch directory, write outputs there, and hand finished outputs to
:meth:`Storage.publish_tree`, which makes them visible entry-point last so that a
reader never finds a playlist whose segments are missing.
"""

from __future__ import annotations

import hashlib
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mediadesk.base_types import new_token

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    mtime: float = 0.0  # seconds since the epoch


@dataclass(frozen=True)
class StagedFile:
    """A fully written, fsynced local file with its digest, not yet in storage."""

    path: Path
    sha256: str
    size: int


class StagingWriter:
    """Streams bytes into a staging file, hashing on the way; constant memory.

    Used as a context manager: leaving it with an exception removes the partial file,
    so an interrupted copy or upload never leaves anything behind.
    """

    def __init__(self, staging_dir: Path, suffix: str = ".part") -> None:
        staging_dir.mkdir(parents=True, exist_ok=True)
        self.path = staging_dir / f"{new_token()}{suffix}"
        self._fh: BinaryIO | None = None
        self._hash = hashlib.sha256()
        self.size = 0

    def __enter__(self) -> StagingWriter:
        self._fh = open(self.path, "xb")
        return self

    def write(self, data: bytes | memoryview) -> None:
        assert self._fh is not None
        self._fh.write(data)
        self._hash.update(data)
        self.size += len(data)

    # The two halves of ``write``, for callers that overlap disk and CPU by running
    # them in two threads; both must see every chunk, each in order.
    def write_unhashed(self, data: bytes | bytearray | memoryview) -> None:
        assert self._fh is not None
        self._fh.write(data)
        self.size += len(data)

    def hash_update(self, data: bytes | bytearray | memoryview) -> None:
        self._hash.update(data)

    def copy_from(self, source: BinaryIO, limit: int | None = None) -> None:
        while chunk := source.read(CHUNK):
            self.write(chunk)
            if limit is not None and self.size > limit:
                raise OverflowError(self.size)

    def finish(self) -> StagedFile:
        assert self._fh is not None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        return StagedFile(self.path, self._hash.hexdigest(), self.size)

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.path.unlink(missing_ok=True)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or self._fh is not None:
            self.abort()


class Storage(ABC):
    """Keys are relative, '/'-separated and validated by ``storage.keys``."""

    scheme: str = ""
    # True when objects live on another machine (S3): attempt logs are then copied
    # into the store, since the worker that wrote them may be gone when they are read.
    is_remote: bool = False

    @abstractmethod
    def staging_dir(self) -> Path:
        """A local directory for files on their way in (same filesystem when local)."""

    @abstractmethod
    def adopt(self, staged: StagedFile, key: str, content_type: str | None = None) -> None:
        """Move a staged file to ``key`` atomically; the staged file is consumed."""

    @abstractmethod
    def publish_tree(self, src_dir: Path, prefix: str, entry_last: Sequence[str] = ()) -> None:
        """Publish every file below ``src_dir`` under ``prefix``.

        Top-level entries replace what was there before; names in ``entry_last`` are
        published after everything else, so the entry point appears last.
        """

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def open_read(self, key: str) -> BinaryIO: ...

    @abstractmethod
    def local_path(self, key: str) -> Path | None:
        """The file behind ``key`` when it lives on this machine's disk."""

    @abstractmethod
    def materialize(self, key: str, scratch: Path) -> Path:
        """A local path with the object's bytes: its own file when local, else a copy."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[StoredObject]: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Remove everything under ``prefix``; returns how many objects went."""

    def presigned_url(self, key: str, expires_s: int = 3600) -> str | None:
        """A URL a client can fetch directly, or ``None`` when the server must proxy."""
        return None

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        with StagingWriter(self.staging_dir()) as writer:
            writer.write(data)
            staged = writer.finish()
        self.adopt(staged, key, content_type)

    def put_copy(self, path: Path, key: str, content_type: str | None = None) -> None:
        """Store a copy of a local file under ``key``, leaving the file where it is."""
        with StagingWriter(self.staging_dir()) as writer, path.open("rb") as source:
            writer.copy_from(source)
            staged = writer.finish()
        self.adopt(staged, key, content_type)

    def read_range(self, key: str, offset: int, limit: int) -> tuple[bytes, int]:
        """Up to ``limit`` bytes of ``key`` from ``offset``, and the object's size."""
        size = self.size(key)
        offset = max(0, min(offset, size))
        with self.open_read(key) as fh:
            fh.seek(offset)
            return fh.read(max(0, limit)), size

    def housekeeping(self) -> int:
        """Backend-specific clean-up the reaper runs now and then; returns a count."""
        return 0


def walk_files(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            yield Path(dirpath) / name


def entry_order(names: Sequence[str], entry_last: Sequence[str]) -> list[str]:
    last = [n for n in entry_last if n in names]
    return [n for n in sorted(names) if n not in last] + last


def prune_stale(storage: Storage, prefix: str, wanted: set[str]) -> int:
    """Delete the top-level entries under ``prefix`` whose names are not ``wanted``.

    Run after a publish: a tree that lost an entry (a rung a new preset dropped) must
    not leave the old one behind. Returns how many objects went.
    """
    stale: set[str] = set()
    files: set[str] = set()
    for obj in storage.list(prefix):
        rel = obj.key[len(prefix) :].lstrip("/")
        top, _, rest = rel.partition("/")
        if top and top not in wanted:
            (stale if rest else files).add(top)
    removed = sum(storage.delete_prefix(f"{prefix}/{name}") for name in sorted(stale))
    for name in sorted(files - stale):
        storage.delete(f"{prefix}/{name}")
        removed += 1
    return removed
