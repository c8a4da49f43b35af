"""The main window: library, player and jobs tabs, imports dock, menus.

It wires views together and owns the flows that span them (play, open a job's log);
importing (drops, the attach dialog) is ``ui/importing/window_imports.py``, the views
live in their own modules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
)

from mediadesk.library.views import MediaFileView
from ui import gui_gc
from ui.importing.import_panel import ImportDock
from ui.importing.window_imports import LIBRARY_TAB, ImportFlows
from ui.lazy_tab import LazyTab
from ui.library.library_view import LibraryView
from ui.notifier import JobNotifier
from ui.shell import Shell
from ui.status_bar import ActivityBar
from ui.warmup import on_gui_thread, warm_up
from ui.widgets import named

if TYPE_CHECKING:
    # Dialogs are imported when first opened: they are not needed for the first paint,
    # and every module imported after Qt costs start-up time (see ui/__init__.py).
    from ui.dialogs.mastering_dialog import MasteringDialog
    from ui.dialogs.presets_dialog import PresetsDialog
    from ui.dialogs.settings_dialog import SettingsDialog
    from ui.dialogs.storage_dialog import StorageDialog
    from ui.importing.attach_dialog import AttachDialog
    from ui.jobs.jobs_view import JobsView
    from ui.jobs.log_viewer import JobLogViewer
    from ui.player.player_view import PlayerView

log = logging.getLogger(__name__)

PLAYER_TAB, JOBS_TAB = 1, 2


class MainWindow(ImportFlows, QMainWindow):
    importsSubmitted = Signal(list)  # list[ImportView]: the imports just queued

    def __init__(self, shell: Shell, icon: QIcon | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("MediaDesk")
        self.shell = shell
        self.icon = icon or QIcon()
        self.setWindowIcon(self.icon)
        self.setAcceptDrops(True)
        self.log_viewers: dict[str, JobLogViewer] = {}
        self.attach_dialog: AttachDialog | None = None
        self._closing = False

        self.library = LibraryView(shell)
        self.player_tab: LazyTab[PlayerView] = LazyTab(self._make_player, self._player_built)
        self.jobs_tab: LazyTab[JobsView] = LazyTab(self._make_jobs, self._jobs_built)
        self.tabs = named(QTabWidget(), "mainTabs")
        self.tabs.addTab(self.library, "Library")
        self.tabs.addTab(self.player_tab, "Player")
        self.tabs.addTab(self.jobs_tab, "Jobs")
        self.setCentralWidget(self.tabs)
        self.import_dock = ImportDock(shell, self)
        self.import_panel = self.import_dock.panel
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.import_dock)
        self.import_dock.hide()
        self.status = ActivityBar(shell)
        self.setStatusBar(self.status)
        self.notifier = JobNotifier(shell, self, self.icon)
        self.notifier.notified.connect(lambda _t, m: self.status.showMessage(m, 10_000))
        self.import_dock.importFailed.connect(self._import_failed)
        self._failed_imports = 0
        self.import_dock.model.reloaded.connect(self._imports_reloaded)
        self._menus()

        self.library.playRequested.connect(self.play_media)
        self.library.filesDropped.connect(self.import_paths)
        self.library.detail.jobLogRequested.connect(self.open_job_log)
        self.library.detail.masterRequested.connect(self.open_mastering)
        self.library.detail.deleteRequested.connect(self.delete_media)
        actions = self.library.item_actions
        actions.masterRequested.connect(self.open_mastering)
        actions.jobsRequested.connect(self.show_jobs_of)
        actions.message.connect(lambda text: self.status.showMessage(text, 10_000))
        self.import_dock.imported.connect(self._imported)
        self.tabs.currentChanged.connect(self._tab_changed)

    # The player and jobs tabs are built on first use ---------------------------------

    @property
    def player(self) -> PlayerView:
        return self.player_tab.view

    @property
    def jobs(self) -> JobsView:
        return self.jobs_tab.view

    def _make_player(self) -> PlayerView:
        from ui.player.player_view import PlayerView

        return PlayerView(self.shell)

    def _player_built(self, player: PlayerView) -> None:
        player.fullscreenToggled.connect(self._fullscreen)
        player.resume.posterRequested.connect(self.library.item_actions.poster_from_frame)
        player.resume.playRequested.connect(self.play_media)

    def _make_jobs(self) -> JobsView:
        from ui.jobs.jobs_view import JobsView

        return JobsView(self.shell)

    def _jobs_built(self, jobs: JobsView) -> None:
        jobs.logRequested.connect(self.open_job_log)
        jobs.reload()

    def _menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Import files…", self.choose_files, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Import &folder…", self.choose_folder)
        self._action(file_menu, "Import from &URL…", lambda: self.choose_url(), "Ctrl+U")
        file_menu.addSeparator()
        self._action(
            file_menu, "&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view = bar.addMenu("&View")
        self._action(view, "&Grid", lambda: self.library.set_view_mode(0), "Ctrl+1")
        self._action(view, "&Table", lambda: self.library.set_view_mode(1), "Ctrl+2")
        view.addSeparator()
        self._action(view, "&Library", lambda: self.tabs.setCurrentIndex(LIBRARY_TAB), "Alt+1")
        self._action(view, "&Player", lambda: self.tabs.setCurrentIndex(PLAYER_TAB), "Alt+2")
        self._action(view, "&Jobs", lambda: self.tabs.setCurrentIndex(JOBS_TAB), "Alt+3")
        view.addAction(self.import_dock.toggleViewAction())
        view.addSeparator()
        self._action(view, "Open in &web browser", self.open_web_page)
        tools = bar.addMenu("&Tools")
        self._action(tools, "&Master audio…", lambda: self.open_mastering(None))
        self._action(tools, "&Presets…", self.open_presets)
        self._action(tools, "&Storage…", self.open_storage)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About MediaDesk", self._about)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # Start ------------------------------------------------------------------------

    def start(self) -> None:
        """Load what the first paint shows; the rest waits for ``after_first_paint``."""
        self.library.start()
        self.restore_state()

    def after_first_paint(self) -> None:
        """Background reads that would compete with the first paint for the GIL."""
        self.library.sidebar.reload_counts()
        self.status.refresh()
        # The imports list is job records: whatever was queued or failed before a
        # restart is listed again (and the dock shows if something is still to do).
        self.import_dock.model.reload()
        # What the first drop, dialog and Play need, loaded in the pool now, so that
        # none of them holds the event loop while a module imports.
        self.shell.tasks.run(warm_up, lambda _r: self._warmed_up(), lambda _e: None, owner=self)

    def _warmed_up(self) -> None:
        on_gui_thread(self)
        gui_gc.keep_startup()  # what was built so far lives as long as the app

    # Playing, logs, dialogs ------------------------------------------------------------

    def play_media(self, media_id: str) -> None:
        library = self.shell.runtime.library
        self.shell.tasks.run(
            lambda: library.get_media(media_id, detail=True), self._play_loaded, owner=self
        )

    def _play_loaded(self, media: MediaFileView) -> None:
        self.tabs.setCurrentIndex(PLAYER_TAB)
        self.player.play_media(media)

    def open_job_log(self, job_id: str) -> JobLogViewer:
        from ui.jobs.log_viewer import JobLogViewer

        viewer = self.log_viewers.get(job_id)
        if viewer is None:
            viewer = JobLogViewer(self.shell, job_id, self)
            self.log_viewers[job_id] = viewer
            viewer.destroyed.connect(lambda: self.log_viewers.pop(job_id, None))
        viewer.show()
        viewer.raise_()
        return viewer

    def open_mastering(self, media_id: str | None) -> MasteringDialog:
        from ui.dialogs.mastering_dialog import MasteringDialog

        dialog = MasteringDialog(self.shell, media_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.jobStarted.connect(
            lambda _job: self.status.showMessage(
                "Mastering started: the master appears in the library when it is done.", 10_000
            )
        )
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        from ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self.shell.settings, self, self.shell.runtime.folders, self.shell.tasks
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_presets(self) -> PresetsDialog:
        from ui.dialogs.presets_dialog import PresetsDialog

        dialog = PresetsDialog(parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_storage(self) -> StorageDialog:
        from ui.dialogs.storage_dialog import GB, StorageDialog

        gb = self.shell.settings.ladder_budget_gb_per_hour
        budget = round(gb * GB) if gb else None
        library = self.shell.runtime.library
        dialog = StorageDialog(self.shell.tasks, lambda: library.storage_stats(budget), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def delete_media(self, media_id: str) -> None:
        detail = self.library.detail.detail
        if detail is not None and detail.media.id == media_id:
            self.library.item_actions.delete([detail.media])

    def show_jobs_of(self, media_id: str, title: str) -> None:
        """The jobs tab, showing only this file's jobs."""
        self.tabs.setCurrentIndex(JOBS_TAB)
        self.jobs.show_media(media_id, title)

    def open_web_page(self) -> bool:
        """The built-in server's web page, with the app's per-run token in the fragment."""
        url = self.shell.web_url()
        if url is None:
            self.status.showMessage("The built-in server is not running yet.", 10_000)
            return False
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        return bool(QDesktopServices.openUrl(QUrl(url)))

    def _about(self) -> None:
        from mediadesk import __version__

        QMessageBox.about(self, "MediaDesk", f"MediaDesk {__version__}\n{self.shell.settings.home}")

    def _tab_changed(self, index: int) -> None:
        if index == JOBS_TAB:
            self.jobs.setFocus()
        if index == PLAYER_TAB:
            self.player.setFocus()

    def _fullscreen(self, on: bool) -> None:
        self.menuBar().setVisible(not on)
        self.statusBar().setVisible(not on)
        self.tabs.tabBar().setVisible(not on)
        self.import_dock.suppressed = on
        if on:
            self._dock_was_visible = self.import_dock.isVisible()
            self.import_dock.hide()
            self.showFullScreen()
        else:
            self.import_dock.setVisible(getattr(self, "_dock_was_visible", False))
            self.showNormal()

    # Window state and quitting ------------------------------------------------------

    def qsettings(self) -> QSettings:
        return QSettings()

    def restore_state(self) -> None:
        s = self.qsettings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = s.value("library/splitter")
        if isinstance(splitter, QByteArray):
            self.library.restoreState(splitter)
        mode = str(s.value("library/viewMode", 0))
        self.library.set_view_mode(int(mode) if mode.isdigit() else 0)

    def save_state(self) -> None:
        s = self.qsettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("library/splitter", self.library.saveState())
        s.setValue("library/viewMode", self.library.mode)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:
            event.accept()
            return
        self._closing = True
        if self.player_tab.built and self.player.fullscreen:
            self.player.toggle_fullscreen()
        self.save_state()
        self.hide()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop playback, then the server and workers: running jobs, imports included,
        checkpoint and run again on the next start."""
        for viewer in list(self.log_viewers.values()):
            viewer.close()
        if self.player_tab.built:
            self.player.close_player()
        self.shell.shutdown()
