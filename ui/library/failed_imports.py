"""Imports that failed, listed under the sidebar's "Failed" node: why, and what to do.

A failed import has no media file, so the grid cannot show it; this list above the
grid does, with the core's reason and next step, and Retry / Remove from list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.events import JobStateChanged
from mediadesk.services.imports import IMPORT_TYPES, ImportView
from ui.shell import Shell
from ui.tasks import for_each
from ui.throttle import Throttle
from ui.widgets import label, named

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class FailedImports(QWidget):
    changed = Signal()  # an import was retried or removed: counts moved

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("failedImports")
        self.shell = shell
        self.active = False
        self.items: list[ImportView] = []
        self.title = label(name="failedImportsTitle")
        self.tree = named(QTreeWidget(), "failedImportsList")
        self.tree.setHeaderLabels(["File", "Why", "What to do"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(1, 300)
        self.tree.setMaximumHeight(160)
        imports = shell.runtime.imports
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        for name, action in (("Retry", imports.retry), ("Remove from list", imports.dismiss)):
            button = QPushButton(name)
            button.clicked.connect(lambda _c=False, a=action: self._apply(a))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.tree)
        self.hide()
        self._reload = Throttle(300, self.reload, self)
        shell.bridge.jobStateChanged.connect(self._job_changed)

    def set_active(self, active: bool) -> None:
        """Shown only under the Failed node, and only when an import failed."""
        self.active = active
        if active:
            self.reload()
        else:
            self.hide()

    def _job_changed(self, event: JobStateChanged) -> None:
        if self.active and event.job_type in IMPORT_TYPES:
            self._reload.poke()

    def reload(self) -> None:
        imports = self.shell.runtime.imports
        self.shell.tasks.run(lambda: imports.list(failed_only=True), self._show, owner=self)

    def _show(self, items: list[ImportView]) -> None:
        self.items = items
        self.tree.clear()
        for item in items:
            row = QTreeWidgetItem(
                self.tree, [item.name, item.error_message or "", item.next_step or ""]
            )
            row.setData(0, ID_ROLE, item.id)
            row.setToolTip(0, item.source)
            row.setToolTip(1, item.error_message or "")
            row.setToolTip(2, item.next_step or "")
        self.title.setText(f"{len(items)} import(s) failed")
        self.setVisible(self.active and bool(items))

    def _apply(self, action: Callable[[str], object]) -> None:
        ids = [i.data(0, ID_ROLE) for i in self.tree.selectedItems()]

        def done(problems: list[str]) -> None:
            self.reload()
            if problems:
                self.title.setText("Could not do that: " + "; ".join(problems))
            self.changed.emit()

        self.shell.tasks.run(for_each(action, ids), done, owner=self)
