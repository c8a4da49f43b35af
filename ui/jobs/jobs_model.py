"""Every job, newest first: state, progress and ETA kept live by core events.

Pages of ``PAGE`` jobs are fetched as the view scrolls. A progress event patches the
one row it is about; enqueue and state events trigger a debounced resync of the
loaded range (one query however many events arrived).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import JobStatus
from mediadesk.events import JobProgress
from mediadesk.jobs.views import JobView
from mediadesk.library.views import Page
from mediadesk.services.job_subjects import JobSubjects
from mediadesk.services.jobs import JobService
from ui.format import eta, percent, took
from ui.jobs.live_progress import LiveProgress
from ui.listsync import AnyIndex, IdListModel
from ui.progress_delegate import PROGRESS_ROLE
from ui.throttle import Throttle

PAGE = 200
JOB_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ["Step", "State", "Progress", "Time left / took", "File", "Tries", "Created", "Problem"]
COL_PROGRESS = 2
STATE_COLORS = {
    JobStatus.PENDING: QColor("#8a8f98"),
    JobStatus.PROCESSING: QColor("#2f80ed"),
    JobStatus.COMPLETED: QColor("#27ae60"),
    JobStatus.FAILED: QColor("#eb5757"),
    JobStatus.DEAD: QColor("#9b2c2c"),
}


class JobsModel(IdListModel):
    columns = COLUMNS
    # Jobs by state, read with the rows: the header above the table and the rows agree
    # (counted apart, they disagreed for the 300 ms the rows wait to be read again).
    countsChanged = Signal(dict)

    def __init__(
        self,
        jobs: JobService,
        subjects: JobSubjects,
        live: LiveProgress,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.live = live
        self.subjects = subjects
        self.status: JobStatus | None = None
        self.job_type: str | None = None
        self.media_file_id: str | None = None
        self._views: dict[str, JobView] = {}
        self._names: dict[str, str] = {}
        self._resync = Throttle(300, self.resync, self)

    # Filters and fetching -----------------------------------------------------------

    def set_filters(
        self, status: JobStatus | None, job_type: str | None, media_file_id: str | None = None
    ) -> None:
        self.status, self.job_type, self.media_file_id = status, job_type, media_file_id
        page = self._page(0, PAGE)
        self._views = {j.id: j for j in page.items}
        self._names.clear()  # a title edited since is read again
        self._remember_names(page.items)
        self.reset_ids([j.id for j in page.items], page.total)
        self.countsChanged.emit(self.jobs.counts())

    def fetchMore(self, parent: AnyIndex) -> None:
        page = self._page(len(self._ids), PAGE)
        fresh = [j for j in page.items if j.id not in self._views]
        self._views.update({j.id: j for j in fresh})
        self._remember_names(fresh)
        self.append_ids([j.id for j in fresh])

    def _page(self, offset: int, limit: int) -> Page[JobView]:
        return self.jobs.list_jobs(
            status=self.status,
            job_type=self.job_type,
            media_file_id=self.media_file_id,
            offset=offset,
            limit=limit,
        )

    def _remember_names(self, views: list[JobView]) -> None:
        # What each job is about, by job id (a title does not change under a row).
        self._names.update(self.subjects.of(v for v in views if v.id not in self._names))

    # Rows -------------------------------------------------------------------------

    def job(self, row: int) -> JobView | None:
        job_id = self.id_at(row)
        return self._views.get(job_id) if job_id is not None else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self.job(index.row())
        if job is None:
            return None
        col = index.column()
        progress, eta_s = self.live.of(job)
        if role == JOB_ROLE:
            return job
        if role == PROGRESS_ROLE and col == COL_PROGRESS:
            return (progress or 0.0) if job.status == JobStatus.PROCESSING else None
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return STATE_COLORS.get(job.status)
        if role == Qt.ItemDataRole.ToolTipRole and col == 7:
            return job.error_message
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 0:
            return words.job_type(job.type)
        if col == 1:
            return words.job_state(
                job.status, cancel_requested=job.cancel_requested, error_code=job.error_code
            )
        if col == COL_PROGRESS:
            return percent(progress) if job.status == JobStatus.PROCESSING else ""
        if col == 3:
            if job.status == JobStatus.PROCESSING:
                return eta(eta_s)
            if job.status.is_terminal and job.started_at and job.completed_at:
                return took((job.completed_at - job.started_at).total_seconds())
            return ""
        if col == 4:
            return self._names.get(job.id, job.media_file_id or "")
        if col == 5:
            return f"{job.attempts}/{job.max_attempts}"
        if col == 6:
            return job.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return job.error_message or job.error_code or ""

    # Events -----------------------------------------------------------------------

    def on_progress(self, event: JobProgress) -> None:
        """Redraw the row the event is about (``live`` has taken the event already)."""
        row = self.row_of(event.job_id) if event.job_id in self._views else None
        if row is not None:
            self.dataChanged.emit(self.index(row, COL_PROGRESS), self.index(row, 3))

    def schedule_resync(self) -> None:
        self._resync.poke()

    def resync(self) -> None:
        limit = max(len(self._ids) + 20, PAGE)
        page = self._page(0, limit)
        fresh = {j.id: j for j in page.items}
        changed = [jid for jid, v in fresh.items() if jid in self._views and self._views[jid] != v]
        self._views.update(fresh)
        for jid in changed:
            if fresh[jid].status != JobStatus.PROCESSING:
                self.live.forget(jid)
        self._remember_names(page.items)

        new_ids = [j.id for j in page.items]
        if len(self._ids) > len(new_ids) and len(new_ids) == page.limit:
            # Rows past the last page the service hands out stay as they are.
            seen = set(new_ids)
            new_ids += [i for i in self._ids[len(new_ids) :] if i not in seen]
        self.sync(new_ids, page.total)
        for jid in changed:
            row = self.row_of(jid)
            if row is not None:
                self.emit_row_changed(row)
        self.countsChanged.emit(self.jobs.counts())
