"""The reaper: lost queue messages, stale heartbeats from other hosts, events."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus
from mediadesk.events import JobEnqueued, JobProgress, JobStateChanged, MediaChanged
from mediadesk.jobs.models import Job
from mediadesk.jobs.reaper import Reaper
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from tests.jobtypes import CountInput, EncodeInput, machinery_registry
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def reaper_of(rt: Runtime) -> Reaper:
    """A reaper over ``rt`` that runs only when the test calls it (no thread, no workers)."""
    return Reaper(rt.settings, rt.db, rt.store, rt.transport, rt.storage, monitor=None)


def update_job(rt: Runtime, job_id: str, **values: object) -> None:
    """Set columns of a job row directly: what another machine's worker would leave."""
    with rt.db.write() as s:
        row = s.get_one(Job, job_id)
        for name, value in values.items():
            setattr(row, name, value)


def ago(seconds: float) -> datetime:
    return utcnow() - timedelta(seconds=seconds)


def test_lost_queue_message_is_sent_again(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = tmp_path / "ledger"
    rt = Runtime(settings, registry=machinery_registry()).open()
    try:
        job = rt.jobs.submit(JobSpec("test_count", CountInput(ledger=str(ledger))))
        rt.transport._open("default").flush()  # the message is gone (Huey is at-most-once)
        assert job.id not in rt.transport.queued_ids("default")
        # Once the job has been quiet for requeue_after, a reaper pass sends it again.
        update_job(rt, job.id, updated_at=ago(settings.requeue_after + 1))
        assert reaper_of(rt).requeue_missing() == [job.id]
        assert job.id in rt.transport.queued_ids("default")
        rt.start_workers()
        (view,) = rt.jobs.wait([job.id], timeout=30)
        assert view.status == JobStatus.COMPLETED
        assert ledger.read_text().split() == [job.id]
    finally:
        rt.stop()


def test_stale_heartbeat_from_another_host_is_reclaimed(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = tmp_path / "ledger"
    rt = Runtime(settings, registry=machinery_registry()).open()
    try:
        job = rt.jobs.submit(JobSpec("test_count", CountInput(ledger=str(ledger))))
        with rt.db.write() as s:  # a worker on another machine took it, then went silent
            row = s.get_one(Job, job.id)
            row.status, row.attempts = JobStatus.PROCESSING, 1
            row.locked_by = "nas-2:4242:abcd:Worker-1"
            row.heartbeat_at = utcnow() - timedelta(seconds=settings.stale_after + 5)
        rt.start_workers()
        (view,) = rt.jobs.wait([job.id], timeout=30)
        assert view.status == JobStatus.COMPLETED and view.lost_attempts == 1
    finally:
        rt.stop()


def test_live_remote_worker_is_left_alone(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rt = Runtime(settings, registry=machinery_registry()).open()
    try:
        job = rt.jobs.submit(JobSpec("test_count", CountInput(ledger=str(tmp_path / "l"))))
        with rt.db.write() as s:
            row = s.get_one(Job, job.id)
            row.status, row.attempts = JobStatus.PROCESSING, 1
            row.locked_by = "nas-2:4242:abcd:Worker-1"
            row.heartbeat_at = utcnow()
        reaper = reaper_of(rt)
        reaper.run_once()
        view = rt.jobs.get(job.id)
        assert view.status == JobStatus.PROCESSING and view.lost_attempts == 0
        # The same pass takes the job back once that worker's heartbeat is stale: the
        # pass above could have, and did not.
        update_job(rt, job.id, heartbeat_at=ago(settings.stale_after + 1))
        reaper.run_once()
        view = rt.jobs.get(job.id)
        assert view.status == JobStatus.PENDING and view.lost_attempts == 1
    finally:
        rt.stop()


def test_events_reach_subscribers(jobs_runtime) -> None:  # type: ignore[no-untyped-def]
    seen: list[object] = []
    for kind in (JobEnqueued, JobProgress, JobStateChanged, MediaChanged):
        jobs_runtime.bus.subscribe(seen.append, kind)
    job = jobs_runtime.jobs.submit(JobSpec("test_encode", EncodeInput(seconds=1.5)))
    jobs_runtime.jobs.wait([job.id], timeout=60)
    # The row says COMPLETED as the commit lands; the event follows just after it.
    wait_until(
        lambda: [e.status for e in seen if isinstance(e, JobStateChanged) and e.job_id == job.id],
        "the COMPLETED event",
        until=lambda states: "COMPLETED" in states,
    )
    mine = [e for e in seen if getattr(e, "job_id", None) == job.id]
    assert isinstance(mine[0], JobEnqueued)
    states = [e.status for e in mine if isinstance(e, JobStateChanged)]
    assert states == ["PROCESSING", "COMPLETED"]
    progress = [e.percent for e in mine if isinstance(e, JobProgress) and e.percent is not None]
    assert progress and max(progress) > 50
