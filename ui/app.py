"""Starting and stopping the desktop app: ``run_gui(settings) -> exit code``.

``mediadesk`` calls :func:`run_gui` when a display is present. The window appears as
soon as the library is open; workers and the built-in server start right after, in
the background, so a large library or a slow disk does not delay the first paint.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mediadesk.bundled import resources_dir
from mediadesk.errors import MediaDeskError
from mediadesk.settings import Settings
from ui import gui_gc
from ui.main_window import MainWindow
from ui.shell import Shell

log = logging.getLogger(__name__)

APP_NAME = "MediaDesk"
APP_ID = "org.mediadesk.MediaDesk"  # the .desktop file's name, for docks and notifications
ORGANIZATION = "MediaDesk"


def app_icon() -> QIcon:
    try:
        return QIcon(str(resources_dir() / "mediadesk.svg"))
    except FileNotFoundError:
        return QIcon()


def application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    gui_gc.install(app)
    return app


@dataclass
class Launched:
    app: QApplication
    shell: Shell
    window: MainWindow


class _FirstPaint(QObject):
    """Runs ``then`` once, right after the first paint of ``widget``."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            QTimer.singleShot(0, then)
        return False


def launch(settings: Settings, background: bool = True) -> Launched:
    """Open the library, build and show the window; the rest after the first paint:
    counts, activity, then workers and the built-in server."""
    app = application()
    shell = Shell.open(settings)
    window = MainWindow(shell, app_icon())
    window.start()

    def after_first_paint() -> None:
        window.after_first_paint()
        if background:
            shell.start_background()

    _FirstPaint(window.library.grid.viewport(), after_first_paint)
    window.show()
    return Launched(app, shell, window)


def _quit_on_sigint(window: MainWindow) -> QTimer:
    """Ctrl+C in the terminal closes the window cleanly (Qt's loop hides signals)."""
    signal.signal(signal.SIGINT, lambda *_a: window.close())
    signal.signal(signal.SIGTERM, lambda *_a: window.close())
    timer = QTimer(interval=250)  # lets the interpreter run its signal handlers
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


def run_gui(settings: Settings) -> int:
    app = application()
    try:
        launched = launch(settings)
    except MediaDeskError as exc:
        QMessageBox.critical(None, APP_NAME, exc.message)
        return 1
    keepalive = _quit_on_sigint(launched.window)
    code = app.exec()
    keepalive.stop()
    launched.window.close()  # a no-op after a normal close; stops everything otherwise
    return int(code)
