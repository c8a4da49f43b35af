"""Long-running modes: the default app, ``serve`` (headless) and ``worker``."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import threading
from typing import Any

from mediadesk.cli.output import EXIT_OK
from mediadesk.logs import configure_structured_logging
from mediadesk.runtime import Runtime
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


def gui_available() -> bool:
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return has_display and importlib.util.find_spec("ui") is not None


def default_app(args: argparse.Namespace, settings: Settings) -> int:
    """``mediadesk`` alone: the desktop app when there is a screen, else serve."""
    if gui_available():
        from ui.app import run_gui  # type: ignore[import-not-found]  # Qt stays out of the core

        return int(run_gui(settings))
    return serve(args, settings)


def wait_for_signal() -> None:
    stop = threading.Event()

    def handle(signum: int, _frame: object) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, handle) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Headless: workers plus the HTTP server until SIGTERM/SIGINT.

    On the signal the server stops accepting (in-flight requests finish), then the
    workers stop taking jobs and running ones get ``shutdown_grace`` seconds to finish; a job
    still running after that is interrupted and goes back to PENDING for the next start.
    """
    if settings.log_format == "json":
        configure_structured_logging()
    runtime = Runtime(settings).open()
    runtime.acquire_app_lock()
    server: ServerHost | None = None
    try:
        runtime.start_workers()
        if not getattr(args, "no_server", False):
            server = ServerHost(runtime, headless=True).start()
        print(_banner(runtime, server), flush=True)
        wait_for_signal()
    finally:
        if server is not None:
            server.stop()
        runtime.stop(grace=settings.shutdown_grace)
        log.info("stopped")
    return EXIT_OK


def worker(args: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime(settings).open()
    try:
        runtime.start_workers()
        print(
            f"MediaDesk worker: {settings.workers} on queues {','.join(settings.queues)}",
            flush=True,
        )
        wait_for_signal()
    finally:
        runtime.stop(grace=settings.shutdown_grace)
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
