"""What a drag carries: local paths and web links (folders are walked by the core,
``services.import_paths``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData


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
