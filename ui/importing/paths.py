"""Turning dropped URLs and chosen folders into the list of files to import."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QMimeData

MAX_FILES = 10_000  # a drop of a whole disk is a mistake, not an import


def local_paths(mime: QMimeData) -> list[Path]:
    """Local files and folders in a drag (remote URLs go through Import from URL)."""
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def web_urls(mime: QMimeData) -> list[str]:
    """http(s) links in a drag (from a browser): imported through the URL dialog."""
    urls = [u.toString() for u in mime.urls() if u.scheme() in ("http", "https")]
    if not urls and mime.hasText():
        text = mime.text().strip()
        urls = [text] if text.startswith(("http://", "https://")) and " " not in text else []
    return urls


def expand(paths: Iterable[Path], limit: int = MAX_FILES) -> list[Path]:
    """Files as given, folders walked (hidden entries skipped), sorted, deduplicated."""
    seen: set[Path] = set()
    out: list[Path] = []

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen and len(out) < limit:
            seen.add(resolved)
            out.append(path)

    for path in paths:
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        add(Path(dirpath) / name)
        elif path.is_file():
            add(path)
    return out
