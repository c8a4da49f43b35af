"""Storage in a local directory (the embedded default)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from mediadesk.base_types import new_token
from mediadesk.fsutil import fsync_dir, replace_durably, storage_error
from mediadesk.storage.base import StagedFile, Storage, StoredObject, entry_order, walk_files
from mediadesk.storage.keys import validate_key

INCOMING = ".incoming"
TRASH = ".trash"


class LocalStorage(Storage):
    scheme = "file"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, key: str) -> Path:
        path = self.root / validate_key(key)
        # Belt and braces: the validated key cannot climb out, and a symlink inside the
        # root that points outside is refused as well.
        resolved = path.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise FileNotFoundError(key)
        return path

    def staging_dir(self) -> Path:
        path = self.root / INCOMING
        path.mkdir(parents=True, exist_ok=True)
        return path

    def adopt(self, staged: StagedFile, key: str, content_type: str | None = None) -> None:
        target = self.path_for(key)
        try:
            if _same_device(staged.path, self.root):
                replace_durably(staged.path, target)
                return
            tmp = self.staging_dir() / f"{new_token()}.part"
            shutil.copyfile(staged.path, tmp)
            _fsync_file(tmp)
            replace_durably(tmp, target)
            staged.path.unlink(missing_ok=True)
        except OSError as exc:
            raise storage_error(exc, f"storing {key}") from exc

    def publish_tree(self, src_dir: Path, prefix: str, entry_last: Sequence[str] = ()) -> None:
        dest_root = self.path_for(prefix)
        copy: Path | None = None
        try:
            if not _same_device(src_dir, self.root):
                # Copied whole before anything is swapped in: a disk that fills up
                # here leaves the published tree as it was.
                copy = self.staging_dir() / f"tree-{new_token()}"
                _copy_tree(src_dir, copy)
                src_dir = copy
            for path in walk_files(src_dir):
                _fsync_file(path)
            dest_root.mkdir(parents=True, exist_ok=True)
            names = [p.name for p in src_dir.iterdir()]
            for name in entry_order(names, entry_last):
                self._swap_in(src_dir / name, dest_root / name)
            fsync_dir(dest_root)
        except OSError as exc:
            raise storage_error(exc, f"publishing {prefix}") from exc
        finally:
            if copy is not None:
                shutil.rmtree(copy, ignore_errors=True)

    def _swap_in(self, src: Path, dest: Path) -> None:
        if dest.is_dir() and not dest.is_symlink():
            trash = self.root / TRASH / new_token()
            trash.parent.mkdir(parents=True, exist_ok=True)
            os.replace(dest, trash)
            os.replace(src, dest)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(src, dest)

    def exists(self, key: str) -> bool:
        try:
            return self.path_for(key).is_file()
        except (FileNotFoundError, ValueError):
            return False

    def size(self, key: str) -> int:
        return self.path_for(key).stat().st_size

    def open_read(self, key: str) -> BinaryIO:
        return open(self.path_for(key), "rb")

    def local_path(self, key: str) -> Path | None:
        return self.path_for(key)

    def materialize(self, key: str, scratch: Path) -> Path:
        path = self.path_for(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path

    def list(self, prefix: str) -> Iterator[StoredObject]:
        base = self.path_for(prefix)
        if base.is_file():
            st = base.stat()
            yield StoredObject(prefix, st.st_size, st.st_mtime)
            return
        if not base.is_dir():
            return
        for path in walk_files(base):
            rel = path.relative_to(self.root).as_posix()
            st = path.stat()
            yield StoredObject(rel, st.st_size, st.st_mtime)

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        base = self.path_for(prefix)
        if base.is_file():
            base.unlink()
            return 1
        if not base.is_dir():
            return 0
        count = sum(1 for _ in walk_files(base))
        shutil.rmtree(base)
        return count


def _copy_tree(src: Path, dst: Path) -> None:
    """Like ``shutil.copytree``, but the first failure raises its own OSError (ENOSPC
    stays ENOSPC; copytree gathers errors into one ``shutil.Error`` without errno)."""
    for path in walk_files(src):
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    dst.mkdir(parents=True, exist_ok=True)


def _same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
