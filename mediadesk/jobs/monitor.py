"""Watches the jobs running in this process: heartbeats, cancel requests, time limits.

One thread for all running jobs. Cancel requests written by any process (CLI, server,
GUI) are polled every half second; leases are renewed every ``heartbeat_interval``.
Progress goes to the event bus at most a few times a second (a report held back by that
limit goes out with the next tick, so the last of a burst is never lost) and to the
database with the heartbeat, so a busy encode never floods either.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mediadesk.engine.process import CancelToken
from mediadesk.events import EventBus, JobProgress
from mediadesk.jobs.context import CANCEL_SHUTDOWN, CANCEL_TIMEOUT, CANCEL_USER
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.work import Progress

log = logging.getLogger(__name__)

TICK_S = 0.5
EVENT_INTERVAL_S = 0.25


@dataclass
class _Running:
    worker: str
    cancel: CancelToken
    deadline: float
    attempt: int | None = None
    percent: float | None = None
    eta_s: float | None = None
    done: int | None = None
    total: int | None = None
    speed: float | None = None
    last_event: float = 0.0
    # A report held back by the event interval: sent by the next tick (a trailing
    # event), so the last value of a burst is never lost.
    held: bool = False


class JobMonitor:
    def __init__(
        self,
        store: JobStore,
        bus: EventBus,
        heartbeat_interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.bus = bus
        self.heartbeat_interval = heartbeat_interval
        self.clock = clock
        self._running: dict[str, _Running] = {}
        # Jobs this process is claiming right now: the claim commits before the job is
        # registered, and the reaper must not take a job back in between.
        self._claiming: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="job-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def reserve(self, job_id: str) -> None:
        """Mark a job as being claimed by this process (call before the claim)."""
        with self._lock:
            self._claiming.add(job_id)

    def release(self, job_id: str) -> None:
        with self._lock:
            self._claiming.discard(job_id)

    def register(
        self,
        job_id: str,
        worker: str,
        cancel: CancelToken,
        deadline: float,
        attempt: int | None = None,
    ) -> None:
        with self._lock:
            self._running[job_id] = _Running(worker, cancel, deadline, attempt)
            self._claiming.discard(job_id)

    def unregister(self, job_id: str) -> None:
        with self._lock:
            self._running.pop(job_id, None)

    def running_ids(self) -> list[str]:
        """Jobs running in this process, and those it is claiming right now."""
        with self._lock:
            return [*self._running, *self._claiming]

    def progress(
        self,
        job_id: str,
        percent: float | None,
        eta_s: float | None,
        speed: float | None,
        done: int | None = None,
        total: int | None = None,
    ) -> None:
        now = self.clock()
        with self._lock:
            entry = self._running.get(job_id)
            if entry is None:
                return
            if percent is not None:
                entry.percent, entry.eta_s = percent, eta_s
            if done is not None:
                entry.done, entry.total = done, total
            entry.speed = speed
            if now - entry.last_event < EVENT_INTERVAL_S and (percent or 0) < 100:
                entry.held = True
                return
            entry.last_event, entry.held = now, False
            attempt = entry.attempt
        self.bus.publish(JobProgress(job_id, percent, eta_s, speed, done, total, attempt))

    def _send_held(self, now: float) -> None:
        """Publish the reports the event interval held back (the latest of each job)."""
        events = []
        with self._lock:
            for job_id, e in self._running.items():
                if e.held and now - e.last_event >= EVENT_INTERVAL_S:
                    e.last_event, e.held = now, False
                    events.append(
                        JobProgress(job_id, e.percent, e.eta_s, e.speed, e.done, e.total, e.attempt)
                    )
        for event in events:
            self.bus.publish(event)

    def cancel_local(self, job_id: str, reason: str = CANCEL_USER) -> bool:
        """Cancel a job running in this process right away (no polling delay)."""
        with self._lock:
            entry = self._running.get(job_id)
        if entry is None:
            return False
        entry.cancel.cancel(reason)
        return True

    def cancel_all(self, reason: str = CANCEL_SHUTDOWN) -> None:
        with self._lock:
            entries = list(self._running.values())
        for entry in entries:
            entry.cancel.cancel(reason)

    def _loop(self) -> None:
        last_beat = 0.0
        while not self._stop.wait(TICK_S):
            try:
                now = self.clock()
                self._send_held(now)
                with self._lock:
                    snapshot = dict(self._running)
                for entry in snapshot.values():
                    if now > entry.deadline:
                        entry.cancel.cancel(CANCEL_TIMEOUT)
                if now - last_beat >= self.heartbeat_interval:
                    last_beat = now
                    cancelled = self.store.heartbeat(
                        {j: e.worker for j, e in snapshot.items()},
                        {
                            j: Progress(e.percent, e.eta_s, e.done, e.total)
                            for j, e in snapshot.items()
                        },
                    )
                else:
                    cancelled = self.store.cancel_requested(snapshot)
                for job_id in cancelled:
                    if job_id in snapshot:
                        snapshot[job_id].cancel.cancel(CANCEL_USER)
            except Exception:
                # A locked or unreachable database must not kill the monitor; the next
                # tick tries again and stale leases are what the reaper is for.
                log.exception("job monitor tick failed")
