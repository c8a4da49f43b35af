"""Before an import: attach each file to a movie, an episode, or nothing.

Every row starts from the core's guess for the file name (``Show.S02E05.mkv`` ->
Show, season 2, episode 5) and the node the files were dropped on. The table edits
in place (a combo for the choice, spin boxes for numbers), so hundreds of files stay
cheap.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.services.catalogue import AttachTarget, EpisodeTarget, MovieTarget
from mediadesk.services.imports import PathImport
from mediadesk.services.naming import GuessKind, guess_from_name
from ui.library.nodes import AttachHint
from ui.widgets import label

NOTHING, MOVIE, EPISODE = "Nothing", "Movie", "Episode"
MODES = [NOTHING, MOVIE, EPISODE]
COL_FILE, COL_MODE, COL_TITLE, COL_SEASON, COL_EPISODE, COL_EP_TITLE = range(6)
HEADERS = ["File", "Attach as", "Movie / series title", "Season", "Episode", "Episode title"]


class ModeDelegate(QStyledItemDelegate):
    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(MODES)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(index.data() or NOTHING)

    def setModelData(self, editor: QWidget, model: object, index: object) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText())  # type: ignore[attr-defined]


def make_target(
    mode: str, title: str, season: object, episode: object, episode_title: str = ""
) -> AttachTarget | None:
    """What a row of choices means; ``ValueError`` says what is missing."""
    title = title.strip()
    if mode == MOVIE:
        if not title:
            raise ValueError("a movie needs a title")
        return MovieTarget(title)
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


def initial_row(path: Path, hint: AttachHint, position: int, count: int) -> list[object]:
    """[mode, title, season, episode, episode title] for one file."""
    guess = guess_from_name(path)
    if hint.as_movie:
        title = hint.movie_title if hint.movie_title and count == 1 else guess.title
        return [MOVIE, title, 1, 1, ""]
    if hint.series:
        season = hint.season if hint.season is not None else (guess.season or 1)
        if hint.episode is not None and count == 1:
            episode = hint.episode
        else:
            episode = guess.episode if guess.episode is not None else position + 1
        return [EPISODE, hint.series, season, episode, guess.episode_title or ""]
    if guess.kind == GuessKind.EPISODE:
        return [
            EPISODE,
            guess.title,
            guess.season or 1,
            guess.episode or 1,
            guess.episode_title or "",
        ]
    if guess.kind == GuessKind.MOVIE:
        return [MOVIE, guess.title, 1, 1, ""]
    return [NOTHING, guess.title, 1, 1, ""]


class AttachDialog(QDialog):
    def __init__(self, paths: list[Path], hint: AttachHint, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachDialog")
        self.setWindowTitle(f"Import {len(paths)} file{'s' if len(paths) != 1 else ''}")
        self.resize(900, 420)
        self.paths = paths
        self.table = QTableWidget(len(paths), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(COL_MODE, ModeDelegate(self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        for row, path in enumerate(paths):
            values = initial_row(path, hint, row, len(paths))
            name = QTableWidgetItem(path.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setToolTip(str(path))
            self.table.setItem(row, COL_FILE, name)
            for col, value in zip(range(COL_MODE, COL_EP_TITLE + 1), values, strict=True):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.EditRole, value)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(COL_FILE, min(320, self.table.columnWidth(COL_FILE)))

        self.all_mode = QComboBox()
        self.all_mode.addItems(MODES)
        self.all_title = QLineEdit(placeholderText="title or series for every file")
        apply_all = QPushButton("Apply to all")
        apply_all.clicked.connect(self._apply_all)
        bulk = QHBoxLayout()
        bulk.addWidget(QLabel("All files:"))
        bulk.addWidget(self.all_mode)
        bulk.addWidget(self.all_title, 1)
        bulk.addWidget(apply_all)

        self.error = label(name="attachError")
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

    def set_row(self, row: int, mode: str, title: str, season: int = 1, episode: int = 1) -> None:
        for col, value in (
            (COL_MODE, mode),
            (COL_TITLE, title),
            (COL_SEASON, season),
            (COL_EPISODE, episode),
        ):
            self._item(row, col).setData(Qt.ItemDataRole.EditRole, value)

    def _cell(self, row: int, col: int) -> object:
        return self._item(row, col).data(Qt.ItemDataRole.EditRole)

    def target(self, row: int) -> AttachTarget | None:
        try:
            return make_target(
                str(self._cell(row, COL_MODE)),
                str(self._cell(row, COL_TITLE) or ""),
                self._cell(row, COL_SEASON),
                self._cell(row, COL_EPISODE),
                str(self._cell(row, COL_EP_TITLE) or ""),
            )
        except ValueError as exc:
            raise ValueError(f"{self.paths[row].name}: {exc}") from None

    def requests(self) -> list[PathImport]:
        """The imports to run; ``ValueError`` names the first row that is not ready."""
        out: list[PathImport] = []
        episodes: dict[tuple[str, int, int], str] = {}
        for row, path in enumerate(self.paths):
            target = self.target(row)
            if isinstance(target, EpisodeTarget):
                key = (target.series, target.season, target.episode)
                if key in episodes:
                    raise ValueError(
                        f"{path.name} and {episodes[key]} are both {target.series} "
                        f"S{target.season:02d}E{target.episode:02d}"
                    )
                episodes[key] = path.name
            out.append(PathImport(path, target))
        return out

    def accept(self) -> None:
        try:
            self.requests()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
