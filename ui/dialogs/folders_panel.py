"""The settings' "Library folders" page: your own folders, used where they are.

Each folder is listed with its state in people's words (watching, reading n of N, up
to date, not reachable), its media, missing and skipped counts and its last scan; a
progress bar shows how far the reading of new files has come. Add, Remove, Scan now
and Watch act through ``FolderService`` on the task runner (never on the GUI thread);
the files skipped by a scan are listed with their reasons below. The page refreshes
itself every second while it is shown, so a scan run elsewhere shows up too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain.folders import FolderKind
from mediadesk.domain.vocabulary import FOLDER_KIND
from mediadesk.library.folder_views import FolderView, SkippedFileView
from mediadesk.services.folders import FolderService
from ui.tasks import TaskRunner, describe
from ui.widgets import label

COLUMNS = ["Folder", "Kind", "State", "Media", "Missing", "Skipped", "Last scan", "Watch"]
REFRESH_MS = 1000


class FoldersPanel(QWidget):
    def __init__(
        self, folders: FolderService, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("foldersPanel")
        self.folders = folders
        self.tasks = tasks
        self.views: list[FolderView] = []
        self.current_id: str | None = None  # the folder the user selected
        self._busy = False

        intro = label(
            "Folders of your own media. MediaDesk reads them where they are: nothing is "
            "copied, moved, renamed or deleted. New files appear at once and are read in "
            "the background.",
            wrap=True,
        )
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("foldersTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        folder_header = self.table.horizontalHeader()
        folder_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        folder_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._user_selected)

        self.progress = QProgressBar()
        self.progress.setObjectName("foldersProgress")
        self.progress.setFormat("Reading new files: %v of %m")
        self.progress.hide()

        self.kind = QComboBox()
        for kind, words in FOLDER_KIND.items():
            self.kind.addItem(words, kind)
        self.watch = QCheckBox("Watch for changes")
        self.add_button = QPushButton("Add folder…")
        self.add_button.clicked.connect(self._choose)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Its files leave the library, never the disk")
        self.remove_button.clicked.connect(self._remove)
        self.scan_button = QPushButton("Scan now")
        self.scan_button.clicked.connect(self._scan)
        self.watch_button = QPushButton("Watch")
        self.watch_button.clicked.connect(self._toggle_watch)
        buttons = QHBoxLayout()
        for w in (QLabel("New folder holds"), self.kind, self.watch, self.add_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        for w in (self.scan_button, self.watch_button, self.remove_button):
            buttons.addWidget(w)

        self.skipped_title = label("Skipped files", name="skippedTitle")
        self.skipped = QTableWidget(0, 3)
        self.skipped.setObjectName("skippedTable")
        self.skipped.setHorizontalHeaderLabels(["File", "Why", "Detail"])
        self.skipped.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.skipped.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The reason is the point of the list: never cut to "Subtitles (kept with their …".
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.skipped.setWordWrap(False)
        self.skipped.verticalHeader().hide()
        self.message = label(name="foldersMessage", wrap=True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        layout.addWidget(self.skipped_title)
        layout.addWidget(self.skipped, 1)
        layout.addWidget(self.message)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._selection_changed()
        self.refresh()

    # Reading --------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._busy or not self.window().isVisible():
            return
        self._busy = True
        folder_id = self.current_id

        def read() -> tuple[list[FolderView], list[SkippedFileView]]:
            views = self.folders.list_folders()
            if folder_id is not None and folder_id not in {f.id for f in views}:
                return views, []  # removed meanwhile (here or by another process)
            return views, self.folders.skipped(folder_id, limit=500)

        self.tasks.run(read, self._show, self._failed, owner=self)

    def _show(self, result: tuple[list[FolderView], list[SkippedFileView]]) -> None:
        self._busy = False
        views, skipped = result
        self.views = views
        # Rebuilt without signals: a refresh must not read as the user's selection.
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(views))
        for row, f in enumerate(views):
            last = f.last_scan_at.astimezone().strftime("%Y-%m-%d %H:%M") if f.last_scan_at else ""
            cells = [
                f.path,
                FOLDER_KIND[f.kind],
                f.state,
                str(f.media_files),
                str(f.missing),
                str(f.skipped),
                last if not f.last_scan_error else f.last_scan_error,
                "Yes" if f.watch else "No",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, f.id)
                self.table.setItem(row, col, item)
            if f.id == self.current_id:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        if self.current_id not in {f.id for f in views}:
            self.current_id = None
        waiting = sum(f.waiting for f in views)
        if waiting:
            read = sum(f.media_files for f in views)
            self.progress.setRange(0, read + waiting)
            self.progress.setValue(read)
            self.progress.show()
        else:
            self.progress.hide()
        self.skipped.setRowCount(len(skipped))
        for row, s in enumerate(skipped):
            for col, text in enumerate((s.path, s.reason_words, s.detail or "")):
                self.skipped.setItem(row, col, QTableWidgetItem(text))
        self.skipped_title.setText(f"Skipped files ({len(skipped)})")
        self._selection_changed()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.say(describe(exc), error=True)

    def selected(self) -> FolderView | None:
        return next((f for f in self.views if f.id == self.current_id), None)

    def _user_selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        row = rows.pop() if len(rows) == 1 else None
        self.current_id = self.views[row].id if row is not None and row < len(self.views) else None
        self._selection_changed()
        self.refresh()  # its skipped files

    def _selection_changed(self) -> None:
        folder = self.selected()
        for button in (self.remove_button, self.scan_button, self.watch_button):
            button.setEnabled(folder is not None)
        self.watch_button.setText("Stop watching" if folder and folder.watch else "Watch")

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #eb5757" if error else "")
        self.message.setText(text)

    # Acting ---------------------------------------------------------------------------

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Add a library folder")
        if chosen:
            self.add(chosen)

    def add(self, path: str) -> None:
        kind = FolderKind(self.kind.currentData())
        watch = self.watch.isChecked()

        def run() -> str:
            folder = self.folders.add(path, kind, watch)
            (report,) = self.folders.scan(folder.id)
            return f"Added {folder.path}: {report.files} files, {report.new} new."

        self.say(f"Adding {path}…")
        self.tasks.run(run, self._done, self._failed, owner=self)

    def _remove(self) -> None:
        folder = self.selected()
        if folder is None:
            return

        def run() -> str:
            removed = self.folders.remove(folder.id)
            return f"Removed {folder.path}: {removed} files left the library (not the disk)."

        self.tasks.run(run, self._done, self._failed, owner=self)

    def _scan(self) -> None:
        folder = self.selected()
        if folder is None:
            return

        def run() -> str:
            (r,) = self.folders.scan(folder.id)
            return (
                f"Scanned {folder.path}: {r.new} new, {r.changed} changed, {r.moved} moved, "
                f"{r.missing} missing, {r.returned} back."
            )

        self.say(f"Scanning {folder.path}…")
        self.tasks.run(run, self._done, self._failed, owner=self)

    def _toggle_watch(self) -> None:
        folder = self.selected()
        if folder is None:
            return
        watch = not folder.watch

        def run() -> str:
            self.folders.set_watch(folder.id, watch)
            return f"{'Watching' if watch else 'Stopped watching'} {folder.path}."

        self.tasks.run(run, self._done, self._failed, owner=self)

    def _done(self, message: str) -> None:
        self.say(message)
        self.refresh()
