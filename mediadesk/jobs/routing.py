"""Which queue a job goes to, and the queues every consuming process serves."""

from __future__ import annotations

import logging
import math
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from mediadesk.jobs.registry import JobType
from mediadesk.settings import Settings

log = logging.getLogger(__name__)

HOSTNAME = socket.gethostname()
# Queues every consuming process serves beside its configured ``queues``, with threads
# of their own (``Runtime.start_workers``): downloads on ``imports``, copies of local
# paths on the host's own queue. They never take an encoder's thread, and an encode
# never holds up an import.
IMPORTS_QUEUE = "imports"
LANES = (IMPORTS_QUEUE,)


def host_queue(host: str = HOSTNAME) -> str:
    """The queue only processes on ``host`` consume (jobs that read local paths)."""
    return f"imports@{host}"


def queue_for(settings: Settings, kind: JobType[Any], in_a_folder: bool = False) -> str:
    """The queue a new job of type ``kind`` goes to: this host's own queue for a
    host-bound type, else the folders queue for a file read from a library folder, else
    a configured route, else the type's own queue.

    A route wins even when this process does not consume that queue: the point of
    routing is that other machines (say, the GPU boxes) take those jobs. A host-bound
    job (a copy of a local path) ignores routes: only this host can read its input;
    so does a job for a library folder's file: only a machine that mounts the folder
    can (a worker that cannot would fail each attempt until the job is dead).
    """
    if kind.host_bound:
        return host_queue()
    if in_a_folder and settings.folders_queue:
        return settings.folders_queue
    routed = settings.queue_routes.get(kind.name)
    if routed:
        return routed
    if kind.queue in settings.queues or kind.queue in LANES:
        return kind.queue
    return settings.queues[0]


class FolderGate:
    """The gate of the folders queue (``JobTransport.consume``): does this process see
    every library folder? Asked again every ``interval`` seconds, so a share mounted or
    lost while the workers run is noticed without a restart; until then the queue's
    messages wait for a process that sees them."""

    def __init__(self, check: Callable[[], bool], interval: float) -> None:
        self.check = check
        self.interval = interval
        self._lock = threading.Lock()
        self._at = -math.inf
        self._sees = False

    def __call__(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._at < self.interval:
                return self._sees
            try:
                sees = self.check()
            except Exception:  # the database is away: closed until the next check
                log.exception("could not check that the library folders are here")
                sees = False
            if sees != self._sees:
                log.info(
                    "library folders %s: %s",
                    "all visible here" if sees else "not all visible here",
                    "taking their jobs" if sees else "leaving their jobs to other processes",
                )
            self._at, self._sees = now, sees
            return sees
