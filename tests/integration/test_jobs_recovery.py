"""The reaper: lost queue messages, stale heartbeats from other hosts, events."""

import time
from datetime import timedelta
from pathlib import Path

import pytest

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus
from mediadesk.events import JobEnqueued, JobProgress, JobStateChanged, MediaChanged
from mediadesk.jobs.models import Job
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from tests.jobtypes import CountInput, EncodeInput, machinery_registry

pytestmark = pytest.mark.integration


def test_lost_queue_message_is_sent_again(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = tmp_path / "ledger"
    rt = Runtime(settings, registry=machinery_registry()).open()
    try:
        job = rt.jobs.submit(JobSpec("test_count", CountInput(ledger=str(ledger))))
        rt.transport._open("default").flush()  # the message is gone (Huey is at-most-once)
        assert job.id not in rt.transport.queued_ids("default")
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
        rt.start_workers()
        time.sleep(2.5)
        assert rt.jobs.get(job.id).status == JobStatus.PROCESSING
    finally:
        rt.stop()


def test_events_reach_subscribers(jobs_runtime) -> None:  # type: ignore[no-untyped-def]
    seen: list[object] = []
    for kind in (JobEnqueued, JobProgress, JobStateChanged, MediaChanged):
        jobs_runtime.bus.subscribe(seen.append, kind)
    job = jobs_runtime.jobs.submit(JobSpec("test_encode", EncodeInput(seconds=1.5)))
    jobs_runtime.jobs.wait([job.id], timeout=60)
    time.sleep(0.2)
    mine = [e for e in seen if getattr(e, "job_id", None) == job.id]
    assert isinstance(mine[0], JobEnqueued)
    states = [e.status for e in mine if isinstance(e, JobStateChanged)]
    assert states == ["PROCESSING", "COMPLETED"]
    progress = [e.percent for e in mine if isinstance(e, JobProgress) and e.percent is not None]
    assert progress and max(progress) > 50
