"""Huey as a doorbell: messages carry only a job id; the database says what to do.

Huey is at-most-once (a message is deleted when a worker takes it), which is fine
here: the job row, its lease and the reaper make the system at-least-once, and the
conditional claim makes each attempt run once. SqliteHuey lives in its own file,
apart from the library database; ``redis://`` URLs give a Redis-backed queue for
workers on other machines.

Only Huey's public API is used (``Huey.task``, ``enqueue`` through the task,
``dequeue``, ``execute``, ``pending``, ``pending_count``), with the version pinned in
pyproject.toml to the one the tests run. What an embedded consumer needs and Huey's
``Consumer`` does not give is done here instead of by overriding Huey's internals:

- **No signal take-over.** ``Consumer.start()`` installs SIGINT/SIGTERM/SIGHUP
  handlers; the desktop app and ``serve`` own their signals. :class:`EmbeddedConsumers`
  runs plain threads that call ``dequeue``/``execute``.
- **Fast wake-up.** An enqueue from this process sets :attr:`JobTransport.wake`, which
  idle workers wait on (a poll with backoff otherwise; Redis blocks in ``dequeue``).
- **No Huey schedule.** A delayed message (a retry's backoff, a message that came
  before its ``run_after``) waits in this process's :class:`_DelayedBell` and is
  enqueued when due. Huey's Redis schedule scores ``eta`` with the local time zone,
  so machines in different zones would fire each other's retries hours off; the job
  row's ``run_after`` is the truth anyway, and if this process dies first, the reaper
  of any process re-sends PENDING jobs that are due and have no message.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from huey import PriorityRedisHuey, SqliteHuey
from huey.api import Huey

from mediadesk.base_types import utcnow
from mediadesk.errors import ConfigError
from mediadesk.jobs.work import Wakeup
from mediadesk.library.db import sqlite_file

log = logging.getLogger(__name__)

TASK_NAME = "mediadesk.run_job"
Handler = Callable[[str], None]
Gate = Callable[[], bool]  # may this process take from a queue now (asked often: cache it)

# Idle workers poll a SQLite queue from every 50 ms (just after work) to every second.
INITIAL_DELAY_S = 0.05
MAX_DELAY_S = 1.0
BACKOFF = 1.5
GATE_WAIT_S = 1.0  # a closed gate is asked again after this


class JobTransport:
    def __init__(self, queue_url: str, queue_names: list[str]) -> None:
        self.queue_url = queue_url
        self._hueys: dict[str, Huey] = {}
        self._tasks: dict[str, Any] = {}
        self._handler: Handler | None = None
        self._lock = threading.Lock()
        self.wake = threading.Event()
        self._bell = _DelayedBell(self._enqueue)
        for name in queue_names:
            self._open(name)

    def _open(self, name: str) -> Huey:
        with self._lock:
            if name in self._hueys:
                return self._hueys[name]
            huey = _make_huey(self.queue_url, name)

            def run_job(job_id: str) -> None:
                if self._handler is None:
                    raise RuntimeError("a job message reached a process with no worker")
                self._handler(job_id)

            self._tasks[name] = huey.task(name=TASK_NAME)(run_job)
            self._hueys[name] = huey
            return huey

    def send(self, wakeups: list[Wakeup]) -> None:
        now = utcnow()
        due = [w for w in wakeups if w.eta is None or w.eta <= now]
        for w in wakeups:
            if w not in due:
                self._bell.ring_at(w)
        self._enqueue(due)

    def _enqueue(self, wakeups: list[Wakeup]) -> None:
        for w in wakeups:
            self._open(w.queue)
            self._tasks[w.queue](w.job_id, priority=w.priority)
        if wakeups:
            self.wake.set()

    def queued_ids(self, queue: str) -> set[str]:
        """Job ids with a message waiting on ``queue``, or due to be sent from here."""
        huey = self._open(queue)
        ids = {str(task.args[0]) for task in huey.pending() if task.args}
        return ids | self._bell.ids(queue)

    def depth(self, queue: str) -> int:
        return int(self._open(queue).pending_count())

    def consume(
        self,
        handler: Handler,
        lanes: Mapping[str, int] | Sequence[str],
        workers: int = 1,
        gates: Mapping[str, Gate] | None = None,
    ) -> EmbeddedConsumers:
        """Consume queues: a mapping gives each its own number of worker threads, a list
        gives each ``workers``. A queue with a gate is taken from only while it says yes."""
        self._handler = handler
        counts = dict(lanes) if isinstance(lanes, Mapping) else dict.fromkeys(lanes, workers)
        return EmbeddedConsumers(
            [(self._open(q), n, (gates or {}).get(q)) for q, n in counts.items()], self.wake
        )

    def close(self) -> None:
        self._bell.stop()
        for huey in self._hueys.values():
            close = getattr(huey.storage, "close", None)
            if close is not None:
                close()


def _make_huey(url: str, name: str) -> Huey:
    if (path := sqlite_file(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=str(path), results=False, utc=True, timeout=30)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisHuey(name=name, url=url, results=False, utc=True, blocking=True)
    raise ConfigError(f"unsupported queue_url {url!r}: use sqlite:///path or redis://host")


class _DelayedBell:
    """Messages to send later, from this process: one thread, a heap ordered by time."""

    def __init__(self, send: Callable[[list[Wakeup]], None]) -> None:
        self._send = send
        self._heap: list[tuple[datetime, int, Wakeup]] = []
        self._counter = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def ring_at(self, wakeup: Wakeup) -> None:
        assert wakeup.eta is not None
        with self._cond:
            self._counter += 1
            heapq.heappush(self._heap, (wakeup.eta, self._counter, wakeup))
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="job-bell", daemon=True)
                self._thread.start()
            self._cond.notify()

    def ids(self, queue: str) -> set[str]:
        with self._cond:
            return {w.job_id for _, _, w in self._heap if w.queue == queue}

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    wait = (self._heap[0][0] - utcnow()).total_seconds() if self._heap else None
                    if wait is not None and wait <= 0:
                        break
                    self._cond.wait(wait)
                if self._stopped:
                    return
                due = []
                now = utcnow()
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
            try:
                self._send(due)
            except Exception:
                # The reaper re-sends due PENDING jobs that have no message.
                log.exception("could not send %d delayed job messages", len(due))

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(5)


class EmbeddedConsumers:
    """Worker threads that take messages from Huey queues inside the host process."""

    def __init__(self, lanes: list[tuple[Huey, int, Gate | None]], wake: threading.Event) -> None:
        """``lanes``: each queue with its number of worker threads and its gate."""
        self._stop = threading.Event()
        self._wake = wake
        self._threads = [
            threading.Thread(
                target=self._work,
                args=(huey, gate),
                name=f"worker-{huey.name}-{i + 1}",
                daemon=True,
            )
            for huey, workers, gate in lanes
            for i in range(workers)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def _work(self, huey: Huey, gate: Gate | None) -> None:
        delay = INITIAL_DELAY_S
        while not self._stop.is_set():
            if gate is not None and not gate():
                # Messages stay queued for processes the gate lets in (none are lost).
                self._stop.wait(GATE_WAIT_S)
                continue
            try:
                task = huey.dequeue()
                if task is not None:
                    delay = INITIAL_DELAY_S
                    huey.execute(task)
                    continue
            except Exception:
                # A broken message or a queue hiccup must not end the worker thread.
                log.exception("worker on queue %s: could not take or run a message", huey.name)
            if huey.storage.blocking:
                continue  # Redis waited in dequeue already
            if self._wake.wait(delay):
                self._wake.clear()
                delay = INITIAL_DELAY_S
            else:
                delay = min(MAX_DELAY_S, delay * BACKOFF)

    def stop(self, timeout: float | None) -> bool:
        """Stop taking messages; wait up to ``timeout`` for running handlers."""
        self._stop.set()
        self._wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)
