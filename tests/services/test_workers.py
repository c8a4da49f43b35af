"""Many ``mediadesk worker`` processes on PostgreSQL + Redis + S3, as on a studio's NAS."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mediadesk.domain.enums import JobStatus
from mediadesk.handlers.noop import NoopInput
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.work import Wakeup
from mediadesk.runtime import LibraryLock, Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.jobtypes import CountInput, EncodeInput, machinery_registry
from tests.services.conftest import S3Server, open_uploads
from tests.services.workers import TEST_WORKER, Worker, kill_group, process_gone
from tests.waiting import wait_until


@pytest.fixture
def shared(pg_url: str, redis_url: str, bucket: str, s3_server: S3Server) -> dict[str, str]:
    """The settings every machine of the cluster shares."""
    return {
        "database_url": pg_url,
        "queue_url": redis_url,
        "storage": f"s3://{bucket}/lib",
        "s3_endpoint_url": s3_server.url,
    }


@pytest.fixture
def client(home: Path, shared: dict[str, str]) -> Iterator[Runtime]:
    """The test's own view of the library: it enqueues and reads, it runs nothing."""
    rt = Runtime(load_settings({**FAST, **shared}), machinery_registry()).open()
    yield rt
    rt.stop(grace=1)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def attempts_of(rt: Runtime, job_ids: list[str]) -> list[Any]:
    """(job_id, outcome, worker) of every attempt of ``job_ids``."""
    with rt.db.read() as s:
        return list(
            s.execute(
                select(JobAttempt.job_id, JobAttempt.outcome, JobAttempt.worker).where(
                    JobAttempt.job_id.in_(job_ids)
                )
            ).all()
        )


def pid_of(worker_identity: str) -> int:
    return int(worker_identity.split(":")[1])


def test_two_workers_share_fifty_jobs_and_run_each_once(
    client: Runtime, shared: dict[str, str], workers: list[Worker], tmp_path: Path
) -> None:
    for name in ("a", "b"):
        workers.append(
            Worker(tmp_path / f"machine-{name}", shared, concurrency=2, module=TEST_WORKER)
        )
    for worker in workers:
        worker.wait_ready()
    # Each handler run appends its job id here: the ledger counts real executions.
    ledger = tmp_path / "ledger.txt"
    ids = client.store.enqueue(
        JobSpec("test_count", CountInput(ledger=str(ledger), sleep_s=0.1)) for _ in range(50)
    )
    # Every message a second time: duplicates must be harmless.
    client.transport.send([Wakeup(i, "default", 0) for i in ids])
    views = client.jobs.wait(ids, timeout=240)
    assert {v.status for v in views} == {JobStatus.COMPLETED}
    runs = ledger.read_text().split()
    assert sorted(runs) == sorted(ids), "a job ran twice, or not at all"
    assert all(v.attempts == 1 for v in views)
    attempts = attempts_of(client, ids)
    assert len(attempts) == 50
    assert {a.outcome for a in attempts} == {"SUCCEEDED"}
    assert {pid_of(a.worker) for a in attempts} == {w.pid for w in workers}, "one worker idled"


@pytest.mark.slow
def test_sigkill_mid_encode_another_worker_finishes(
    client: Runtime,
    shared: dict[str, str],
    workers: list[Worker],
    tmp_path: Path,
    s3_server: S3Server,
    bucket: str,
) -> None:
    for name in ("a", "b"):
        workers.append(Worker(tmp_path / f"machine-{name}", shared, module=TEST_WORKER))
    for worker in workers:
        worker.wait_ready()
    # A real libx264 encode paced at real time (-re), so it runs for eight seconds.
    (job_id,) = client.store.enqueue([JobSpec("test_encode", EncodeInput(seconds=8))])

    def encoding() -> tuple[str, int] | None:
        with client.db.read() as s:
            job = s.get_one(Job, job_id)
            attempt = s.scalar(select(JobAttempt).where(JobAttempt.job_id == job_id))
            if job.status != JobStatus.PROCESSING or attempt is None:
                return None
            if not attempt.process_group or not (job.progress or 0) > 0:
                return None
            return attempt.worker, attempt.process_group

    owner, ffmpeg_pgid = wait_until(encoding, "ffmpeg to be encoding", timeout=120)
    victim = next(w for w in workers if w.pid == pid_of(owner))
    survivor = next(w for w in workers if w is not victim)
    victim.signal(signal.SIGKILL)
    victim.wait()
    try:
        (view,) = client.jobs.wait([job_id], timeout=240)
    finally:
        kill_group(ffmpeg_pgid)  # never leave an encoder behind, whatever happened
    assert view.status == JobStatus.COMPLETED, view
    detail = client.jobs.get(job_id)
    history = detail.attempt_history or []
    assert [a.outcome for a in history] == ["INTERRUPTED", "SUCCEEDED"]
    assert history[0].error_code == "WORKER_LOST"
    assert pid_of(history[1].worker) == survivor.pid
    assert detail.lost_attempts == 1 and detail.attempts == 2
    # The survivor's reaper killed the orphaned ffmpeg the dead worker left running.
    wait_until(lambda: process_gone(ffmpeg_pgid), "the orphaned ffmpeg to go", timeout=30)
    # Output and logs live in S3; the log is read back from there.
    assert client.storage.exists(f"test/{job_id}/out.mp4")
    log = client.jobs.log(job_id, attempt=2)
    assert log.exists and "completed" in log.data
    assert open_uploads(s3_server, bucket) == []


def sigterm_while_running(client: Runtime, worker: Worker, sleep_s: float) -> str:
    """Start a job of ``sleep_s`` seconds on ``worker``, SIGTERM it mid-job, await exit 0."""
    worker.wait_ready()
    (job_id,) = client.store.enqueue([JobSpec("noop", NoopInput(sleep_s=sleep_s))])
    wait_until(
        lambda: client.jobs.get(job_id).status,
        f"job {job_id} to start",
        until=lambda status: status == JobStatus.PROCESSING,
    )
    worker.signal(signal.SIGTERM)
    assert worker.wait(90) == 0, worker.output()
    return job_id


def test_sigterm_lets_the_running_job_finish(
    client: Runtime, shared: dict[str, str], workers: list[Worker], tmp_path: Path
) -> None:
    machine = tmp_path / "machine"
    # Workers never take the app lock: one runs while a GUI/serve holds the library.
    lock = LibraryLock(machine / "mediadesk.lock")
    lock.acquire()
    try:
        worker = Worker(machine, shared)
        workers.append(worker)
        job_id = sigterm_while_running(client, worker, sleep_s=3)
    finally:
        lock.release()
    view = client.jobs.get(job_id)
    assert view.status == JobStatus.COMPLETED and view.attempts == 1
    assert "stopping: 1 running jobs" in worker.output()


def test_sigterm_past_the_grace_hands_the_job_back(
    client: Runtime, shared: dict[str, str], workers: list[Worker], tmp_path: Path
) -> None:
    first = Worker(tmp_path / "machine-a", shared, shutdown_grace=0.5)
    workers.append(first)
    job_id = sigterm_while_running(client, first, sleep_s=6)
    view = client.jobs.get(job_id)
    assert view.status == JobStatus.PENDING, view
    second = Worker(tmp_path / "machine-b", shared)
    workers.append(second)
    (view,) = client.jobs.wait([job_id], timeout=120)
    assert view.status == JobStatus.COMPLETED
    history = client.jobs.get(job_id).attempt_history or []
    assert [a.outcome for a in history] == ["INTERRUPTED", "SUCCEEDED"]
    assert [pid_of(a.worker) for a in history] == [first.pid, second.pid]


def test_queue_routes_send_a_job_type_to_its_own_workers(
    home: Path, shared: dict[str, str], workers: list[Worker], tmp_path: Path
) -> None:
    settings: dict[str, Any] = {**FAST, **shared, "queue_routes": {"noop": "gpu"}}
    rt = Runtime(load_settings(settings)).open()
    try:
        cpu = Worker(tmp_path / "cpu-box", shared, concurrency=2, queues="default")
        gpu = Worker(tmp_path / "gpu-box", shared, concurrency=2, queues="gpu")
        workers.extend([cpu, gpu])
        for worker in workers:
            worker.wait_ready()
        ids = rt.store.enqueue(JobSpec("noop", NoopInput(tag=str(i))) for i in range(6))
        views = rt.jobs.wait(ids, timeout=120)
        assert {v.status for v in views} == {JobStatus.COMPLETED}
        assert {v.queue for v in views} == {"gpu"}
        assert {pid_of(a.worker) for a in attempts_of(rt, ids)} == {gpu.pid}
    finally:
        rt.stop(grace=1)
    assert os.getpid() not in {cpu.pid, gpu.pid}
