"""Imports running in the background, one file at a time, each cancelable.

The copy (hashing, probing, committing) is the core's ``IngestService``; this queue
only runs it off the GUI thread, turns its progress callback into a few signals per
second, and records per file what happened: imported, duplicate, failed (with the
core's message) or cancelled. One failure never stops the files after it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from mediadesk.engine.process import CancelToken
from mediadesk.errors import Cancelled, MediaDeskError
from mediadesk.library.views import ImportResult
from mediadesk.services.catalogue import AttachTarget
from mediadesk.services.ingest import CopyProgress, IngestService

log = logging.getLogger(__name__)

EMIT_INTERVAL_S = 0.1


class ItemState(StrEnum):
    QUEUED = "Queued"
    COPYING = "Copying"
    IMPORTED = "Imported"
    DUPLICATE = "Duplicate"
    FAILED = "Failed"
    CANCELLED = "Cancelled"

    @property
    def finished(self) -> bool:
        return self not in (ItemState.QUEUED, ItemState.COPYING)


@dataclass(frozen=True)
class ImportRequest:
    source: Path | str  # a local path, or an http(s) URL
    target: AttachTarget | None = None

    @property
    def is_url(self) -> bool:
        return isinstance(self.source, str)

    @property
    def label(self) -> str:
        return self.source if isinstance(self.source, str) else self.source.name


@dataclass
class ImportItem:
    request: ImportRequest
    state: ItemState = ItemState.QUEUED
    done: int = 0
    total: int | None = None
    message: str = ""
    media_id: str | None = None
    cancel: CancelToken = field(default_factory=CancelToken)

    @property
    def percent(self) -> float | None:
        if self.state == ItemState.IMPORTED or self.state == ItemState.DUPLICATE:
            return 100.0
        if not self.total:
            return None
        return min(100.0, 100.0 * self.done / self.total)


class ImportQueue(QObject):
    itemsAdded = Signal(int, int)  # first row, count
    itemChanged = Signal(int)  # row
    imported = Signal(str)  # media id (new or duplicate)
    idle = Signal()

    def __init__(self, ingest: IngestService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ingest = ingest
        self.items: list[ImportItem] = []
        self._lock = threading.Lock()
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = False

    # Submitting and cancelling ----------------------------------------------------------

    def submit(self, requests: list[ImportRequest]) -> list[int]:
        if not requests or self._stopping:
            return []
        with self._lock:
            first = len(self.items)
            self.items.extend(ImportItem(r) for r in requests)
        self.itemsAdded.emit(first, len(requests))
        rows = list(range(first, first + len(requests)))
        for row in rows:
            self._queue.put(row)
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="mediadesk-import", daemon=True)
            self._thread.start()
        return rows

    def cancel(self, row: int) -> None:
        item = self.items[row]
        item.cancel.cancel("cancelled by user")
        if item.state == ItemState.QUEUED:
            item.state, item.message = ItemState.CANCELLED, "cancelled before it started"
            self.itemChanged.emit(row)

    def cancel_all(self) -> None:
        for row, item in enumerate(self.items):
            if not item.state.finished:
                self.cancel(row)

    @property
    def active(self) -> bool:
        return any(not item.state.finished for item in self.items)

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel everything and wait for the worker (on quit)."""
        self._stopping = True
        self.cancel_all()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    # The worker thread --------------------------------------------------------------

    def _work(self) -> None:
        while True:
            row = self._queue.get()
            if row is None:
                return
            self._run_one(row)
            if self._queue.empty():
                self.idle.emit()

    def _run_one(self, row: int) -> None:
        item = self.items[row]
        if item.state != ItemState.QUEUED:
            return
        item.state = ItemState.COPYING
        self.itemChanged.emit(row)
        last = 0.0

        def progress(done: int, total: int | None) -> None:
            nonlocal last
            item.done, item.total = done, total
            now = time.monotonic()
            if now - last >= EMIT_INTERVAL_S:
                last = now
                self.itemChanged.emit(row)

        try:
            result = self._import(item, progress)
        except Cancelled:
            item.state, item.message = ItemState.CANCELLED, "cancelled"
        except MediaDeskError as exc:
            item.state, item.message = ItemState.FAILED, exc.message
        except Exception as exc:  # a bug must not stop the files after this one
            log.exception("import of %s failed", item.request.label)
            item.state, item.message = ItemState.FAILED, f"internal error: {exc}"
        else:
            item.media_id = result.media.id
            if result.duplicate:
                item.state = ItemState.DUPLICATE
                item.message = f"already in the library as {result.media.original_filename}"
            else:
                item.state = ItemState.IMPORTED
                item.message = f"{result.media.kind}, {len(result.job_ids)} job(s) queued"
            self.imported.emit(result.media.id)
        self.itemChanged.emit(row)

    def _import(self, item: ImportItem, progress: CopyProgress) -> ImportResult:
        req = item.request
        if isinstance(req.source, str):
            return self.ingest.import_url(
                req.source, target=req.target, progress=progress, cancel=item.cancel
            )
        return self.ingest.import_path(
            req.source, target=req.target, progress=progress, cancel=item.cancel
        )
