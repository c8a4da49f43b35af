"""The presets browser: every preset file by kind, its parameters, or why it is invalid."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.domain.parameter_words import item_name, parameter_name, parameter_value
from mediadesk.services.presets import PresetEntry, browse_presets
from ui.widgets import Collapsible, label, named

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


def parameter_items(parent: QTreeWidget | QTreeWidgetItem, values: Any, key: str = "") -> None:
    """Nested parameters as a tree in people's words: objects (and lists of them, such
    as a ladder's rungs) open up, scalars show their value with its unit; each row's
    tooltip is the key as the preset file spells it."""
    if isinstance(values, dict) or (
        isinstance(values, list) and values and all(isinstance(v, dict) for v in values)
    ):
        node = parent
        if key:
            node = QTreeWidgetItem(parent, [parameter_name(key), ""])
            node.setToolTip(0, key)
        children = (
            values.items()
            if isinstance(values, dict)
            else ((item_name(i, v), v) for i, v in enumerate(values))
        )
        for child_key, value in children:
            parameter_items(node, value, str(child_key))
        if isinstance(node, QTreeWidgetItem):
            node.setExpanded(True)
    else:
        item = QTreeWidgetItem(parent, [parameter_name(key), parameter_value(key, values)])
        item.setToolTip(0, key)


class PresetsDialog(QDialog):
    def __init__(self, root: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetsDialog")
        self.setWindowTitle("Presets")
        self.resize(900, 560)
        self.root = root
        self.entries: list[PresetEntry] = []
        self.list = named(QTreeWidget(), "presetList")
        self.list.setHeaderLabels(["Preset", "Version"])
        self.list.setColumnWidth(0, 240)
        self.title = label(name="presetTitle", wrap=True)
        self.error = label(name="presetError", wrap=True)
        self.error.setStyleSheet("color: #eb5757")
        self.params = named(QTreeWidget(), "presetParams")
        self.params.setHeaderLabels(["Parameter", "Value"])
        self.params.setColumnWidth(0, 220)
        self.raw = QPlainTextEdit(readOnly=True)
        self.raw.setFont(QFont("monospace", 9))
        self.raw.setMinimumHeight(180)
        self.file = Collapsible("The preset file", self.raw)
        revalidate = QPushButton("Validate again")
        revalidate.clicked.connect(self.reload)
        self.summary = QLabel()

        right = QWidget()
        r = QVBoxLayout(right)
        r.setContentsMargins(0, 0, 0, 0)
        r.addWidget(self.title)
        r.addWidget(self.error)
        r.addWidget(self.params, 1)
        r.addWidget(self.file)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([380, 520])
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(revalidate)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.list.currentItemChanged.connect(self._selected)
        self.reload()

    def reload(self) -> None:
        self.entries = browse_presets(self.root)
        self.list.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for entry in self.entries:
            kind = words.preset_kind(entry.kind)
            group = groups.get(kind)
            if group is None:
                group = groups[kind] = QTreeWidgetItem(self.list, [kind, ""])
                group.setExpanded(True)
            item = QTreeWidgetItem(group, [entry.title, str(entry.version or "")])
            item.setData(0, ENTRY_ROLE, entry)
            item.setToolTip(0, entry.id)
            if not entry.valid:
                item.setForeground(0, QColor("#eb5757"))
                item.setToolTip(0, entry.error or "")
        self.list.resizeColumnToContents(0)
        group = self.list.topLevelItem(0)
        first = group.child(0) if group is not None else None
        if first is not None:
            self.list.setCurrentItem(first)  # a preset shown, not an empty pane
        bad = sum(1 for e in self.entries if not e.valid)
        self.summary.setText(
            f"{words.counted(len(self.entries), 'preset')}, {bad} invalid"
            if self.entries
            else "No presets found."
        )

    def _selected(self, item: QTreeWidgetItem | None, _prev: object) -> None:
        entry: PresetEntry | None = item.data(0, ENTRY_ROLE) if item is not None else None
        self.params.clear()
        if entry is None:
            self.title.clear()
            self.error.clear()
            self.raw.clear()
            return
        self.title.setText(
            f"<b>{html.escape(entry.title)}</b> · version {entry.version or '?'}"
            f"<br>{html.escape(entry.description)}<br><small>{html.escape(entry.id)}</small>"
        )
        self.error.setText(entry.error or "")
        parameter_items(self.params, entry.parameters)
        self.params.resizeColumnToContents(0)
        try:
            self.raw.setPlainText(Path(entry.path).read_text(encoding="utf-8"))
        except OSError as exc:
            self.raw.setPlainText(str(exc))
