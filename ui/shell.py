"""What every window shares: the runtime, the bridge, the task runner, the server.

No globals: the shell is built once by ``app.run_gui`` (or a test) and handed to the
views. ``start_background`` starts the workers and the built-in server after the
window is up; ``shutdown`` stops them in order so running jobs can checkpoint.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from mediadesk.runtime import APP_LOCK_PATIENCE_S, Runtime
from mediadesk.services.playback_plan import LocalLocations, Locations
from mediadesk.settings import Settings
from ui.bridge import CoreBridge
from ui.jobs.live_progress import LiveProgress
from ui.library.thumbnails import ThumbnailCache
from ui.tasks import TaskRunner, describe

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0


class Shell(QObject):
    workersStarted = Signal()
    serverStarted = Signal(str)  # base URL
    problem = Signal(str)  # something the status bar should say

    def __init__(self, runtime: Runtime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self.bridge = CoreBridge(runtime.bus, self)
        # Connected first, so every view's progress slot reads it already updated.
        self.progress = LiveProgress()
        self.bridge.jobProgress.connect(self.progress.on_progress)
        self.tasks = TaskRunner(parent=self)
        self.thumbnails = ThumbnailCache(runtime.storage, self.tasks)
        # Where the player reads files: local paths until the built-in server is up.
        self.locations: Locations = LocalLocations(runtime.storage)
        self.server: Any = None
        self.workers_error: str | None = None
        self.shutdown_grace = SHUTDOWN_GRACE_S
        self._closed = False
        self.tasks.failed.connect(self.problem)

    @classmethod
    def open(cls, settings: Settings) -> Shell:
        """Open the library and take its lock (raises ``MediaDeskError`` with a sentence)."""
        runtime = Runtime(settings).open()
        try:
            runtime.acquire_app_lock(APP_LOCK_PATIENCE_S)
        except BaseException:
            runtime.stop(grace=0)
            raise
        return cls(runtime)

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    # Background services -------------------------------------------------------------

    def start_background(self, workers: bool = True, server: bool = True) -> None:
        if workers:
            self.tasks.run(self.runtime.start_workers, self._workers_up, self._workers_failed)
        if server and importlib.util.find_spec("mediadesk.server") is not None:
            self.tasks.run(self._start_server, self._server_up, self._server_failed)

    def _workers_up(self, _result: object) -> None:
        self.runtime.start_watching()  # starts a thread; scans happen there
        self.tasks.run(self.runtime.queue_old_tags)  # songs an older version read
        self.workers_error = None
        self.workersStarted.emit()

    def _workers_failed(self, exc: BaseException) -> None:
        self.workers_error = describe(exc)
        self.problem.emit(f"Workers are not running: {self.workers_error}")

    def _start_server(self) -> Any:
        host_module = importlib.import_module("mediadesk.server.host")
        host = host_module.ServerHost(self.runtime, headless=False)
        host.start()
        return host

    def _server_up(self, host: Any) -> None:
        if self._closed:
            host.stop()
            return
        self.server = host
        self.locations = host.locations()
        self.serverStarted.emit(str(host.url))

    def _server_failed(self, exc: BaseException) -> None:
        self.problem.emit(f"The built-in server did not start: {describe(exc)}")

    def web_url(self) -> str | None:
        """The server's web page with the app's token (``None`` until the server is up)."""
        return str(self.server.web_url()) if self.server is not None else None

    # Shutting down ------------------------------------------------------------------

    def shutdown(self, grace: float | None = None) -> None:
        """Stop listening, stop the server, let running jobs finish or checkpoint.

        A job still running after ``grace`` seconds is interrupted: its attempt is
        recorded as INTERRUPTED and the job goes back to PENDING for the next start.
        """
        if self._closed:
            return
        self._closed = True
        self.bridge.close()
        self.tasks.close()
        if self.server is not None:
            try:
                self.server.stop()
            except Exception:
                log.exception("stopping the server failed")
            self.server = None
        self.runtime.stop(grace=self.shutdown_grace if grace is None else grace)
