"""Crash recovery and housekeeping, at start-up and then periodically.

- A PROCESSING job whose worker is gone goes back to PENDING and is queued again. On
  this host a dead pid is proof at once; elsewhere a stale heartbeat is.
- The ffmpeg a SIGKILLed worker left behind (it keeps running under PID 1) is killed
  through the process group recorded on the attempt.
- A PENDING job whose queue message was lost (Huey is at-most-once) is sent again.
- Scratch directories, abandoned staging files and originals without a row are swept;
  deletion tombstones older than a day are pruned (the newest one always stays).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, select

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus
from mediadesk.engine.process import signal_group
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.monitor import JobMonitor
from mediadesk.jobs.routing import HOSTNAME
from mediadesk.jobs.runner import PROCESS_TOKEN
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.transport import JobTransport
from mediadesk.jobs.work import Wakeup
from mediadesk.library.db import Database
from mediadesk.library.models import MediaDeletion, MediaFile
from mediadesk.settings import Settings
from mediadesk.storage.base import Storage

log = logging.getLogger(__name__)

STAGING_MAX_AGE_S = 6 * 3600
ORPHAN_ORIGINAL_AGE_S = 3600
# Listing the originals walks the whole library, or costs requests and money on a
# bucket; every worker runs a reaper.
LIBRARY_SWEEP_INTERVAL_S = 300.0
# Servers poll the deletion feed a few times a second; one asleep longer than this
# finds its cursor behind the oldest tombstone and forgets what it remembered.
TOMBSTONE_MAX_AGE = timedelta(days=1)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_is_dead(owner: str, running_here: set[str], job_id: str) -> bool:
    """True when ``owner`` (host:pid:token:thread) is provably gone."""
    parts = owner.split(":")
    if len(parts) < 3 or parts[0] != HOSTNAME:
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    if pid == os.getpid():
        return parts[2] != PROCESS_TOKEN or job_id not in running_here
    return not pid_alive(pid)


def kill_orphan(pgid: int | None) -> bool:
    """Kill a process group left by a dead worker, if it is still our ffmpeg."""
    if not pgid or not pid_alive(pgid):
        return False
    try:
        cmdline = Path(f"/proc/{pgid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return False
    if not Path(cmdline.decode("utf-8", "replace")).name.startswith(("ffmpeg", "ffprobe")):
        return False  # the pid was reused by something else; leave it alone
    return signal_group(pgid, signal.SIGKILL)


class Reaper:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        store: JobStore,
        transport: JobTransport,
        storage: Storage,
        monitor: JobMonitor | None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.store = store
        self.transport = transport
        self.storage = storage
        self.monitor = monitor
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_library_sweep: float | None = None

    def start(self) -> None:
        self.run_once()
        self._thread = threading.Thread(target=self._loop, name="job-reaper", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.reaper_interval):
            self.run_once()

    def run_once(self) -> None:
        for step in (self.recover, self.requeue_missing, self.sweep):
            try:
                step()
            except Exception:
                log.exception("reaper step %s failed", step.__name__)

    def recover(self) -> list[str]:
        stale_before = utcnow() - timedelta(seconds=self.settings.stale_after)
        with self.db.read() as s:
            rows = s.execute(
                select(Job.id, Job.locked_by, Job.heartbeat_at, JobAttempt.process_group)
                .outerjoin(
                    JobAttempt,
                    (JobAttempt.job_id == Job.id) & (JobAttempt.number == Job.attempts),
                )
                .where(Job.status == JobStatus.PROCESSING)
            ).all()
        # Taken after the read: a job this process claimed before the read is
        # registered (or still reserved) by now, so it is never mistaken for an orphan.
        running_here = set(self.monitor.running_ids()) if self.monitor else set()
        reclaimed = []
        for job_id, owner, beat, pgid in rows:
            owner = owner or ""
            if owner_is_dead(owner, running_here, job_id):
                reason = f"worker {owner} is no longer running"
            elif beat is None or beat < stale_before:
                reason = f"no heartbeat from {owner} since {beat}"
            else:
                continue
            if owner.startswith(HOSTNAME + ":") and kill_orphan(pgid):
                log.warning("killed orphaned process group %s of job %s", pgid, job_id)
            if self.store.reclaim(job_id, owner, reason):
                reclaimed.append(job_id)
        return reclaimed

    def requeue_missing(self) -> list[str]:
        now = utcnow()
        quiet_since = now - timedelta(seconds=self.settings.requeue_after)
        with self.db.read() as s:
            rows = s.execute(
                select(Job.id, Job.queue, Job.priority).where(
                    Job.status == JobStatus.PENDING,
                    Job.updated_at < quiet_since,
                    (Job.run_after.is_(None)) | (Job.run_after < quiet_since),
                )
            ).all()
        if not rows:
            return []
        queued: dict[str, set[str]] = {}
        missing = []
        for job_id, queue, priority in rows:
            if queue not in queued:
                queued[queue] = self.transport.queued_ids(queue)
            if job_id not in queued[queue]:
                missing.append(Wakeup(job_id, queue, priority))
        if missing:
            log.warning("re-sending %d job messages missing from the queue", len(missing))
            self.transport.send(missing)
        return [w.job_id for w in missing]

    def sweep(self) -> None:
        self._sweep_scratch()
        self._sweep_staging()
        now = time.monotonic()
        if self._last_library_sweep is not None and (
            now - self._last_library_sweep < LIBRARY_SWEEP_INTERVAL_S
        ):
            return
        self._last_library_sweep = now
        if self.storage.is_remote:
            aborted = self.storage.housekeeping()
            if aborted:
                log.warning("aborted %d unfinished multipart uploads", aborted)
        self._sweep_orphan_originals()
        self.prune_tombstones()

    def prune_tombstones(self) -> int:
        """Tombstones older than a day, except the newest (SQLite hands out the next
        ``seq`` after the largest there is: an empty table would start again at 1)."""
        with self.db.write() as s:
            newest = s.scalar(select(func.max(MediaDeletion.seq)))
            if newest is None:
                return 0
            done = s.execute(
                delete(MediaDeletion).where(
                    MediaDeletion.seq < newest,
                    MediaDeletion.deleted_at < utcnow() - TOMBSTONE_MAX_AGE,
                )
            )
            return int(getattr(done, "rowcount", 0) or 0)

    def _sweep_scratch(self) -> None:
        root = self.settings.scratch_dir
        if not root.is_dir():
            return
        running = set(self.monitor.running_ids()) if self.monitor else set()
        max_age = self.settings.scratch_max_age_hours * 3600
        with self.db.read() as s:
            live = {
                f"{job_id}-{n}"
                for job_id, n in s.execute(
                    select(Job.id, Job.attempts).where(Job.status == JobStatus.PROCESSING)
                )
            }
        for entry in root.iterdir():
            job_id = entry.name.rsplit("-", 1)[0]
            if job_id in running or entry.name in live:
                continue
            if _age(entry) > min(max_age, 3600.0):
                shutil.rmtree(entry, ignore_errors=True)

    def _sweep_staging(self) -> None:
        staging = self.storage.staging_dir()
        for entry in staging.iterdir():
            if _age(entry) > STAGING_MAX_AGE_S:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        trash = staging.parent / ".trash"
        if trash.is_dir():
            shutil.rmtree(trash, ignore_errors=True)

    def _sweep_orphan_originals(self) -> None:
        with self.db.read() as s:
            known = set(s.scalars(select(MediaFile.original_key)))
        cutoff = time.time() - ORPHAN_ORIGINAL_AGE_S
        for obj in self.storage.list("originals"):
            if obj.key in known:
                continue
            if obj.mtime > cutoff:
                continue  # maybe an import committing right now
            log.warning("removing original with no library row: %s", obj.key)
            self.storage.delete(obj.key)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0
