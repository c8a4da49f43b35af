"""Search, kind and status filters, and the grid/table switch above the media list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.domain.enums import MediaKind, MediaStatus
from ui.icons import icon
from ui.widgets import named, tool_button

GRID, TABLE = 0, 1
SORTS = [
    ("Newest first", CatalogueSort.ADDED),
    ("Title", CatalogueSort.TITLE),
    ("Year", CatalogueSort.YEAR),
]


class FilterBar(QWidget):
    filtersChanged = Signal(dict)  # search, kind, status, sort
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
            self.kind.addItem(words.media_kind(kind), kind)
        self.status = QComboBox()
        self.status.addItem("Any state", None)
        for status in MediaStatus:
            self.status.addItem(words.media_status(status), status)
        self.sort = named(QComboBox(), "sortControl")
        self.sort.setToolTip(
            "Order of the files, and of the movies, series and albums in the sidebar"
        )
        for label, value in SORTS:
            self.sort.addItem(label, value)
        self.grid_button = tool_button("Grid", checkable=True, checked=True)
        self.table_button = tool_button("Table", checkable=True)
        self.grid_button.setObjectName("gridButton")
        self.table_button.setObjectName("tableButton")
        self.grid_button.setIcon(icon("grid"))
        self.table_button.setIcon(icon("table"))
        for button in (self.grid_button, self.table_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        modes = QButtonGroup(self)
        modes.setExclusive(True)
        modes.addButton(self.grid_button, GRID)
        modes.addButton(self.table_button, TABLE)
        modes.idClicked.connect(self.viewModeChanged.emit)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.kind)
        layout.addWidget(self.status)
        layout.addWidget(self.sort)
        layout.addSpacing(12)
        layout.addWidget(self.grid_button)
        layout.addWidget(self.table_button)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.kind.currentIndexChanged.connect(lambda _i: self._emit())
        self.status.currentIndexChanged.connect(lambda _i: self._emit())
        self.sort.currentIndexChanged.connect(lambda _i: self._emit())

    def values(self) -> dict[str, Any]:
        return {
            "search": self.search.text().strip() or None,
            "kind": self.kind.currentData(),
            "status": self.status.currentData(),
            "sort": self.sort.currentData(),
        }

    def _emit(self) -> None:
        self._debounce.stop()
        self.filtersChanged.emit(self.values())
