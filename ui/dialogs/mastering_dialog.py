"""Mastering: pick an intent preset and the music, see the preset, start the job.

The job (``master_audio``) belongs to the core; the dialog lists the presets of kind
``audio_master``, shows their parameters, and submits. Its result is a new media file
that appears in the library like any import.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTreeWidget,
    QWidget,
)

from mediadesk.domain.enums import MediaKind
from mediadesk.jobs.views import JobView
from mediadesk.services.library import MediaFilter
from mediadesk.services.presets import PresetEntry, browse_presets
from ui.dialogs.presets_dialog import parameter_items
from ui.shell import Shell
from ui.tasks import describe
from ui.widgets import Collapsible, label, named, stacked

PRESET_KIND = "audio_master"
JOB_TYPE = "master_audio"
MUSIC_CHOICES = 500


class MasteringDialog(QDialog):
    jobStarted = Signal(str)

    def __init__(self, shell: Shell, media_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("masteringDialog")
        self.setWindowTitle("Master audio")
        self.setMinimumWidth(640)  # its height follows what is open
        self.shell = shell
        self.media_id = media_id
        self.started_job: str | None = None
        library = shell.runtime.library

        self.programme = named(QComboBox(), "masterProgramme")
        self.music = named(QComboBox(), "masterMusic")
        self.music.addItem("(none)", None)
        for kind in (MediaKind.VIDEO, MediaKind.AUDIO):
            for m in library.list_media(MediaFilter(kind=kind), limit=MUSIC_CHOICES).items:
                target = self.programme if kind == MediaKind.VIDEO else self.music
                # Titles, as the library shows them (the file name only for loose media).
                target.addItem(m.display_title, m.id)
                if kind == MediaKind.AUDIO:
                    self.programme.addItem(m.display_title, m.id)
        if media_id is not None:
            index = self.programme.findData(media_id)
            if index >= 0:
                self.programme.setCurrentIndex(index)
        self.presets = named(QComboBox(), "masterPreset")
        self.entries = [e for e in browse_presets(kind=PRESET_KIND) if e.valid]
        for entry in self.entries:
            self.presets.addItem(entry.title, entry.id)
        self.description = QLabel(wordWrap=True)
        # The preset's id and raw parameters are for whoever writes presets: folded away.
        self.preset_id = label(name="masterPresetId", wrap=True)
        self.params = named(QTreeWidget(), "masterParams")
        self.params.setHeaderLabels(["Parameter", "Value"])
        self.params.setColumnWidth(0, 220)
        self.params.setMinimumHeight(220)
        self.technical = Collapsible("Technical details", stacked(self.preset_id, self.params))
        self.message = label(name="masterMessage", wrap=True)

        form = QFormLayout(self)
        form.addRow("Programme", self.programme)
        form.addRow("Music", self.music)
        form.addRow("Intent", self.presets)
        form.addRow(self.description)
        form.addRow(self.technical)
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.presets.currentIndexChanged.connect(lambda _i: self._show_preset())
        self._show_preset()
        self._check_available()

    def preset(self) -> PresetEntry | None:
        index = self.presets.currentIndex()
        return self.entries[index] if 0 <= index < len(self.entries) else None

    def _show_preset(self) -> None:
        self.params.clear()
        entry = self.preset()
        if entry is None:
            self.description.setText("No audio mastering presets were found.")
            self.preset_id.clear()
            return
        self.description.setText(entry.description)
        self.preset_id.setText(f"Preset {entry.id}, version {entry.version}")
        parameter_items(self.params, entry.parameters)

    def _check_available(self) -> None:
        if JOB_TYPE not in self.shell.runtime.registry.names():
            self.start_button.setEnabled(False)
            self.message.setText("Mastering is not available in this build.")
        elif not self.entries:
            self.start_button.setEnabled(False)
        elif self.programme.count() == 0:
            self.start_button.setEnabled(False)
            self.message.setText("Import a video or audio programme to master first.")

    def start(self) -> None:
        """Submit through the core's mastering service, which checks the inputs first
        (a music bed without music, a programme without audio) and says why."""
        entry = self.preset()
        programme = self.programme.currentData()
        if entry is None or programme is None:
            return
        music = self.music.currentData()
        self.start_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText("Starting…")
        mastering = self.shell.runtime.mastering
        self.shell.tasks.run(
            lambda: mastering.master(str(programme), entry.id, str(music) if music else None),
            self._started,
            self._failed,
            owner=self,
        )

    def _started(self, job: JobView) -> None:
        self.started_job = job.id
        self.jobStarted.emit(job.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        self.message.setStyleSheet("color: #eb5757")
        self.message.setText(describe(exc))
