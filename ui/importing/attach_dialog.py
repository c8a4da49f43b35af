"""Before an import: attach each file to a movie, an episode, or nothing.

Every row starts from the core's guess for the file (its name and folders: guessit,
read off the GUI thread) or, for a drop on a sidebar node, from that node (a season
pre-fills the series and season). The core then says which rows would land where a
file already is; those rows show the choice Replace / Keep both (as another version) /
Skip before anything runs. The table edits in place, so hundreds of files stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.services.catalogue import AttachConflict, AttachTarget, EpisodeTarget, MovieTarget
from mediadesk.services.imports import PathImport
from mediadesk.services.naming import GuessKind, NameGuess
from ui.library.nodes import AttachHint
from ui.widgets import label

NOTHING, MOVIE, EPISODE = "Nothing", "Movie", "Episode"
MODES = [NOTHING, MOVIE, EPISODE]
CHOICES = {
    "Keep both": ConflictChoice.VERSION,
    "Replace": ConflictChoice.REPLACE,
    "Skip": ConflictChoice.SKIP,
}
(COL_FILE, COL_MODE, COL_TITLE, COL_YEAR, COL_SEASON, COL_EPISODE, COL_EP_TITLE, COL_TAKEN) = range(
    8
)
HEADERS = [
    "File",
    "Attach as",
    "Movie / series title",
    "Year",
    "Season",
    "Episode",
    "Episode title",
    "If it already has a file",
]
CONFLICT_BRUSH = QBrush(QColor(235, 160, 40, 70))

Found = list[AttachConflict | None]
# Asks the core, off the GUI thread, which targets meet a file; calls back with the answer.
ConflictCheck = Callable[[list[AttachTarget | None], Callable[[Found], None]], None]


class ComboDelegate(QStyledItemDelegate):
    def __init__(self, items: Sequence[str], parent: QWidget) -> None:
        super().__init__(parent)
        self.items = list(items)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(self.items)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(index.data() or self.items[0])

    def setModelData(self, editor: QWidget, model: object, index: object) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText())  # type: ignore[attr-defined]


def make_target(
    mode: str,
    title: str,
    season: object,
    episode: object,
    episode_title: str = "",
    year: object = None,
) -> AttachTarget | None:
    """What a row of choices means; ``ValueError`` says what is missing."""
    title = title.strip()
    year_n = None
    if year not in (None, ""):
        try:
            year_n = int(str(year))
        except ValueError:
            raise ValueError("the year is a number") from None
    if mode == MOVIE:
        if not title:
            raise ValueError("a movie needs a title")
        return MovieTarget(title, year=year_n)
    if mode != EPISODE:
        return None
    if not title:
        raise ValueError("an episode needs a series title")
    try:
        season_n, episode_n = int(str(season)), int(str(episode))
    except ValueError:
        raise ValueError("season and episode are numbers") from None
    if season_n < 0 or episode_n < 0:
        raise ValueError("season and episode numbers must not be negative")
    return EpisodeTarget(title, season_n, episode_n, episode_title.strip() or None)


def initial_row(
    guess: NameGuess, hint: AttachHint | None, position: int, count: int
) -> list[object]:
    """[mode, title, year, season, episode, episode title] for one file.

    ``hint`` is the node the files were dropped on; ``None`` (a drop on the window, a
    file chosen from the menu) means each file's own guess decides.
    """
    year: object = guess.year or ""
    if hint is not None and hint.as_movie:
        if hint.movie_title and count == 1:
            return [MOVIE, hint.movie_title, hint.movie_year or "", 1, 1, ""]
        return [MOVIE, guess.title, year, 1, 1, ""]
    if hint is not None and hint.series:
        season = hint.season if hint.season is not None else (guess.season or 1)
        if hint.episode is not None and count == 1:
            episode = hint.episode
        else:
            episode = guess.episode if guess.episode is not None else position + 1
        return [EPISODE, hint.series, "", season, episode, guess.episode_title or ""]
    if guess.kind == GuessKind.EPISODE:
        return [
            EPISODE,
            guess.title,
            "",
            guess.season if guess.season is not None else 1,
            guess.episode if guess.episode is not None else 1,
            guess.episode_title or "",
        ]
    if guess.kind == GuessKind.MOVIE:
        return [MOVIE, guess.title, year, 1, 1, ""]
    return [NOTHING, guess.title, "", 1, 1, ""]


class AttachDialog(QDialog):
    def __init__(
        self,
        paths: list[Path],
        hint: AttachHint | None,
        guesses: list[NameGuess],
        parent: QWidget | None = None,
        check: ConflictCheck | None = None,
    ) -> None:
        super().__init__(parent)
        self.check = check
        self.checking = False
        self.setObjectName("attachDialog")
        self.setWindowTitle(f"Import {words.counted(len(paths), 'file')}")
        self.resize(1000, 440)
        self.paths = paths
        self.conflicts: dict[int, AttachConflict] = {}
        self.table = QTableWidget(len(paths), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(COL_MODE, ComboDelegate(MODES, self.table))
        self.table.setItemDelegateForColumn(COL_TAKEN, ComboDelegate(list(CHOICES), self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        for row, (path, guess) in enumerate(zip(paths, guesses, strict=True)):
            values = initial_row(guess, hint, row, len(paths))
            name = QTableWidgetItem(path.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setToolTip(str(path))
            self.table.setItem(row, COL_FILE, name)
            for col, value in zip(range(COL_MODE, COL_EP_TITLE + 1), values, strict=True):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.EditRole, value)
                self.table.setItem(row, col, item)
            taken = QTableWidgetItem("")
            taken.setFlags(taken.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, COL_TAKEN, taken)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(COL_FILE, min(300, self.table.columnWidth(COL_FILE)))

        self.all_mode = QComboBox()
        self.all_mode.addItems(MODES)
        self.all_title = QLineEdit(placeholderText="title or series for every file")
        apply_all = QPushButton("Apply to all")
        apply_all.clicked.connect(self._apply_all)
        self.number_from = QSpinBox()
        self.number_from.setRange(0, 100_000)
        self.number_from.setValue(1)
        number = QPushButton("Number episodes from")
        number.setToolTip("Consecutive episode numbers, in the order of the files")
        number.clicked.connect(lambda: self.number_episodes(self.number_from.value()))
        bulk = QHBoxLayout()
        bulk.addWidget(QLabel("All files:"))
        bulk.addWidget(self.all_mode)
        bulk.addWidget(self.all_title, 1)
        bulk.addWidget(apply_all)
        bulk.addWidget(number)
        bulk.addWidget(self.number_from)

        self.notice = label(name="attachNotice", wrap=True)
        self.error = label(name="attachError", wrap=True)
        self.error.setStyleSheet("color: #eb5757")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bulk)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _item(self, row: int, col: int) -> QTableWidgetItem:
        item = self.table.item(row, col)
        assert item is not None  # every cell got an item in __init__
        return item

    def _apply_all(self) -> None:
        mode, title = self.all_mode.currentText(), self.all_title.text().strip()
        for row in range(self.table.rowCount()):
            self._item(row, COL_MODE).setData(Qt.ItemDataRole.EditRole, mode)
            if title:
                self._item(row, COL_TITLE).setData(Qt.ItemDataRole.EditRole, title)

    def number_episodes(self, start: int) -> None:
        """Episodes start, start+1... in file order (a season's files, selected together)."""
        n = start
        for row in range(self.table.rowCount()):
            if self._cell(row, COL_MODE) == EPISODE:
                self._item(row, COL_EPISODE).setData(Qt.ItemDataRole.EditRole, n)
                n += 1

    def set_row(
        self, row: int, mode: str, title: str, season: int = 1, episode: int = 1, year: object = ""
    ) -> None:
        for col, value in (
            (COL_MODE, mode),
            (COL_TITLE, title),
            (COL_YEAR, year),
            (COL_SEASON, season),
            (COL_EPISODE, episode),
        ):
            self._item(row, col).setData(Qt.ItemDataRole.EditRole, value)

    def _cell(self, row: int, col: int) -> object:
        return self._item(row, col).data(Qt.ItemDataRole.EditRole)

    # Conflicts ------------------------------------------------------------------------

    def show_conflicts(self, found: Sequence[AttachConflict | None]) -> None:
        """Mark rows whose entry already has a file; each gets the three choices."""
        self.conflicts = {row: c for row, c in enumerate(found) if c is not None}
        for row in range(self.table.rowCount()):
            conflict = self.conflicts.get(row)
            taken = self._item(row, COL_TAKEN)
            if conflict is None:
                taken.setData(Qt.ItemDataRole.EditRole, "")
                taken.setFlags(taken.flags() & ~Qt.ItemFlag.ItemIsEditable)
                taken.setToolTip("")
            else:
                taken.setFlags(taken.flags() | Qt.ItemFlag.ItemIsEditable)
                if not taken.data(Qt.ItemDataRole.EditRole):
                    taken.setData(Qt.ItemDataRole.EditRole, "Keep both")
                taken.setToolTip(conflict.message)
            for col in range(self.table.columnCount()):
                self._item(row, col).setBackground(CONFLICT_BRUSH if conflict else QBrush())
        if self.conflicts:
            n = len(self.conflicts)
            first = next(iter(self.conflicts.values()))
            what = (
                f"{first.label} already has a file ({first.existing_filename})."
                if n == 1
                else f"{n} files go where a file already is (a row's tooltip says which)."
            )
            self.notice.setText(
                f"{what} In the last column: Replace it, Keep both (as versions) or Skip."
            )
        else:
            self.notice.clear()

    def set_choice(self, row: int, choice: str) -> None:
        self._item(row, COL_TAKEN).setData(Qt.ItemDataRole.EditRole, choice)

    # Results ------------------------------------------------------------------------------

    def target(self, row: int) -> AttachTarget | None:
        try:
            target = make_target(
                str(self._cell(row, COL_MODE)),
                str(self._cell(row, COL_TITLE) or ""),
                self._cell(row, COL_SEASON),
                self._cell(row, COL_EPISODE),
                str(self._cell(row, COL_EP_TITLE) or ""),
                self._cell(row, COL_YEAR),
            )
        except ValueError as exc:
            raise ValueError(f"{self.paths[row].name}: {exc}") from None
        choice = CHOICES.get(str(self._cell(row, COL_TAKEN) or ""))
        if target is not None and row in self.conflicts and choice is not None:
            target = replace(target, on_conflict=choice)
        return target

    def targets(self) -> list[AttachTarget | None]:
        return [self.target(row) for row in range(len(self.paths))]

    def requests(self) -> list[PathImport]:
        """The imports to run; ``ValueError`` names the first row that is not ready."""
        out: list[PathImport] = []
        episodes: dict[tuple[str, int, int], str] = {}
        for row, path in enumerate(self.paths):
            target = self.target(row)
            if isinstance(target, EpisodeTarget):
                key = (target.series.lower(), target.season, target.episode)
                if key in episodes:
                    raise ValueError(
                        f"{path.name} and {episodes[key]} are both {target.series} "
                        f"S{target.season:02d}E{target.episode:02d}"
                    )
                episodes[key] = path.name
            out.append(PathImport(path, target))
        return out

    def recheck(self) -> None:
        """Ask the core again (rows may have been edited) and show what it says."""
        if self.check is None:
            return
        try:
            targets = self.targets()
        except ValueError:
            return
        self.checking = True
        self.check(targets, self._checked)

    def _checked(self, found: Found, then_accept: bool = False) -> None:
        self.checking = False
        before = set(self.conflicts)
        self.show_conflicts(found)
        if then_accept:
            if set(self.conflicts) - before:
                self.error.setText(
                    "Some files now go where a file already is: choose in the last column."
                )
                return
            super().accept()

    def accept(self) -> None:
        """Import, once every row is valid and every conflict has a choice."""
        try:
            self.requests()  # raises for the first row that is not ready
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        if self.check is None:
            super().accept()
            return
        self.checking = True
        self.check(self.targets(), lambda found: self._checked(found, True))
