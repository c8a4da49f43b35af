"""Cancel stops a running ffmpeg within 5 seconds, from another process, leaving nothing."""

from pathlib import Path

import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.errors import ErrorCode
from mediadesk.jobs.reaper import pid_alive
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from tests.integration.test_jobs_crash import wait_for_ffmpeg
from tests.jobtypes import EncodeInput
from tests.waiting import stop_when_drained, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_cancel_from_another_runtime(jobs_runtime, settings) -> None:  # type: ignore[no-untyped-def]
    job = jobs_runtime.store.enqueue([JobSpec("test_encode", EncodeInput(seconds=60))])[0]
    pgid = wait_for_ffmpeg(jobs_runtime, job, past_percent=0.0)  # it is encoding
    # Cancel the way the CLI does: a separate client runtime writing the request.
    client = Runtime(settings).open()
    try:
        client.jobs.cancel(job)
        # Five seconds is the promise under test (a heartbeat to notice, then the
        # two-second grace of FAST settings before a kill), not a pause.
        wait_until(lambda: not pid_alive(pgid), "ffmpeg to stop after the cancel", timeout=5.0)
        (view,) = client.jobs.wait([job], timeout=10)
    finally:
        client.stop()
    assert view.status == JobStatus.FAILED and view.error_code == ErrorCode.CANCELLED
    history = jobs_runtime.jobs.get(job).attempt_history
    assert history[-1].outcome == "CANCELLED" and history[-1].commands[0].cancelled
    assert not jobs_runtime.storage.exists(f"test/{job}/out.mp4")


def test_cancel_pending_job_never_runs(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.jobtypes import CountInput, machinery_registry

    ledger = tmp_path / "ledger"
    client = Runtime(settings, registry=machinery_registry()).open()  # no workers yet
    try:
        job = client.jobs.submit(JobSpec("test_count", CountInput(ledger=str(ledger))))
        assert job.status == JobStatus.PENDING
        view = client.jobs.cancel(job.id)
        assert view.status == JobStatus.FAILED and view.error_code == ErrorCode.CANCELLED
        assert job.id in client.transport.queued_ids("default")  # its message is still there
        client.start_workers()
        stop_when_drained(client)  # a worker has taken that message and handled it
        assert not ledger.exists(), "the cancelled job ran"
        client.open()
        assert client.jobs.get(job.id).attempts == 0
    finally:
        client.stop()


def test_shutdown_interrupts_and_requeues(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.jobtypes import machinery_registry

    rt = Runtime(settings, registry=machinery_registry()).open()
    rt.start_workers()
    job = rt.store.enqueue([JobSpec("test_encode", EncodeInput(seconds=30))])[0]
    pgid = wait_for_ffmpeg(rt, job, past_percent=0.0)
    rt.stop(grace=0.5)  # the job cannot finish in time: it is interrupted
    assert not pid_alive(pgid)
    rt = Runtime(settings, registry=machinery_registry()).open()
    try:
        view = rt.jobs.get(job)
        assert view.status == JobStatus.PENDING and view.lost_attempts == 1
        assert view.attempt_history[-1].outcome == "INTERRUPTED"
    finally:
        rt.stop()
