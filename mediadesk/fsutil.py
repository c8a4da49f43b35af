"""Small filesystem helpers for durable, atomic writes."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from mediadesk.errors import ErrorCode, TransientError


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(src: Path, dst: Path) -> None:
    """Rename ``src`` over ``dst`` and make the rename survive a power cut."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)
    fsync_dir(dst.parent)


# No room: the filesystem is full, the user's quota is used up, or the process went
# over its file size limit (RLIMIT_FSIZE; Python ignores SIGXFSZ, so writes fail EFBIG).
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def storage_error(exc: OSError, what: str) -> TransientError:
    """Turn an OSError into a coded, retryable error with a readable message."""
    if exc.errno in NO_ROOM:
        return TransientError(f"disk full while {what}", code=ErrorCode.DISK_FULL)
    return TransientError(f"{what}: {exc.strerror or exc}", code=ErrorCode.STORAGE_ERROR)


def sha256_file(path: Path, chunk: int = 1024 * 1024) -> tuple[str, int]:
    """The file's SHA-256 (hex) and size, read in constant memory."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
