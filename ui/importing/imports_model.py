"""The imports list: import jobs newest first, as ``ImportService`` reports them.

The rows are job records, so they are the same the API and ``mediadesk imports`` list,
whichever process runs them, and a restart shows them again. Job events for import
types trigger a throttled reload; progress events patch one row. While something is
importing, a slow poll also picks up what other processes do (their events do not
reach this one).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from mediadesk.domain.enums import JobStatus
from mediadesk.events import JobEnqueued, JobProgress, JobStateChanged
from mediadesk.services.imports import IMPORT_TYPES, ImportService, ImportView, describe_target
from ui.format import eta, size
from ui.listsync import AnyIndex, IdListModel
from ui.progress_delegate import PROGRESS_ROLE
from ui.throttle import Throttle

LIMIT = 500
COLUMNS = ["File", "Attach to", "Progress", "State"]
COL_PROGRESS, COL_STATE = 2, 3
IMPORT_ROLE = Qt.ItemDataRole.UserRole + 1
FAILED_COLOR = QColor("#eb5757")
POLL_MS = 1000


class ImportsModel(IdListModel):
    columns = COLUMNS
    reloaded = Signal()
    importFailed = Signal(object)  # ImportView, once, when it fails
    importDone = Signal(object)  # ImportView, once, when it completes

    def __init__(self, imports: ImportService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.imports = imports
        self._views: dict[str, ImportView] = {}
        self._live: dict[str, JobProgress] = {}
        self._loaded = False
        self._reload = Throttle(200, self.reload, self)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.reload)

    # Loading ----------------------------------------------------------------------

    def reload(self) -> None:
        items = self.imports.list(LIMIT)
        fresh = {v.id: v for v in items}
        before, first = self._views, not self._loaded
        changed = [i for i, v in fresh.items() if i in before and before[i] != v]
        self._views, self._loaded = fresh, True
        for item_id in changed:
            self._live.pop(item_id, None)
        self.sync([v.id for v in items], len(items))
        for item_id in changed:
            row = self.row_of(item_id)
            if row is not None:
                self.emit_row_changed(row)
        if any(v.active for v in items):
            self._poll.start()
        else:
            self._poll.stop()
        self.reloaded.emit()
        if first:
            return  # what happened before this window opened was told then
        for item in items:
            old = before.get(item.id)
            if old is not None and old.status == item.status:
                continue
            if item.failed:
                self.importFailed.emit(item)
            elif item.status == JobStatus.COMPLETED:
                self.importDone.emit(item)

    def schedule(self) -> None:
        self._reload.poke()

    def on_job_event(self, event: JobEnqueued | JobStateChanged) -> None:
        if event.job_type in IMPORT_TYPES:
            self.schedule()

    def on_progress(self, event: JobProgress) -> None:
        if event.job_id not in self._views:
            return
        self._live[event.job_id] = event
        row = self.row_of(event.job_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, COL_PROGRESS), self.index(row, COL_STATE))

    # Reading ----------------------------------------------------------------------

    def item(self, row: int) -> ImportView | None:
        item_id = self.id_at(row)
        return self._views.get(item_id) if item_id is not None else None

    @property
    def items(self) -> list[ImportView]:
        return [self._views[i] for i in self._ids]

    @property
    def active_count(self) -> int:
        return sum(1 for v in self._views.values() if v.active)

    def _moved(self, item: ImportView) -> tuple[int | None, int | None, float | None, float | None]:
        """Bytes done, total, percent and ETA: the latest event, else the record."""
        live = self._live.get(item.id)
        # An event of an earlier attempt (a retried download) is not this one's.
        current = live is not None and live.attempt in (None, item.attempts)
        if live is not None and current and item.status == JobStatus.PROCESSING:
            total = live.total if live.total is not None else item.bytes_total
            return live.done, total, live.percent, live.eta_s
        return item.bytes_done, item.bytes_total, item.percent, item.eta_seconds

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.item(index.row())
        if item is None:
            return None
        col = index.column()
        if role == IMPORT_ROLE:
            return item
        if role == PROGRESS_ROLE and col == COL_PROGRESS:
            if item.status == JobStatus.PROCESSING:
                return self._moved(item)[2] or 0.0
            return 100.0 if item.status == JobStatus.COMPLETED else None
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATE and item.failed:
            return FAILED_COLOR
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return item.source
            if col == COL_STATE and item.failed:
                return f"{item.error_message}\n\n{item.next_step}"
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 0:
            return item.name
        if col == 1:
            return describe_target(item.target)
        if col == COL_PROGRESS:
            done, total, _percent, eta_s = self._moved(item)
            return progress_text(item, done, total, eta_s)
        return state_text(item)


def progress_text(
    item: ImportView, done: int | None, total: int | None, eta_s: float | None
) -> str:
    if item.status == JobStatus.PROCESSING:
        text = size(done or 0)
        if total:
            text += f" of {size(total)}"
        left = eta(eta_s)
        return f"{text} · {left} left" if left else text
    if item.status == JobStatus.COMPLETED:
        return size(total) if total is not None else ""
    if item.status == JobStatus.PENDING and total:
        return size(total)
    return ""


def state_text(item: ImportView) -> str:
    if item.failed:
        return f"{item.state}: {item.error_message}" if item.error_message else item.state
    if item.status == JobStatus.COMPLETED and item.duplicate:
        return f"{item.state}: already in the library as {item.duplicate_of}"
    if item.status == JobStatus.PENDING and item.attempts:
        return f"{item.state} (try {item.attempts + 1} of {item.max_attempts})"
    return item.state
