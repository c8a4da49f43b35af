"""A desktop notification when a long job finishes (tray balloon, else the status bar)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from mediadesk.domain import vocabulary as words
from mediadesk.events import JobStateChanged
from mediadesk.jobs.views import JobView
from mediadesk.services.imports import IMPORT_TYPES
from ui.shell import Shell

LONG_JOB_S = 30.0


def describe_finish(job: JobView) -> str:
    name = words.job_type(job.type)
    if job.status == "COMPLETED":
        return f"{name} finished"
    return f"{name}: {words.job_status(job.status).lower()}: {job.error_message or job.error_code}"


class JobNotifier(QObject):
    notified = Signal(str, str)  # title, message (tests and the status bar listen)

    def __init__(self, shell: Shell, window: QWidget, icon: QIcon) -> None:
        super().__init__(window)
        self.shell = shell
        self.window = window
        self.min_seconds = LONG_JOB_S
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("MediaDesk")
            self.tray.show()
        shell.bridge.jobStateChanged.connect(self._state_changed)

    def _state_changed(self, event: JobStateChanged) -> None:
        if event.status not in ("COMPLETED", "FAILED", "DEAD"):
            return
        if event.job_type in IMPORT_TYPES:
            return  # the imports dock tells about imports, in its own words
        jobs = self.shell.runtime.jobs
        self.shell.tasks.run(
            lambda: jobs.get(event.job_id), self._finished, lambda _e: None, owner=self
        )

    def _finished(self, job: JobView) -> None:
        if job.started_at is None or job.completed_at is None:
            return
        if (job.completed_at - job.started_at).total_seconds() < self.min_seconds:
            return
        self.notify("MediaDesk", describe_finish(job), warning=job.status != "COMPLETED")

    def notify(self, title: str, message: str, warning: bool = False) -> None:
        """A tray balloon (when there is a tray), the taskbar's attention, and the signal."""
        if self.tray is not None:
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if warning
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(title, message, icon, 8000)
        QApplication.alert(self.window)
        self.notified.emit(title, message)
