"""The imports panel: one row per file with a progress bar, result and cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from ui.format import size
from ui.importing.import_queue import ImportItem, ImportQueue, ItemState
from ui.progress_delegate import PROGRESS_ROLE, ProgressDelegate

COLUMNS = ["File", "Attach to", "Progress", "Result"]
FAILED_COLOR = QColor("#eb5757")
AnyIndex = QModelIndex | QPersistentModelIndex


def describe_target(item: ImportItem) -> str:
    target = item.request.target
    if isinstance(target, MovieTarget):
        return f"Movie: {target.title}"
    if isinstance(target, EpisodeTarget):
        return f"{target.series} S{target.season:02d}E{target.episode:02d}"
    return ""


class ImportModel(QAbstractTableModel):
    def __init__(self, imports: ImportQueue) -> None:
        super().__init__(imports)
        self.imports = imports
        self._rows = len(imports.items)
        imports.itemsAdded.connect(self._added)
        imports.itemChanged.connect(self._changed)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.imports.items[index.row()]
        col = index.column()
        if role == PROGRESS_ROLE and col == 2:
            if item.state == ItemState.COPYING or item.state in (
                ItemState.IMPORTED,
                ItemState.DUPLICATE,
            ):
                return item.percent or 0.0
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return item.request.label
            if col == 1:
                return describe_target(item)
            if col == 2:
                if item.state == ItemState.COPYING and item.total:
                    return f"{size(item.done)} of {size(item.total)}"
                return str(item.state)
            return f"{item.state}: {item.message}" if item.message else str(item.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.message or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and item.state == ItemState.FAILED:
            return FAILED_COLOR
        return None

    def _added(self, first: int, count: int) -> None:
        self.beginInsertRows(QModelIndex(), first, first + count - 1)
        self._rows = first + count
        self.endInsertRows()

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))


class ImportPanel(QWidget):
    def __init__(self, imports: ImportQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPanel")
        self.imports = imports
        self.model = ImportModel(imports)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(2, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(1, 160)
        self.table.setColumnWidth(2, 180)
        self.summary = QLabel()
        cancel = QPushButton("Cancel selected")
        cancel_all = QPushButton("Cancel all")
        cancel.clicked.connect(self._cancel_selected)
        cancel_all.clicked.connect(imports.cancel_all)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(cancel_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        imports.itemChanged.connect(lambda _r: self._summarize())
        imports.itemsAdded.connect(lambda _f, _c: self._summarize())

    def _cancel_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectionModel().selectedRows()}):
            self.imports.cancel(row)

    def _summarize(self) -> None:
        counts: dict[ItemState, int] = {}
        for item in self.imports.items:
            counts[item.state] = counts.get(item.state, 0) + 1
        self.summary.setText(" · ".join(f"{n} {state.lower()}" for state, n in counts.items()))
