"""Fixtures for the desktop app: a real Runtime on a temporary MEDIADESK_HOME, a real
window (offscreen), and helpers to drop files and wait for the library to catch up."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from mediadesk.runtime import Runtime
from tests.jobtypes import machinery_registry


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As the app does (``ui.gui_gc``): cycles holding widgets are freed on this thread,
    never by a worker thread that happens to allocate."""
    from ui import gui_gc

    collector = gui_gc.install(qapp)
    yield
    collector.stop()  # the tests that follow (not Qt) collect as usual


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path, qapp: QApplication) -> None:
    """Window geometry goes to a temporary INI file, never the developer's settings."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    QCoreApplication.setOrganizationName("MediaDeskTests")
    QCoreApplication.setApplicationName("MediaDeskTests")


@pytest.fixture
def settings(home: Path):  # type: ignore[no-untyped-def]
    """Fast settings, and an ephemeral port for the app's server (tests run in parallel)."""
    from mediadesk.settings import load_settings
    from tests.conftest import FAST

    return load_settings({**FAST, "server_port": 0})


@pytest.fixture
def shell(settings, qapp):  # type: ignore[no-untyped-def]
    """A shell over a real runtime that also knows the machinery test job types."""
    from ui.shell import Shell

    runtime = Runtime(settings, registry=machinery_registry()).open()
    runtime.acquire_app_lock()
    sh = Shell(runtime)
    yield sh
    sh.shutdown(grace=5)


def shown_window(shell):  # type: ignore[no-untyped-def]
    """A main window over ``shell``, shown the way ``ui.app.launch`` shows it."""
    from ui.main_window import MainWindow

    win = MainWindow(shell)
    win.start()
    win.show()
    win.after_first_paint()
    return win


@pytest.fixture
def window(shell, qtbot):  # type: ignore[no-untyped-def]
    """The main window, shown, with workers (and the server, when built) running."""
    win = shown_window(shell)
    shell.start_background(server=True)
    qtbot.waitUntil(lambda: shell.runtime.workers_running, timeout=30_000)
    yield win
    win.close()


@pytest.fixture
def idle_window(shell, qtbot):  # type: ignore[no-untyped-def]
    """The main window without workers: jobs stay PENDING."""
    win = shown_window(shell)
    yield win
    win.close()


def drop_files(target: QWidget, paths: list[Path], pos: QPoint | None = None) -> bool:
    """A real drag-enter and drop event with file URLs, as a file manager sends them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return drop_mime(target, mime, pos)


def drop_mime(target: QWidget, mime: QMimeData, pos: QPoint | None = None) -> bool:
    point = QPointF(pos if pos is not None else target.rect().center())
    actions = Qt.DropAction.CopyAction
    with warnings.catch_warnings():  # Qt 6 offers only this (integer point) constructor
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            point.toPoint(),
            actions,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        point, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()
