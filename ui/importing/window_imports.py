"""The main window's import flows: drops on the window, the File menu's imports, the
attach dialog, and what the window shows of imports as they are queued and fail.

A mixin of ``MainWindow`` (its widgets are the window's), kept apart so that the
window module wires views and this one owns importing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QPoint, Qt, SignalInstance
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QTabWidget, QWidget

from mediadesk.domain import vocabulary as words
from mediadesk.services.catalogue import AttachTarget
from mediadesk.services.import_paths import ImportPaths, expand_paths
from mediadesk.services.imports import ImportView, PathImport
from ui.importing.import_panel import ImportDock
from ui.importing.paths import local_paths, web_urls
from ui.library.library_view import LibraryView
from ui.library.nodes import LibraryNode
from ui.library.subtitle_drop import add_subtitles, media_under, only_subtitles
from ui.notifier import JobNotifier
from ui.shell import Shell
from ui.status_bar import ActivityBar
from ui.tasks import describe

if TYPE_CHECKING:
    from ui.importing.attach_dialog import AttachDialog
    from ui.importing.url_dialog import UrlImportDialog

LIBRARY_TAB = 0


class ImportFlows:
    """Importing, for ``MainWindow`` (a ``QMainWindow``; it must come first in the
    bases so that Qt calls these drag and drop handlers)."""

    shell: Shell
    library: LibraryView
    tabs: QTabWidget
    status: ActivityBar
    notifier: JobNotifier
    import_dock: ImportDock
    importsSubmitted: SignalInstance
    attach_dialog: AttachDialog | None
    _failed_imports: int

    @property
    def window_widget(self) -> QWidget:
        """The main window itself, as the parent of the dialogs this opens."""
        return cast(QWidget, self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if local_paths(mime) or web_urls(mime):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        paths = local_paths(mime)
        if paths and only_subtitles(paths):
            event.acceptProposedAction()
            self.drop_subtitles(paths, event.position().toPoint())
        elif paths:
            event.acceptProposedAction()
            # A drop on the window means "import these": each file's own guess decides
            # where it goes, whatever node happens to be selected (a node drop is the
            # sidebar's, and attaches there).
            self.import_paths(paths, None)
        elif urls := web_urls(mime):
            event.acceptProposedAction()  # a link dragged from a browser
            self.choose_url(urls[0])

    def drop_subtitles(self, paths: list[Path], at: QPoint) -> None:
        """Subtitle files go with the video they were dropped on (else the one selected)."""
        library = self.library
        media_id = media_under([library.grid, library.table], self.window_widget, at)
        if media_id is None:
            selected = library.selected_ids()
            media_id = selected[0] if len(selected) == 1 else None
        if media_id is None:
            self.status.showMessage("Drop subtitle files on the video they belong to.", 8000)
            return
        add_subtitles(
            self.shell.tasks,
            self.shell.runtime.tracks,
            media_id,
            paths,
            lambda text: self.status.showMessage(text, 15_000),
        )

    def import_paths(self, paths: list[Path], node: LibraryNode | None = None) -> None:
        """Ask where the files belong (the dialog opens once folders are walked and the
        names read, off the GUI thread), then import them in the background."""
        self.status.showMessage("Reading what was dropped…", 5000)
        self.shell.tasks.run(
            lambda: expand_paths(paths),
            lambda found: self._expanded(found, node),
            lambda exc: self.status.showMessage(
                f"Could not read the drop: {describe(exc)}", 15_000
            ),
        )

    def _expanded(self, found: ImportPaths, node: LibraryNode | None) -> None:
        files = found.files
        if not files:
            self.status.showMessage("Nothing to import: no media files in what was dropped.", 8000)
            return
        from ui.importing.attach_flow import open_attach_dialog

        hint = node.hint if node is not None else None
        count = words.counted(len(files), "file")
        self.status.showMessage(f"Reading the names of {count}…", 5000)
        catalogue = self.shell.runtime.catalogue
        parent, tasks = self.window_widget, self.shell.tasks
        opened = lambda dialog: self._attach_opened(dialog, found.left_out)  # noqa: E731
        open_attach_dialog(parent, tasks, catalogue, files, hint, opened)

    def _attach_opened(self, dialog: AttachDialog, left_out: int = 0) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.status.clearMessage()  # "Reading the names…" is over: the dialog is open
        if left_out:
            self.status.showMessage(
                f"{words.counted(left_out, 'other file')} left out: not media of their own"
                " (subtitles and NFO files go with their videos).",
                15_000,
            )
        dialog.accepted.connect(lambda: self.submit_imports(dialog.requests()))
        self.attach_dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "attach_dialog", None))
        dialog.open()

    def submit_imports(self, requests: list[PathImport]) -> None:
        """Queue copies of local files (jobs: the dock lists them as they run)."""
        imports = self.shell.runtime.imports
        self.shell.tasks.run(
            lambda: imports.submit_paths(requests),
            self._submitted,
            lambda exc: self.status.showMessage(f"Import refused: {describe(exc)}", 15_000),
        )

    def submit_url(self, url: str, target: AttachTarget | None) -> None:
        imports = self.shell.runtime.imports
        self.shell.tasks.run(
            lambda: [imports.submit_url(url, target)],
            self._submitted,
            lambda exc: self.status.showMessage(f"Import refused: {describe(exc)}", 15_000),
        )

    def _submitted(self, items: list[ImportView]) -> None:
        self.import_dock.model.reload()
        self.importsSubmitted.emit(items)

    def _import_failed(self, item: ImportView) -> None:
        self.notifier.notify(
            "Import failed", f"{item.name}: {item.error_message or item.state}", warning=True
        )

    def _imports_reloaded(self) -> None:
        failed = sum(1 for i in self.import_dock.model.items if i.failed)
        if failed != self._failed_imports:  # the sidebar's Failed node counts them
            self._failed_imports = failed
            self.library.sidebar.schedule_counts()

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.window_widget, "Import files")
        if names:
            self.import_paths([Path(n) for n in names], self._current_node())

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self.window_widget, "Import a folder")
        if name:
            self.import_paths([Path(name)], self._current_node())

    def choose_url(self, url: str = "") -> UrlImportDialog:
        from ui.importing.url_dialog import UrlImportDialog

        dialog = UrlImportDialog(self.window_widget, url)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.status.clearMessage()  # "Reading the names…" is over: the dialog is open
        dialog.accepted.connect(lambda: self.submit_url(*dialog.request()))
        dialog.open()
        return dialog

    def _current_node(self) -> LibraryNode | None:
        return self.library.node if self.tabs.currentIndex() == LIBRARY_TAB else None

    def _imported(self, media_id: str) -> None:
        if not self.library.selected_ids():
            self.library.model.resync()
            self.library.select_media(media_id)
