"""Settings: library location, workers, encoder, server port and token; library folders.

Backed by the core's settings file through ``services.config.save_settings`` (which
validates first). A field set by a ``MEDIADESK_*`` variable is shown read-only,
since the file would not win over it. Changes apply on the next start. The "Library
folders" page (``folders_panel.py``) acts at once, through the running library.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.errors import MediaDeskError
from mediadesk.services.config import EditableSetting, editable_settings, save_settings
from mediadesk.services.folders import FolderService
from mediadesk.services.presets import ladder_choices
from mediadesk.settings import EncoderChoice, Settings
from ui.dialogs.folders_panel import FoldersPanel
from ui.tasks import TaskRunner
from ui.widgets import label

ENCODERS: list[str] = list(typing.get_args(EncoderChoice))
LABELS = {
    "storage": "Media storage",
    "workers": "Jobs at once",
    "encoder": "Video encoder",
    "server_port": "Server port (0 = any free port)",
    "server_token": "Access token (mediadesk serve)",
    "step_presets": "Encoding",
    "ladder_budget_gb_per_hour": "Streaming size cap",
}


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        folders: FolderService | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.resize(560, 0)
        self.home = settings.home
        self.fields = {f.name: f for f in editable_settings(settings)}

        self.storage = QLineEdit(str(self.fields["storage"].value))
        self.storage.setToolTip("Where originals and everything made from them are kept")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        storage_row = QHBoxLayout()
        storage_row.addWidget(self.storage, 1)
        storage_row.addWidget(browse)
        self.workers = QSpinBox(minimum=1, maximum=64, value=int(self.fields["workers"].value))
        self.encoder = QComboBox()
        for choice in ENCODERS:
            self.encoder.addItem(words.ENCODER[choice], choice)
        self.encoder.setCurrentIndex(max(0, ENCODERS.index(str(self.fields["encoder"].value))))
        self.port = QSpinBox(minimum=0, maximum=65535, value=int(self.fields["server_port"].value))
        self.token = QLineEdit(str(self.fields["server_token"].value or ""))
        self.token.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        # The app's own server has a new token every run, held by the app alone.
        self.token.setPlaceholderText("empty: serve makes one and saves it in mediadesk.toml")
        self.ladder, self.budget = self._ladder_widgets()
        self.message = label(name="settingsMessage", wrap=True)

        general = QWidget()
        form = QFormLayout(general)
        home = QLabel(f"Library data (database, settings, logs): {self.home}")
        home.setWordWrap(True)
        form.addRow(home)
        widgets: dict[str, QWidget | QHBoxLayout] = {
            "storage": storage_row,
            "workers": self.workers,
            "encoder": self.encoder,
            "server_port": self.port,
            "server_token": self.token,
            "step_presets": self.ladder,
            "ladder_budget_gb_per_hour": self.budget,
        }
        for name, widget in widgets.items():
            form.addRow(LABELS[name], widget)
            self._mark_override(self.fields[name], widget)
        self.message.setText("Changes apply the next time MediaDesk starts.")
        form.addRow(self.message)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, "General")
        self.folders: FoldersPanel | None = None
        if folders is not None and tasks is not None:
            self.folders = FoldersPanel(folders, tasks)
            self.tabs.addTab(self.folders, "Library folders")
            self.resize(820, 560)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        outer.addWidget(buttons)

    def _ladder_widgets(self) -> tuple[QComboBox, QDoubleSpinBox]:
        """How titles are encoded (the ``hls`` step's preset, by its title) and the cap
        on their size per hour of media (0: none)."""
        self.ladder_default, entries = ladder_choices()
        chosen = dict(self.fields["step_presets"].value or {}).get("hls") or self.ladder_default
        ladder = QComboBox()
        for entry in entries:
            ladder.addItem(entry.title, entry.id)
            ladder.setItemData(ladder.count() - 1, entry.description, Qt.ItemDataRole.ToolTipRole)
        ladder.setCurrentIndex(max(0, ladder.findData(chosen)))
        budget = QDoubleSpinBox(minimum=0.0, maximum=1000.0, decimals=1, singleStep=0.5)
        budget.setSuffix(" GB per hour of media")
        budget.setSpecialValueText("No cap")
        budget.setValue(float(self.fields["ladder_budget_gb_per_hour"].value or 0.0))
        budget.setToolTip(
            "Titles made by quality keep under this; the largest versions are left out first"
        )
        return ladder, budget

    def _mark_override(self, field: EditableSetting, widget: QWidget | QHBoxLayout) -> None:
        if not field.env_override:
            return
        targets: list[QWidget] = []
        if isinstance(widget, QHBoxLayout):
            for i in range(widget.count()):
                item = widget.itemAt(i)
                inner = item.widget() if item is not None else None
                if inner is not None:
                    targets.append(inner)
        else:
            targets.append(widget)
        for w in targets:
            w.setEnabled(False)
            w.setToolTip(f"Set by MEDIADESK_{field.name.upper()} in the environment")

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Media storage", self.storage.text())
        if chosen:
            self.storage.setText(chosen)

    def updates(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "storage": self.storage.text().strip(),
            "workers": self.workers.value(),
            "encoder": self.encoder.currentData(),
            "server_port": self.port.value(),
            "server_token": self.token.text().strip(),
            "step_presets": self._step_presets(),
            "ladder_budget_gb_per_hour": self.budget.value() or "",
        }
        changed = {}
        for name, value in values.items():
            field = self.fields[name]
            if field.env_override:
                continue
            current = field.value if field.value not in (None, {}) else ""
            if str(value) != str(current):
                changed[name] = value
        if changed.get("storage") is not None and changed["storage"]:
            changed["storage"] = str(Path(changed["storage"]).expanduser())
        return changed

    def _step_presets(self) -> dict[str, str] | str:
        """The setting with the ``hls`` step's choice (the default: no entry); empty: ""."""
        presets = dict(self.fields["step_presets"].value or {})
        presets.pop("hls", None)
        if self.ladder.currentData() != self.ladder_default:
            presets["hls"] = self.ladder.currentData()
        return presets or ""

    def accept(self) -> None:
        changed = self.updates()
        if not changed:
            super().accept()
            return
        try:
            save_settings(self.home, changed)
        except MediaDeskError as exc:
            self.message.setStyleSheet("color: #eb5757")
            self.message.setText(exc.message)
            return
        self.message.setText("Saved. Restart MediaDesk to apply the changes.")
        super().accept()
