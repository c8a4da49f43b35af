"""The status bar: worker activity, the server address, and the latest problem."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QStatusBar, QWidget

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import JobStatus
from mediadesk.events import JobProgress
from mediadesk.jobs.views import JobView
from mediadesk.services.imports import IMPORT_TYPES
from ui.format import percent
from ui.shell import Shell
from ui.throttle import Throttle
from ui.widgets import label


@dataclass(frozen=True)
class Activity:
    counts: dict[str, int]
    running: list[JobView]


class ActivityBar(QStatusBar):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.shell = shell
        self.workers = label(name="workerActivity")
        self.server = label(name="serverLabel")
        self.addPermanentWidget(self.workers)
        self.addPermanentWidget(self.server)
        self.workers.setText("Workers: starting…")
        self.server.setText("")
        self._refresh = Throttle(500, self.refresh, self)
        self._shown: Activity | None = None
        bridge = shell.bridge
        for signal in (bridge.jobEnqueued, bridge.jobStateChanged):
            signal.connect(lambda _e: self.schedule())
        bridge.jobProgress.connect(self._progress)
        shell.workersStarted.connect(self.refresh)
        shell.serverStarted.connect(lambda url: self.server.setText(f"Server: {url}"))
        shell.problem.connect(lambda text: self.showMessage(text, 15_000))

    def _progress(self, event: JobProgress) -> None:
        shown = self._shown
        if shown is not None and any(j.id == event.job_id for j in shown.running):
            # A running job's percent needs no query: redrawn now, it reads what the
            # jobs table (patched by the same event) reads.
            self._show(shown)
        else:
            self.schedule()

    def schedule(self) -> None:
        self._refresh.poke()

    def refresh(self) -> None:
        jobs = self.shell.runtime.jobs

        def load() -> Activity:
            running = jobs.list_jobs(status=JobStatus.PROCESSING, limit=10).items
            return Activity(jobs.counts(), running)

        self.shell.tasks.run(load, self._show, owner=self)

    def _show(self, activity: Activity) -> None:
        self._shown = activity
        rt = self.shell.runtime
        # Imports run on lanes of their own, beside the workers: counted apart (the
        # imports dock shows them).
        working = [j for j in activity.running if j.type not in IMPORT_TYPES]
        if not rt.workers_running:
            head = "Workers: not running"
            if self.shell.workers_error:
                head += f" ({self.shell.workers_error})"
        else:
            head = f"Workers: {len(working)}/{rt.settings.workers} busy"
            importing = len(activity.running) - len(working)
            if importing:
                head += f" · {importing} importing"
        c = activity.counts
        parts = [head]
        waiting = words.waiting_count(c)
        if waiting:
            parts.append(f"{waiting} {words.job_status('PENDING').lower()}")
        for status in ("FAILED", "DEAD"):
            if c.get(status):
                parts.append(f"{c[status]} {words.job_status(status).lower()}")
        for job in working[:3]:
            progress, _eta = self.shell.progress.of(job)
            parts.append(f"{words.job_type(job.type)} {percent(progress)}".strip())
        self.workers.setText(" · ".join(parts))
