"""Tools > Storage: where the library's bytes go (originals, each kind of output, each
streaming version, per hour of media), read in the pool and shown in people's words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.library.views import StorageStats
from ui import format as fmt
from ui.tasks import TaskRunner, describe
from ui.widgets import named

GB = 1_000_000_000


def per_hour(value: int | None) -> str:
    return f"{fmt.size(value)} per hour" if value is not None else "—"


def fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    # The names take the room left; the figures keep their own width.
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    fit_rows(table)


def fit_rows(table: QTableWidget, most: int = 14) -> None:
    """As tall as its rows (up to ``most``, then it scrolls): a short list leaves no
    empty box and a longer one is not cut to a few lines with room to spare below."""
    rows = max(1, min(table.rowCount(), most))
    height = (
        table.horizontalHeader().sizeHint().height()
        + rows * table.verticalHeader().defaultSectionSize()
        + 2 * table.frameWidth()
    )
    table.setFixedHeight(height)


class StorageDialog(QDialog):
    def __init__(
        self, tasks: TaskRunner, load: Callable[[], StorageStats], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("storageDialog")
        self.setWindowTitle("Storage")
        self.resize(720, 560)
        self.summary = named(QLabel("Reading the library…", wordWrap=True), "storageSummary")
        self.outputs = named(QTableWidget(), "storageOutputs")
        self.renditions = named(QTableWidget(), "storageRenditions")
        self.ladder = named(QLabel(wordWrap=True), "storageLadder")
        for table in (self.outputs, self.renditions):
            table.verticalHeader().setVisible(False)
            # One line a row, and the table as wide as the dialog.
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("Outputs"))
        layout.addWidget(self.outputs)
        layout.addWidget(QLabel("Streaming versions"))
        layout.addWidget(self.renditions)
        layout.addWidget(self.ladder)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.stats: StorageStats | None = None
        tasks.run(load, self.show_stats, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(f"Could not read the library: {describe(exc)}")

    def show_stats(self, stats: StorageStats) -> None:
        self.stats = stats
        self.summary.setText(stats.summary)
        fill(
            self.outputs,
            ["Output", "Size", "Files"],
            [[o.label, fmt.size(o.bytes), str(o.files)] for o in stats.outputs],
        )
        fill(
            self.renditions,
            ["Version", "Titles", "Size", "Per hour", "Picture"],
            [
                [
                    r.name,
                    str(r.titles),
                    fmt.size(r.bytes),
                    per_hour(r.bytes_per_hour),
                    r.picture or "—",
                ]
                for r in stats.renditions
            ],
        )
        self.ladder.setText(stats.ladder_summary)
