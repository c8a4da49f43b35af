"""Read-only views of library folders and their scans (CLI ``--json``, API, GUI).

Stable JSON like ``views.py``: add fields freely, never rename or remove one.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from mediadesk.domain.folders import FolderKind, SkipReason


class FolderView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    path: str
    kind: FolderKind
    watch: bool
    watch_mode: str  # auto, notify, poll
    created_at: datetime
    last_scan_at: datetime | None
    last_scan_seconds: float | None
    last_scan_error: str | None
    # Counts from the scan's memory of the folder.
    media_files: int = 0  # files that are media of the library
    missing: int = 0  # of those, gone from the folder
    skipped: int = 0  # files that are not media, with a reason each
    waiting: int = 0  # media-looking files not read (hashed) yet
    # What the folder is doing now, in people's words: "Watching", "Reading 12 of 40"...
    state: str = ""


class SkippedFileView(BaseModel):
    model_config = ConfigDict(frozen=True)

    folder_id: str
    path: str  # relative to the folder
    reason: SkipReason
    reason_words: str
    detail: str | None = None


class ScanReport(BaseModel):
    """What one scan of one folder found (``folders scan --json``)."""

    model_config = ConfigDict(frozen=True)

    folder_id: str
    path: str
    files: int  # regular files seen
    new: int  # new media-looking files (listed at once, read in the background)
    changed: int  # known paths whose size or time changed (read again)
    moved: int  # renamed or moved within the folder, recognised without reading
    missing: int  # gone since the last scan
    returned: int  # missing before, back now
    skipped: int  # not media, each with a reason
    queued: int  # files handed to the hashing jobs
    seconds: float
    job_ids: list[str] = []
