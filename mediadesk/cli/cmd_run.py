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
from mediadesk.runtime import Runtime
from mediadesk.settings import Settings

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 30.0


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="run headless: workers and the HTTP server")
    p.add_argument("--host", dest="server_host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", dest="server_port", type=int, help="port (default 8765)")
    p.add_argument("--token", dest="server_token", help="bearer token for writes")
    p.add_argument("--workers", type=int, help="worker threads (default: CPU count)")
    p.add_argument("--no-server", action="store_true", help="workers only, no HTTP server")
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
        from ui.app import run_gui  # Qt stays out of the core: imported only here

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
    runtime = Runtime(settings).open()
    runtime.acquire_app_lock()
    server = None
    try:
        runtime.start_workers()
        if not getattr(args, "no_server", False):
            server = _start_server(runtime)
        print(_banner(runtime, server), flush=True)
        wait_for_signal()
    finally:
        if server is not None:
            server.stop()
        runtime.stop(grace=SHUTDOWN_GRACE_S)
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
        runtime.stop(grace=SHUTDOWN_GRACE_S)
    return EXIT_OK


def _start_server(runtime: Runtime) -> Any:
    if importlib.util.find_spec("mediadesk.server") is None:
        return None
    server_host = importlib.import_module("mediadesk.server.host")
    host = server_host.ServerHost(runtime, headless=True)
    host.start()
    return host


def _banner(runtime: Runtime, server: Any) -> str:
    s = runtime.settings
    lines = [f"MediaDesk serving library {s.home}", f"  workers: {s.workers}"]
    if server is not None:
        lines.append(f"  http: {server.url}")
    return "\n".join(lines)
