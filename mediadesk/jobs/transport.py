"""Huey as a doorbell: messages carry only a job id; the database says what to do.

Huey is at-most-once (a message is deleted when a worker takes it), which is fine
here: the job row, its lease and the reaper make the system at-least-once, and the
conditional claim makes each attempt run once. SqliteHuey lives in its own file,
apart from the library database; ``redis://`` URLs give a Redis-backed queue for
workers on other machines.
"""

from __future__ import annotations

import calendar
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from huey import PriorityRedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer, Worker
from huey.storage import PriorityRedisStorage

from mediadesk.errors import ConfigError
from mediadesk.jobs.store import Wakeup

log = logging.getLogger(__name__)

TASK_NAME = "mediadesk.run_job"
Handler = Callable[[str], None]


class JobTransport:
    def __init__(self, queue_url: str, queue_names: list[str]) -> None:
        self.queue_url = queue_url
        self._hueys: dict[str, Huey] = {}
        self._tasks: dict[str, Any] = {}
        self._handler: Handler | None = None
        self.wake = threading.Event()
        for name in queue_names:
            self._open(name)

    def _open(self, name: str) -> Huey:
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
        for w in wakeups:
            self._open(w.queue)
            task = self._tasks[w.queue]
            if w.eta is not None:
                task.schedule(args=(w.job_id,), eta=w.eta, priority=w.priority)
            else:
                task(w.job_id, priority=w.priority)
        if wakeups:
            self.wake.set()

    def queued_ids(self, queue: str) -> set[str]:
        """Job ids with a message waiting (queued or scheduled) on ``queue``."""
        huey = self._open(queue)
        ids = set()
        for task in [*huey.pending(), *huey.scheduled()]:
            if task.args:
                ids.add(str(task.args[0]))
        return ids

    def depth(self, queue: str) -> int:
        return int(self._open(queue).pending_count())

    def consume(self, handler: Handler, queues: list[str], workers: int) -> EmbeddedConsumers:
        self._handler = handler
        return EmbeddedConsumers(
            [_EmbeddedConsumer(self._open(q), workers, self.wake) for q in queues]
        )

    def close(self) -> None:
        for huey in self._hueys.values():
            storage = huey.storage
            close = getattr(storage, "close", None)
            if close is not None:
                close()


def _make_huey(url: str, name: str) -> Huey:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=str(path), results=False, utc=True, timeout=30)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisHuey(
            name=name,
            url=url,
            results=False,
            utc=True,
            blocking=True,
            storage_class=_UTCPriorityRedisStorage,
        )
    raise ConfigError(f"unsupported queue_url {url!r}: use sqlite:///path or redis://host")


class _UTCPriorityRedisStorage(PriorityRedisStorage):  # type: ignore[misc]
    """Huey's Redis storage with schedule scores in true UTC epoch seconds.

    Huey turns the (naive, UTC) eta into a score with ``time.mktime``, which reads it
    as *local* time: two machines in different time zones would then fire each other's
    scheduled retries hours early or late. ``calendar.timegm`` makes the score the
    same on every machine.
    """

    def convert_ts(self, ts: datetime) -> float:
        return calendar.timegm(ts.timetuple()) + ts.microsecond * 1e-6


class _WakeableWorker(Worker):  # type: ignore[misc]
    """Sleeps on a shared event, so an enqueue in this process starts work at once."""

    wake: threading.Event
    delay: float
    default_delay: float
    max_delay: float
    backoff: float

    def sleep(self) -> None:
        if self.delay > self.max_delay:
            self.delay = self.max_delay
        if self.wake.wait(self.delay):
            self.wake.clear()
            self.delay = self.default_delay
        else:
            self.delay *= self.backoff


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer minus its signal handlers: the host application owns signals."""

    def __init__(self, huey: Huey, workers: int, wake: threading.Event) -> None:
        self._wake = wake
        super().__init__(
            huey,
            workers=workers,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            backoff=1.5,
            max_delay=1.0,
            scheduler_interval=1,
            check_worker_health=True,
        )

    def _create_worker(self) -> Worker:
        worker = _WakeableWorker(
            huey=self.huey,
            stop_flag=self.stop_flag,
            default_delay=self.default_delay,
            max_delay=self.max_delay,
            backoff=self.backoff,
            max_tasks=self.max_tasks,
        )
        worker.wake = self._wake
        return worker

    def _set_signal_handlers(self) -> None:
        pass


class EmbeddedConsumers:
    def __init__(self, consumers: list[_EmbeddedConsumer]) -> None:
        self._consumers = consumers
        self._health = threading.Thread(target=self._watch, name="huey-health", daemon=True)
        self._stopping = threading.Event()

    def start(self) -> None:
        for consumer in self._consumers:
            consumer.start()
        self._health.start()

    def _watch(self) -> None:
        while not self._stopping.wait(10):
            for consumer in self._consumers:
                consumer.check_worker_health()

    def stop(self, timeout: float | None) -> bool:
        """Stop taking messages; wait up to ``timeout`` for running handlers."""
        self._stopping.set()
        for consumer in self._consumers:
            consumer.stop_flag.set()
            consumer._wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        alive = False
        for consumer in self._consumers:
            for _, thread in consumer.worker_threads:
                thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
                alive = alive or thread.is_alive()
            consumer.scheduler.join(1.0)
        return not alive
