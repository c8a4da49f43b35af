"""mpv's render API drawing into a QOpenGLWidget (no foreign window embedding)."""

from __future__ import annotations

import ctypes
import functools
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QOpenGLContext
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QWidget

from ui.player.engine import MpvEngine

log = logging.getLogger(__name__)


@functools.cache
def opengl_available() -> bool:
    """Whether this display can give us an OpenGL context (offscreen cannot).

    Asked once (loading the GL driver takes ~0.1 s; ``ui.warmup`` asks after the first
    paint, so the first Play does not)."""
    context = QOpenGLContext()
    return bool(context.create())


def _get_proc_address(_ctx: Any, name: bytes) -> int:
    context = QOpenGLContext.currentContext()
    if context is None:
        return 0
    address = context.getProcAddress(name)
    return int(address) if address else 0


class MpvVideoSurface(QOpenGLWidget):
    # mpv calls its update callback from its render thread; a queued signal moves
    # the repaint request to the GUI thread.
    _frame_ready = Signal()

    def __init__(self, engine: MpvEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoSurface")
        self.engine = engine
        self._render: Any = None
        self._proc = engine.mpv_module.MpvGlGetProcAddressFn(_get_proc_address)
        self._frame_ready.connect(self.update, Qt.ConnectionType.QueuedConnection)
        self.frames = 0
        self.setMinimumSize(320, 180)

    def initializeGL(self) -> None:
        mpv = self.engine.mpv_module
        self._render = mpv.MpvRenderContext(
            self.engine.player, "opengl", opengl_init_params={"get_proc_address": self._proc}
        )
        self._render.update_cb = self._frame_ready.emit
        context = self.context()
        if context is not None:
            context.aboutToBeDestroyed.connect(self.release)

    def paintGL(self) -> None:
        if self._render is None:
            return
        ratio = self.devicePixelRatioF()
        self._render.render(
            flip_y=True,
            opengl_fbo={
                "w": int(self.width() * ratio),
                "h": int(self.height() * ratio),
                "fbo": self.defaultFramebufferObject(),
            },
        )
        self.frames += 1

    def release(self) -> None:
        """Free the render context while its GL context is current (before mpv quits)."""
        if self._render is None:
            return
        self.makeCurrent()
        try:
            self._render.update_cb = None
            self._render.free()
        except (OSError, ctypes.ArgumentError):
            log.exception("freeing mpv's render context failed")
        self._render = None
        self.doneCurrent()
