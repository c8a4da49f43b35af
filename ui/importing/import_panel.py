"""The imports dock: one row per import with progress and result, and what to do.

It shows itself while something is importing and hides again once everything is done
(a failure has raised a notification by then, and stays listed with its reason here
and under the sidebar's "Failed" node). Cancel, retry and remove act on the job
records, so another shell sees the same.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediadesk.services.imports import ImportView
from ui.importing.imports_model import COL_PROGRESS, ImportsModel
from ui.progress_delegate import ProgressDelegate
from ui.shell import Shell
from ui.tasks import for_each
from ui.widgets import label, named

HIDE_DELAY_MS = 1500  # long enough to see the last one finish


class ImportPanel(QWidget):
    def __init__(self, shell: Shell, model: ImportsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPanel")
        self.shell = shell
        self.model = model
        self.table = named(QTableView(), "importsTable")
        self.table.setModel(model)
        self.table.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((260, 160, 200)):
            self.table.setColumnWidth(col, width)
        self.summary = label(name="importSummary")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        imports = shell.runtime.imports
        for name, action, wanted in (
            ("Cancel", imports.cancel, lambda i: i.active),
            ("Retry", imports.retry, lambda i: i.failed),
            ("Remove from list", imports.dismiss, lambda i: not i.active),
        ):
            button = QPushButton(name)
            button.clicked.connect(lambda _c=False, a=action, w=wanted: self._apply(a, w))
            row.addWidget(button)
            self.buttons[name] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(row)
        model.reloaded.connect(self._summarize)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    def selected(self) -> list[ImportView]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [item for r in rows if (item := self.model.item(r)) is not None]

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.buttons["Cancel"].setEnabled(any(i.active for i in chosen))
        self.buttons["Retry"].setEnabled(any(i.failed for i in chosen))
        self.buttons["Remove from list"].setEnabled(any(not i.active for i in chosen))

    def _apply(self, action: Callable[[str], object], wanted: Callable[[ImportView], bool]) -> None:
        ids = [i.id for i in self.selected() if wanted(i)]

        def done(problems: list[str]) -> None:
            if problems:
                self.summary.setText("; ".join(problems))
            self.model.schedule()

        self.shell.tasks.run(for_each(action, ids), done, owner=self)

    def _summarize(self) -> None:
        counts: dict[str, int] = {}
        for item in self.model.items:
            counts[item.state] = counts.get(item.state, 0) + 1
        self.summary.setText(" · ".join(f"{n} {state.lower()}" for state, n in counts.items()))
        self._update_buttons()


class ImportDock(QDockWidget):
    """The panel in a dock that comes and goes with the work."""

    importFailed = Signal(object)  # ImportView
    imported = Signal(str)  # media file id of a finished import

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__("Imports", parent)
        self.setObjectName("importDock")
        self.model = ImportsModel(shell.runtime.imports, self)
        self.panel = ImportPanel(shell, self.model)
        self.setWidget(self.panel)
        self.suppressed = False  # full screen: never pop up
        self.hide_delay_ms = HIDE_DELAY_MS
        self._busy = False
        self._hide = QTimer(self, singleShot=True)
        self._hide.timeout.connect(self._hide_if_idle)
        bridge = shell.bridge
        bridge.jobEnqueued.connect(self.model.on_job_event)
        bridge.jobStateChanged.connect(self.model.on_job_event)
        bridge.jobProgress.connect(self.model.on_progress)
        self.model.reloaded.connect(self._follow_work)
        self.model.importFailed.connect(self.importFailed)
        self.model.importDone.connect(self._done)

    def _done(self, item: ImportView) -> None:
        if item.media_file_id:
            self.imported.emit(item.media_file_id)

    def _follow_work(self) -> None:
        busy = self.model.active_count > 0
        if busy:
            self._hide.stop()
            if not self._busy and not self.suppressed:
                self.show()
        elif self._busy:
            self._hide.start(self.hide_delay_ms)
        self._busy = busy

    def _hide_if_idle(self) -> None:
        if self.model.active_count == 0:
            self.hide()
