"""What a list of paths to import means: files as given, folders walked for their media.

The one answer for a drop on the app and ``mediadesk import PATH...``. A file named
on its own is taken as given (the import says if it is not media), except subtitles
and NFO files, which the import of their video reads beside it; in a folder only
what a library-folder scan would read is taken: subtitles and NFO files are read with
their videos, artwork, partial downloads, samples, hidden and NAS system folders are
left out and counted, so a dropped release folder is its film, not six failures.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mediadesk.domain.folders import (
    FolderKind,
    SkipReason,
    in_sample_dir,
    skip_by_name,
    skip_dir,
)

MAX_FILES = 10_000  # a drop of a whole disk is a mistake, not an import
# Files named on their own that are still not media: the import of their video reads them.
WITH_THEIR_VIDEO = frozenset({SkipReason.SUBTITLES, SkipReason.NFO})


@dataclass(frozen=True)
class ImportPaths:
    files: list[Path]
    left_out: int = 0  # files inside folders that are not media of their own
    truncated: bool = False  # more than ``limit`` files: the rest were not taken


def expand_paths(paths: Iterable[Path], limit: int = MAX_FILES) -> ImportPaths:
    """Files in the order given; in a folder, its own files by name, then its
    subfolders' (by name); each file once."""
    seen: set[Path] = set()
    out: list[Path] = []
    left_out = 0
    truncated = False

    def add(path: Path) -> None:
        nonlocal truncated
        resolved = path.resolve()
        if resolved in seen:
            return
        if len(out) >= limit:
            truncated = True
            return
        seen.add(resolved)
        out.append(path)

    for path in paths:
        if not path.is_dir():
            if skip_by_name(path.name, FolderKind.MIXED) in WITH_THEIR_VIDEO:
                left_out += 1  # dropped beside their video: read with it
            else:
                add(path)  # a missing one too: its import says so, naming it
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if not skip_dir(d))
            for name in sorted(filenames):
                file = Path(dirpath) / name
                rel = file.relative_to(path).as_posix()
                reason = skip_by_name(rel, FolderKind.MIXED)
                if reason == SkipReason.HIDDEN:
                    continue  # the system's own (.DS_Store, ._film.mkv): not worth a word
                if reason is not None or in_sample_dir(rel):
                    left_out += 1
                else:
                    add(file)
    return ImportPaths(out, left_out, truncated)
