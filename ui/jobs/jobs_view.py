"""The jobs tab: filters, the live table, and cancel / retry / replay / purge / log."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import JobStatus
from mediadesk.events import JobEnqueued, JobStateChanged
from mediadesk.jobs.views import JobView
from ui.icons import icon
from ui.jobs.jobs_model import COL_PROGRESS, JOB_ROLE, JobsModel
from ui.progress_delegate import ProgressDelegate
from ui.shell import Shell
from ui.tasks import for_each
from ui.widgets import label, named

WIDTHS = [150, 90, 140, 90, 240, 50, 150]
BUTTON_ICONS = {
    "Cancel": "cancel",
    "Retry": "rerun",
    "Replay": "rerun",
    "Purge": "delete",
    "Show log": "log",
}


class JobsView(QWidget):
    logRequested = Signal(str)  # job id

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobsView")
        self.shell = shell
        self.confirm_purge = True
        rt = shell.runtime
        self.model = JobsModel(rt.jobs, rt.subjects, shell.progress, self)
        self.model.countsChanged.connect(self._show_counts)

        self.state_filter = named(QComboBox(), "jobStateFilter")
        self.state_filter.addItem("All states", None)
        for status in JobStatus:
            self.state_filter.addItem(words.job_status(status), status)
        self.type_filter = named(QComboBox(), "jobTypeFilter")
        self.type_filter.addItem("All steps", None)
        for name in sorted(rt.registry.names(), key=words.job_type):
            self.type_filter.addItem(words.job_type(name), name)
        self.media_filter = named(QPushButton(), "jobMediaFilter")
        self.media_filter.setIcon(icon("cancel"))
        self.media_filter.setToolTip("Show the jobs of every file")
        self.media_filter.hide()
        self.media_filter.clicked.connect(lambda: self.show_media(None))
        self.media_id: str | None = None
        self.counts = label(name="jobCounts")
        top = QHBoxLayout()
        top.addWidget(self.state_filter)
        top.addWidget(self.type_filter)
        top.addWidget(self.media_filter)
        top.addStretch(1)
        top.addWidget(self.counts)

        self.table = named(QTableView(), "jobsTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        for col, width in enumerate(WIDTHS):
            self.table.setColumnWidth(col, width)

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for name, slot in (
            ("Cancel", self.cancel_selected),
            ("Retry", self.retry_selected),
            ("Replay", self.replay_selected),
            ("Purge", self.purge_selected),
            ("Show log", self.log_selected),
        ):
            button = QPushButton(icon(BUTTON_ICONS[name]), name)
            button.clicked.connect(slot)
            actions.addWidget(button)
            self.buttons[name] = button
        actions.addStretch(1)
        self.message = label(name="jobsMessage", wrap=True)
        actions.addWidget(self.message, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.state_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.type_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.model.dataChanged.connect(lambda *_a: self._update_buttons())
        bridge = shell.bridge
        bridge.jobProgress.connect(self.model.on_progress)
        bridge.jobEnqueued.connect(self._job_event)
        bridge.jobStateChanged.connect(self._job_event)
        self._update_buttons()

    def reload(self) -> None:
        self.model.set_filters(
            self.state_filter.currentData(), self.type_filter.currentData(), self.media_id
        )
        self._update_buttons()

    def show_media(self, media_id: str | None, title: str = "") -> None:
        """Only this file's jobs (``None``: every file's)."""
        self.media_id = media_id
        self.media_filter.setText(f"Only “{title}”" if media_id else "")
        self.media_filter.setVisible(media_id is not None)
        self.reload()

    def _job_event(self, _event: JobEnqueued | JobStateChanged) -> None:
        self.model.schedule_resync()  # the counts come with the rows (countsChanged)

    def _show_counts(self, counts: dict[str, int]) -> None:
        # The same words and the same count of waiting jobs as the status bar.
        self.counts.setText(
            " · ".join(f"{n} {words.job_status(s).lower()}" for s, n in counts.items() if n)
        )

    # Selection and actions ----------------------------------------------------------

    def selected_jobs(self) -> list[JobView]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [j for r in rows if (j := self.model.job(r)) is not None]

    def select_job(self, job_id: str) -> bool:
        row = self.model.row_of(job_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _update_buttons(self) -> None:
        jobs = self.selected_jobs()
        terminal = [j for j in jobs if j.status.is_terminal]
        self.buttons["Cancel"].setEnabled(any(not j.status.is_terminal for j in jobs))
        self.buttons["Retry"].setEnabled(
            any(j.status in (JobStatus.FAILED, JobStatus.DEAD) for j in jobs)
        )
        self.buttons["Replay"].setEnabled(bool(terminal))
        self.buttons["Purge"].setEnabled(bool(terminal))
        self.buttons["Show log"].setEnabled(len(jobs) == 1)

    def _apply(self, verb: str, action: Callable[[str], object], jobs: list[JobView]) -> None:
        ids = [j.id for j in jobs]

        def done(problems: list[str]) -> None:
            if problems:
                self.message.setText(f"Could not {verb}: " + "; ".join(problems))
            else:
                self.message.setText(f"{verb.title()}: {words.counted(len(ids), 'job')}")
            self.model.schedule_resync()

        self.shell.tasks.run(for_each(action, ids), done, owner=self)

    def cancel_selected(self) -> None:
        jobs = [j for j in self.selected_jobs() if not j.status.is_terminal]
        self._apply("cancel", self.shell.runtime.jobs.cancel, jobs)

    def retry_selected(self) -> None:
        jobs = [j for j in self.selected_jobs() if j.status in (JobStatus.FAILED, JobStatus.DEAD)]
        self._apply("retry", self.shell.runtime.jobs.retry, jobs)

    def replay_selected(self) -> None:
        jobs = [j for j in self.selected_jobs() if j.status.is_terminal]
        self._apply("replay", self.shell.runtime.jobs.replay, jobs)

    def purge_selected(self) -> None:
        jobs = [j for j in self.selected_jobs() if j.status.is_terminal]
        if not jobs:
            return
        if self.confirm_purge:
            answer = QMessageBox.question(
                self,
                "Purge jobs",
                f"Remove {words.counted(len(jobs), 'finished job')} with their logs?"
                " Their outputs stay.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._apply("purge", self.shell.runtime.jobs.purge, jobs)

    def log_selected(self) -> None:
        jobs = self.selected_jobs()
        if len(jobs) == 1:
            self.logRequested.emit(jobs[0].id)

    def _double_clicked(self, index: QModelIndex) -> None:
        job: JobView | None = index.data(JOB_ROLE)
        if job is not None:
            self.logRequested.emit(job.id)
