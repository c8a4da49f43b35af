"""After the first paint: load what the first drop, dialog and Play would otherwise load
on the GUI thread (measured by bench/event_loop.py: a first Play held the loop for
1.4 s, a first dialog for 0.4 s, mostly importing modules and libmpv).

Runs in the task pool. Importing is safe off the GUI thread; no widget is created here.
"""

from __future__ import annotations

import importlib
import logging

from PySide6.QtWidgets import QMainWindow

from mediadesk.services.naming import warm_up as warm_names

log = logging.getLogger(__name__)

MODULES = (
    "ui.importing.attach_dialog",
    "ui.importing.attach_flow",
    "ui.dialogs.edit_dialog",
    "ui.dialogs.mastering_dialog",
    "ui.jobs.jobs_view",
    "ui.jobs.log_viewer",
    "ui.player.player_view",
    "ui.player.video_surface",
)


def on_gui_thread(window: QMainWindow) -> None:
    """What must happen on the GUI thread, once the pool is done: the OpenGL check, and
    a 1-pixel OpenGL widget in the status bar. The first OpenGL widget shown in a window
    switches the whole window to OpenGL composition (measured: 0.3-0.4 s, once); doing
    it now, while nothing else happens, keeps it out of the first Play."""
    try:
        from ui.player.video_surface import opengl_available

        if not opengl_available():
            return
        from PySide6.QtOpenGLWidgets import QOpenGLWidget

        seed = QOpenGLWidget()
        seed.setObjectName("glWarmUp")
        seed.setFixedSize(1, 1)
        window.statusBar().addPermanentWidget(seed)
    except Exception:
        log.debug("OpenGL warm-up failed", exc_info=True)


def warm_up() -> None:
    warm_names()
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional part (OpenGL) is reported where it is used
            log.debug("warm-up import of %s failed", name, exc_info=True)
    try:
        from ui.player.engine import load_mpv

        load_mpv()  # libmpv's shared library, loaded once
    except Exception:
        log.debug("libmpv not loaded ahead", exc_info=True)
