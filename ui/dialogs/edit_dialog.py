"""Editing a movie, a series, a season or an episode.

The dialog sends only what changed. The core checks every field before it writes
anything (titles, years in range, numbers free in their season); its sentence appears
in the dialog, which stays open until the edit is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain.catalogue import FIRST_YEAR
from mediadesk.library.views import EpisodeView, MovieView, SeasonView, SeriesView
from mediadesk.services.catalogue_edit import EpisodeEdit, MovieEdit, SeasonEdit, SeriesEdit
from ui.tasks import TaskRunner, describe
from ui.widgets import label

NO_DATE = QDate(1800, 1, 1)


def _spin(value: int | None, minimum: int, maximum: int, none_text: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum - (1 if none_text else 0), maximum)
    if none_text:
        box.setSpecialValueText(none_text)  # the minimum shows this and means "none"
    box.setValue(value if value is not None else box.minimum())
    return box


def _date(value: date | None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("none")
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value.year, value.month, value.day) if value else NO_DATE)
    return edit


Entry = MovieView | SeriesView | SeasonView | EpisodeView


class EditDialog(QDialog):
    saved = Signal(object)  # the new view

    def __init__(
        self,
        kind: str,
        entry: Entry,
        save: Callable[[Any], Any],
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editDialog")
        self.kind = kind
        self.entry = entry
        self._save = save
        self.tasks = tasks
        self.fields: dict[str, QWidget] = {}
        self.original: dict[str, Any] = {}
        self.setWindowTitle(f"Edit {kind}")
        self.resize(480, 360 if kind in ("movie", "episode") else 220)
        form = QFormLayout()
        year_max = date.today().year + 5
        if isinstance(entry, MovieView):
            self._text(form, "title", "Title", entry.title)
            self._text(form, "original_title", "Original title", entry.original_title)
            self._text(
                form, "sort_title", "Sort as", entry.sort_title, "the title without The, A, An"
            )
            self._number(form, "year", "Year", _spin(entry.year, FIRST_YEAR, year_max, "unknown"))
            self._text(form, "genres", "Genres", ", ".join(entry.genres), "Drama, Comedy")
            self._long(form, "overview", "Overview", entry.overview)
        elif isinstance(entry, SeriesView):
            self._text(form, "title", "Title", entry.title)
            self._text(
                form, "sort_title", "Sort as", entry.sort_title, "the title without The, A, An"
            )
            self._number(
                form, "year", "First aired", _spin(entry.year, FIRST_YEAR, year_max, "unknown")
            )
            self._long(form, "overview", "Overview", entry.overview)
        elif isinstance(entry, SeasonView):
            self._number(form, "number", "Number (0: specials)", _spin(entry.number, 0, 10_000))
            self._text(form, "title", "Title", entry.title, "Season N when empty")
        else:
            self._number(form, "number", "Episode", _spin(entry.number, 0, 100_000))
            self._number(
                form,
                "end_number",
                "Ends with episode",
                _spin(entry.end_number, 1, 100_000, "single"),
            )
            self._text(form, "title", "Title", entry.title)
            edit = _date(entry.air_date)
            self.fields["air_date"] = edit
            self.original["air_date"] = entry.air_date
            form.addRow("Aired", edit)
            self._long(form, "overview", "Overview", entry.overview)
        self.error = label(name="editError", wrap=True)
        self.error.setStyleSheet("color: #eb5757")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    # Building ---------------------------------------------------------------------

    def _text(
        self, form: QFormLayout, name: str, caption: str, value: str | None, hint: str = ""
    ) -> None:
        edit = QLineEdit(value or "")
        edit.setPlaceholderText(hint)
        edit.setObjectName(f"edit_{name}")
        self.fields[name] = edit
        self.original[name] = value or ""
        form.addRow(caption, edit)

    def _long(self, form: QFormLayout, name: str, caption: str, value: str | None) -> None:
        edit = QPlainTextEdit(value or "")
        edit.setObjectName(f"edit_{name}")
        edit.setFixedHeight(90)
        self.fields[name] = edit
        self.original[name] = value or ""
        form.addRow(caption, edit)

    def _number(self, form: QFormLayout, name: str, caption: str, box: QSpinBox) -> None:
        box.setObjectName(f"edit_{name}")
        self.fields[name] = box
        self.original[name] = box.value()
        form.addRow(caption, box)

    # Values -----------------------------------------------------------------------------

    def set_value(self, name: str, value: Any) -> None:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            widget.setText(str(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(str(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))

    def _value(self, name: str) -> Any:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QSpinBox):
            return widget.value()
        assert isinstance(widget, QDateEdit)
        return widget.date()

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.fields.items():
            value = self._value(name)
            if isinstance(widget, QDateEdit):
                picked = (
                    None if value == NO_DATE else date(value.year(), value.month(), value.day())
                )
                if picked != self.original[name]:
                    out[name] = picked
                continue
            if value == self.original[name]:
                continue
            if isinstance(widget, QSpinBox):
                out[name] = (
                    None if widget.specialValueText() and value == widget.minimum() else value
                )
            elif name == "genres":
                out[name] = [g.strip() for g in str(value).split(",") if g.strip()]
            else:
                out[name] = value
        return out

    def edit(self) -> MovieEdit | SeriesEdit | SeasonEdit | EpisodeEdit:
        changes = self.changes()
        if self.kind == "movie":
            return MovieEdit(**changes)
        if self.kind == "series":
            return SeriesEdit(**changes)
        if self.kind == "season":
            return SeasonEdit(**changes)
        return EpisodeEdit(**changes)

    def accept(self) -> None:
        edit = self.edit()
        if not edit.changes():
            super().accept()
            return
        self.error.clear()
        self.tasks.run(lambda: self._save(edit), self._saved, self._failed, owner=self)

    def _saved(self, view: Any) -> None:
        self.saved.emit(view)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(describe(exc))
