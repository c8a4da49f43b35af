"""File > Import from URL: the core downloads it (checked, capped) and imports it."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from mediadesk.services.catalogue import AttachTarget
from mediadesk.services.naming import GuessKind, guess_from_name
from ui.importing.attach_dialog import EPISODE, MODES, MOVIE, make_target


class UrlImportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("urlImportDialog")
        self.setWindowTitle("Import from URL")
        self.resize(560, 0)
        self.url = QLineEdit(placeholderText="https://example.com/video.mp4")
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.title = QLineEdit()
        self.season = QSpinBox(minimum=0, maximum=999, value=1)
        self.episode = QSpinBox(minimum=0, maximum=9999, value=1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #eb5757")
        form = QFormLayout(self)
        form.addRow("URL", self.url)
        form.addRow("Attach as", self.mode)
        form.addRow("Movie / series title", self.title)
        form.addRow("Season", self.season)
        form.addRow("Episode", self.episode)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.url.editingFinished.connect(self._guess)
        if url:
            self.url.setText(url)
            self._guess()

    def _guess(self) -> None:
        if self.title.text():
            return
        name = unquote(urlsplit(self.url.text().strip()).path.rsplit("/", 1)[-1])
        if not name:
            return
        guess = guess_from_name(name)
        if guess.kind == GuessKind.EPISODE:
            self.mode.setCurrentText(EPISODE)
            self.title.setText(guess.title)
            self.season.setValue(guess.season or 1)
            self.episode.setValue(guess.episode or 1)
        elif guess.kind == GuessKind.MOVIE:
            self.mode.setCurrentText(MOVIE)
            self.title.setText(guess.title)

    def target(self) -> AttachTarget | None:
        return make_target(
            self.mode.currentText(), self.title.text(), self.season.value(), self.episode.value()
        )

    def request(self) -> tuple[str, AttachTarget | None]:
        """The URL and where the file belongs; ``ValueError`` says what is wrong."""
        url = self.url.text().strip()
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("enter an http:// or https:// URL")
        return url, self.target()

    def accept(self) -> None:
        try:
            self.request()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
