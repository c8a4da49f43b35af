"""Long-running modes: the default app, ``serve`` (headless) and ``worker``."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from mediadesk.cli.output import EXIT_OK
from mediadesk.logs import configure_structured_logging
from mediadesk.runtime import APP_LOCK_PATIENCE_S, Runtime
from mediadesk.server.host import ServerHost
from mediadesk.settings import Settings

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="run headless: workers and the HTTP server")
    p.add_argument("--host", dest="server_host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", dest="server_port", type=int, help="port (default 8765)")
    p.add_argument("--token", dest="server_token", help="bearer token for writes")
    p.add_argument("--workers", type=int, help="worker threads (default: CPU count)")
    p.add_argument("--no-server", action="store_true", help="workers only, no HTTP server")
    p.add_argument("--log-format", dest="log_format", choices=["text", "json"], help="log lines")
    p.set_defaults(handler=serve)

    w = sub.add_parser("worker", help="a headless consumer with no HTTP server")
    w.add_argument("--concurrency", dest="workers", type=int, help="parallel jobs")
    w.add_argument(
        "--queues", type=lambda v: [q for q in v.split(",") if q], help="e.g. default,gpu"
    )
    w.set_defaults(handler=worker)


# What ``mediadesk`` alone opens on a screen. The core never names the desktop app: the
# installed command (``ui.launcher``) passes it in; ``python -m mediadesk`` has none.
GuiLauncher = Callable[[Settings], int]


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def default_app(args: argparse.Namespace, settings: Settings) -> int:
    """``mediadesk`` alone: the desktop app when one was given and there is a screen,
    else serve."""
    gui: GuiLauncher | None = getattr(args, "gui", None)
    if gui is not None and has_display():
        return gui(settings)
    return serve(args, settings)


def wait_for_signal(on_second: Callable[[], None] | None = None) -> Callable[[], None]:
    """Block until SIGTERM or SIGINT; returns a function that restores the handlers.

    The handlers stay installed until that function is called, so a second signal
    during a graceful stop calls ``on_second`` (interrupt the running jobs now)
    instead of killing the process with its jobs half-recorded.
    """
    stop = threading.Event()

    def handle(signum: int, _frame: object) -> None:
        if stop.is_set():
            log.warning("received %s again, interrupting running jobs", signal.Signals(signum).name)
            if on_second is not None:
                on_second()
            return
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, handle) for s in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    try:
        while not stop.wait(1.0):
            pass
    except BaseException:
        restore()
        raise
    return restore


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Headless: workers plus the HTTP server until SIGTERM/SIGINT.

    On the signal the server stops accepting (in-flight requests finish), then the
    workers stop taking jobs and running ones get ``shutdown_grace`` seconds to finish; a job
    still running after that is interrupted and goes back to PENDING for the next start.
    """
    if settings.log_format == "json":
        configure_structured_logging()
    runtime = Runtime(settings).open()
    runtime.acquire_app_lock(APP_LOCK_PATIENCE_S)
    server: ServerHost | None = None
    try:
        runtime.start_workers()
        runtime.start_watching()
        runtime.queue_old_tags()
        if not getattr(args, "no_server", False):
            server = ServerHost(runtime, headless=True).start()
        print(_banner(runtime, server), flush=True)
        restore = wait_for_signal(runtime.interrupt_running)
    finally:
        if server is not None:
            server.stop()
        runtime.stop(grace=settings.shutdown_grace)
        log.info("stopped")
    restore()
    return EXIT_OK


def worker(args: argparse.Namespace, settings: Settings) -> int:
    """A headless consumer: no HTTP server and no library lock, so any number of them,
    on any machines, can share one library (PostgreSQL, Redis and S3 when scaled out).

    SIGTERM (or Ctrl-C) stops taking messages and gives running jobs
    ``shutdown_grace`` seconds; jobs still running then are interrupted and go back
    to PENDING for another worker. A second signal interrupts them at once.
    """
    runtime = Runtime(settings).open()
    restore: Callable[[], None] | None = None
    try:
        runtime.start_workers()
        lanes = ", ".join(f"{n} on {queue}" for queue, n in runtime.lanes().items())
        print(f"MediaDesk worker pid {os.getpid()}: {lanes}", flush=True)
        restore = wait_for_signal(runtime.interrupt_running)
        running = len(runtime.monitor.running_ids()) if runtime.monitor else 0
        print(
            f"stopping: {running} running jobs get up to {settings.shutdown_grace:g}s",
            flush=True,
        )
    finally:
        runtime.stop(grace=settings.shutdown_grace)
        if restore is not None:
            restore()
    print("worker stopped", flush=True)
    return EXIT_OK


def _banner(runtime: Runtime, server: ServerHost | None) -> str:
    s = runtime.settings
    lines = [f"MediaDesk serving library {s.home}", f"  workers: {s.workers}"]
    if server is not None:
        lines.append(f"  http: {server.url}  (API docs: {server.url}/docs)")
        if server.bind_host not in ("127.0.0.1", "::1", "localhost"):
            lines.append(f"  listening on {server.bind_host}:{server.port} (the LAN can reach it)")
        if server.generated_token:
            lines.append(f"  token (new, saved to {s.settings_file}): {server.generated_token}")
        else:
            lines.append(f"  token: from settings ({s.settings_file} or MEDIADESK_SERVER_TOKEN)")
    return "\n".join(lines)
