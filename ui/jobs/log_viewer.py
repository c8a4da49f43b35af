"""A job's log viewer: attempts, the exact commands (copyable), stdout and stderr.

The selected attempt's streams are followed live while the job runs. Commands are
recorded on the attempt when it ends; while it runs, the ``$ command`` lines the
process runner writes at the top of the stderr log stand in for them.
"""

from __future__ import annotations

import shlex

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.events import JobProgress, JobStateChanged
from mediadesk.jobs.views import AttemptView, JobView
from ui.format import percent
from ui.jobs.log_follower import LogFollower
from ui.shell import Shell
from ui.throttle import Throttle
from ui.widgets import label, named

MAX_LINES = 20_000
ATTEMPT_ROLE = Qt.ItemDataRole.UserRole + 1


class LogPane(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFont("monospace", 9))
        self.follow = True

    def append_text(self, text: str) -> None:
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if self.follow and at_end:
            bar.setValue(bar.maximum())


def attempt_label(a: AttemptView) -> str:
    took = ""
    if a.finished_at is not None:
        took = f" · {(a.finished_at - a.started_at).total_seconds():.1f}s"
    encoder = f" · {a.encoder}" if a.encoder else ""
    return f"#{a.number} {words.attempt_outcome(a.outcome)}{encoder}{took}"


class JobLogViewer(QDialog):
    def __init__(self, shell: Shell, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobLogViewer")
        self.setWindowTitle(f"Job log · {job_id}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(980, 640)
        self.shell = shell
        self.job_id = job_id
        self.job: JobView | None = None
        self.attempt: int | None = None
        self.followers: dict[str, LogFollower] = {}
        self._running_commands: list[str] = []
        self._opened = False

        self.header = label(name="logHeader", wrap=True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.attempts = named(QListWidget(), "attemptList")
        self.commands = named(QPlainTextEdit(readOnly=True), "commandText")
        self.commands.setFont(QFont("monospace", 9))
        self.commands.setMaximumHeight(110)
        self.copy_button = QPushButton("Copy command")
        self.copy_button.clicked.connect(self.copy_command)
        self.stderr = LogPane()
        self.stderr.setObjectName("stderrPane")
        self.stdout = LogPane()
        self.stdout.setObjectName("stdoutPane")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.stderr, "stderr")
        self.tabs.addTab(self.stdout, "stdout")
        self.status = label(name="followStatus")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        command_row = QHBoxLayout()
        command_row.addWidget(QLabel("Commands"))
        command_row.addStretch(1)
        command_row.addWidget(self.copy_button)
        right_layout.addLayout(command_row)
        right_layout.addWidget(self.commands)
        right_layout.addWidget(self.tabs, 1)
        split = QSplitter()
        split.addWidget(self.attempts)
        split.addWidget(right)
        split.setSizes([200, 780])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

        self.attempts.currentItemChanged.connect(self._attempt_selected)
        shell.bridge.jobStateChanged.connect(self._job_state)
        shell.bridge.jobProgress.connect(self._job_progress)
        self._refresh = Throttle(200, self.reload, self)
        self.reload()

    # Job and attempts ---------------------------------------------------------------

    def reload(self) -> None:
        self.job = self.shell.runtime.jobs.get(self.job_id)
        self._show_header()
        history = self.job.attempt_history or []
        selected = self.attempt
        latest = history[-1].number if history else None
        follow_latest = selected is None or selected == self._latest_shown()
        self.attempts.blockSignals(True)
        self.attempts.clear()
        for a in history:
            item = QListWidgetItem(attempt_label(a))
            item.setData(ATTEMPT_ROLE, a.number)
            tip = f"{a.worker} on {a.host}, started {a.started_at.astimezone():%H:%M:%S}"
            if a.error_message:
                tip += f"\n{a.error_code}: {a.error_message}"
            item.setToolTip(tip)
            self.attempts.addItem(item)
        target = latest if follow_latest else selected
        for row in range(self.attempts.count()):
            if self.attempts.item(row).data(ATTEMPT_ROLE) == target:
                self.attempts.setCurrentRow(row)
                break
        self.attempts.blockSignals(False)
        if target != self.attempt or not self._opened:
            self._open_attempt(target)
        else:
            self._show_commands()

    def _latest_shown(self) -> int | None:
        count = self.attempts.count()
        return self.attempts.item(count - 1).data(ATTEMPT_ROLE) if count else None

    def _show_header(self) -> None:
        job = self.job
        assert job is not None
        parts = [
            f"<b>{words.job_type(job.type)}</b> · {words.job_status(job.status)}",
            f"tries {job.attempts}/{job.max_attempts}",
        ]
        progress, _eta = self.shell.progress.of(job)  # as the jobs table says it
        if progress is not None:
            parts.append(percent(progress))
        if job.error_code:
            parts.append(
                f"<span style='color:#eb5757'>{job.error_code}: {job.error_message}</span>"
            )
        self.header.setText(" · ".join(parts) + f"<br><small>{job.id}</small>")

    def _attempt_selected(self, item: QListWidgetItem | None, _prev: object) -> None:
        if item is not None:
            self._open_attempt(item.data(ATTEMPT_ROLE))

    def _attempt_view(self) -> AttemptView | None:
        for a in (self.job.attempt_history if self.job else None) or []:
            if a.number == self.attempt:
                return a
        return None

    def _is_live(self) -> bool:
        job = self.job
        if job is None or job.status.is_terminal:
            return False
        view = self._attempt_view()
        return view is None or view.finished_at is None

    # Logs -------------------------------------------------------------------------

    def _open_attempt(self, number: int | None) -> None:
        for follower in self.followers.values():
            follower.stop()
            follower.deleteLater()
        self.followers.clear()
        self.attempt = number
        self._opened = True
        self._running_commands = []
        self.stderr.clear()
        self.stdout.clear()
        self._show_commands()
        if number is None:
            self.status.setText("No attempt yet: the job is waiting for a worker.")
            return
        for stream, pane in (("stderr", self.stderr), ("stdout", self.stdout)):
            follower = LogFollower(
                self.shell.runtime.jobs, self.job_id, number, stream, self._is_live, self
            )
            follower.text.connect(pane.append_text)
            if stream == "stderr":
                follower.text.connect(self._collect_commands)
            follower.skipped.connect(
                lambda n, p=pane: p.append_text(f"… {n:,} earlier bytes not shown …\n")
            )
            follower.finished.connect(self._follow_state)
            self.followers[stream] = follower
        for follower in self.followers.values():
            follower.start()
        self._follow_state()

    def _collect_commands(self, text: str) -> None:
        attempt = self._attempt_view()
        if attempt is not None and attempt.commands:
            return
        found = [line[2:] for line in text.splitlines() if line.startswith("$ ")]
        if found:
            self._running_commands.extend(found)
            self._show_commands()

    def _show_commands(self) -> None:
        attempt = self._attempt_view()
        if attempt is not None and attempt.commands:
            lines = [
                f"$ {shlex.join(c.argv)}\n  → exit {c.exit_code} in {c.duration_s:.1f}s"
                + (" (cancelled)" if c.cancelled else "")
                + (" (timed out)" if c.timed_out else "")
                for c in attempt.commands
            ]
            self.commands.setPlainText("\n".join(lines))
        elif self._running_commands:
            self.commands.setPlainText("\n".join(f"$ {c}" for c in self._running_commands))
        else:
            self.commands.setPlainText("(no process run yet)")
        self.copy_button.setEnabled(bool(self.command_lines()))

    def command_lines(self) -> list[str]:
        attempt = self._attempt_view()
        if attempt is not None and attempt.commands:
            return [shlex.join(c.argv) for c in attempt.commands]
        return list(self._running_commands)

    def copy_command(self) -> None:
        lines = self.command_lines()
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))
            self.status.setText("Command copied to the clipboard.")

    def _follow_state(self) -> None:
        live = any(f.following for f in self.followers.values())
        self.status.setText("Following the live log…" if live else "Log complete.")

    # Events -----------------------------------------------------------------------

    def _job_state(self, event: JobStateChanged) -> None:
        if event.job_id == self.job_id:
            self._refresh.poke()

    def _job_progress(self, event: JobProgress) -> None:
        if event.job_id == self.job_id and self.job is not None:
            self._show_header()

    def done(self, result: int) -> None:
        for follower in self.followers.values():
            follower.stop()
        super().done(result)
