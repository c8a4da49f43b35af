"""Search, kind and status filters, and the grid/table switch above the media list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from mediadesk.domain.enums import MediaKind, MediaStatus
from ui.widgets import tool_button

GRID, TABLE = 0, 1


class FilterBar(QWidget):
    filtersChanged = Signal(dict)  # MediaFilter fields: search, kind, status
    viewModeChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(placeholderText="Search titles and file names…")
        self.search.setObjectName("searchField")
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.addItem("Any kind", None)
        for kind in MediaKind:
            self.kind.addItem(kind.value.title(), kind)
        self.status = QComboBox()
        self.status.addItem("Any state", None)
        for status in MediaStatus:
            self.status.addItem(status.value.title(), status)
        self.grid_button = tool_button("Grid", checkable=True, checked=True)
        self.table_button = tool_button("Table", checkable=True)
        self.grid_button.setObjectName("gridButton")
        self.table_button.setObjectName("tableButton")
        modes = QButtonGroup(self)
        modes.setExclusive(True)
        modes.addButton(self.grid_button, GRID)
        modes.addButton(self.table_button, TABLE)
        modes.idClicked.connect(self.viewModeChanged.emit)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.kind)
        layout.addWidget(self.status)
        layout.addSpacing(12)
        layout.addWidget(self.grid_button)
        layout.addWidget(self.table_button)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.kind.currentIndexChanged.connect(lambda _i: self._emit())
        self.status.currentIndexChanged.connect(lambda _i: self._emit())

    def values(self) -> dict[str, Any]:
        return {
            "search": self.search.text().strip() or None,
            "kind": self.kind.currentData(),
            "status": self.status.currentData(),
        }

    def _emit(self) -> None:
        self._debounce.stop()
        self.filtersChanged.emit(self.values())
