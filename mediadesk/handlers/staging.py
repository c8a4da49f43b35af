"""Bytes on their way into the library: a stream or a local file, staged and hashed."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from mediadesk.engine.process import CancelToken
from mediadesk.errors import Cancelled, ErrorCode, InvalidInput
from mediadesk.storage.base import CHUNK, StagedFile, StagingWriter

CopyProgress = Callable[[int, int | None], None]


def stage_chunks(
    chunks: Iterable[bytes],
    staging_dir: Path,
    total: int | None = None,
    progress: CopyProgress | None = None,
    cancel: CancelToken | None = None,
) -> StagedFile:
    """Write ``chunks`` to a new staging file (removed again if anything fails)."""
    with StagingWriter(staging_dir) as writer:
        for chunk in chunks:
            if cancel is not None and cancel.cancelled:
                raise Cancelled("import cancelled")
            writer.write(chunk)
            if progress is not None:
                progress(writer.size, total)
        return writer.finish()


def require_file(path: Path) -> None:
    """A path to import must be a file; a folder is told apart from nothing at all."""
    if path.is_dir():
        raise InvalidInput(
            f"{path} is a folder, not a file: import the files in it, or add it as a"
            " library folder to use it where it is",
            code=ErrorCode.NOT_FOUND,
        )
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file", code=ErrorCode.NOT_FOUND)


def stage_file(
    path: Path,
    staging_dir: Path,
    progress: CopyProgress | None = None,
    cancel: CancelToken | None = None,
) -> StagedFile:
    """Copy a local file into staging; a missing file is ``NOT_FOUND`` naming it."""
    try:
        source = path.open("rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise InvalidInput(f"{path}: no such file", code=ErrorCode.NOT_FOUND) from None
    except PermissionError:
        raise InvalidInput(f"{path}: MediaDesk may not read this file") from None
    with source:
        total = _size(source)
        return stage_chunks(_chunks(source), staging_dir, total, progress, cancel)


def _size(source: BinaryIO) -> int | None:
    size = os.fstat(source.fileno()).st_size
    return size if size > 0 else None  # 0 for a pipe or a device: not known


def _chunks(source: BinaryIO) -> Iterable[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk
