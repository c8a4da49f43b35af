"""Kill the worker process with SIGKILL in the middle of ffmpeg; nothing is lost."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from mediadesk.domain.enums import JobStatus
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.reaper import pid_alive
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.jobtypes import EncodeInput, machinery_registry
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def start_worker(home: Path, marker: Path) -> subprocess.Popen[bytes]:
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.jobtypes", str(marker)],
        cwd=ROOT,
        env={**os.environ, "MEDIADESK_HOME": str(home)},
    )

    def ready() -> bool:
        assert proc.poll() is None, "worker died on start-up"
        return marker.exists()

    wait_until(ready, f"worker {proc.pid} to write its ready marker")
    return proc


def running_attempt(rt: Runtime, job_id: str) -> tuple[int | None, float]:
    """The running attempt's ffmpeg process group (None until it starts) and progress."""
    with rt.db.read() as s:
        job = s.get(Job, job_id)
        if job is None or job.status != JobStatus.PROCESSING:
            return None, 0.0
        attempt = s.scalar(
            select(JobAttempt).where(JobAttempt.job_id == job_id, JobAttempt.number == job.attempts)
        )
        return (attempt.process_group if attempt else None), job.progress or 0.0


def wait_for_ffmpeg(rt: Runtime, job_id: str, past_percent: float | None = None) -> int:
    """The process group of the job's ffmpeg once it runs (and, when ``past_percent``
    is given, once the job's recorded progress is beyond it)."""
    pgid, _ = wait_until(
        lambda: running_attempt(rt, job_id),
        f"job {job_id}'s ffmpeg to run"
        + ("" if past_percent is None else f" past {past_percent:g}%"),
        until=lambda seen: seen[0] is not None and (past_percent is None or seen[1] > past_percent),
    )
    assert pgid is not None
    return pgid


# Killed as soon as ffmpeg's group is recorded, once it has written output, and late.
@pytest.mark.parametrize("kill_past", [None, 0.0, 60.0])
def test_sigkill_mid_encode_then_restart(
    home: Path, tmp_path: Path, kill_past: float | None
) -> None:
    client = Runtime(load_settings(FAST), registry=machinery_registry()).open()
    try:
        job = client.store.enqueue([_spec(EncodeInput(seconds=4.0, label=f"kill-{kill_past}"))])[0]
        worker = start_worker(home, tmp_path / "ready")
        pgid = wait_for_ffmpeg(client, job, kill_past)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        # ffmpeg outlived its parent (it runs in its own session) ...
        assert pid_alive(pgid)
        # ... and nothing was published: outputs only appear after verification.
        assert not client.storage.exists(f"test/{job}/out.mp4")

        worker = start_worker(home, tmp_path / "ready")
        try:
            (view,) = client.jobs.wait([job], timeout=90)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
        assert view.status == JobStatus.COMPLETED
        history = client.jobs.get(job).attempt_history
        assert [a.outcome for a in history] == ["INTERRUPTED", "SUCCEEDED"]
        assert history[0].error_code == "WORKER_LOST"
        assert view.lost_attempts == 1 and view.max_attempts == 3
        # The orphaned ffmpeg was killed by the reaper, not left to finish alone.
        assert not pid_alive(pgid)
        out = client.storage.local_path(f"test/{job}/out.mp4")
        probe = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                str(out),
            ],
            capture_output=True,
            text=True,
        )
        assert float(probe.stdout) == pytest.approx(4.0, abs=0.2), "a complete output"
    finally:
        client.stop()


def _spec(inp: EncodeInput):  # type: ignore[no-untyped-def]
    from mediadesk.jobs.spec import JobSpec

    return JobSpec("test_encode", inp)
