"""Queue throughput and latency: 1,000 no-op jobs through claim, attempt and complete.

Prints jobs/second for MediaDesk's durable path (row, claim, attempt, heartbeat
monitor, completion commit) against a baseline measured in the same run: bare
SqliteHuey executing 1,000 no-op tasks with the same number of worker threads. Then
enqueue-to-start latency (p50, p99) for jobs sent one at a time to idle workers.

    .venv/bin/python bench/queue.py [--jobs 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from huey import SqliteHuey
from huey.consumer import Consumer
from sqlalchemy import select

from mediadesk.handlers.noop import NoopInput
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings


def bare_huey(n: int, workers: int, root: Path) -> float:
    huey = SqliteHuey(filename=str(root / "bare.db"), results=False)
    done = threading.Semaphore(0)

    @huey.task()
    def noop(i: int) -> None:
        done.release()

    # Huey's own consumer, as its documentation runs it (it takes over SIGINT/SIGTERM,
    # which does not matter in this script).
    consumer = Consumer(
        huey, workers=workers, worker_type="thread", initial_delay=0.05, max_delay=1.0, backoff=1.5
    )
    consumer.start()
    start = time.perf_counter()
    for i in range(n):
        noop(i)
    for _ in range(n):
        done.acquire()
    elapsed = time.perf_counter() - start
    consumer.stop(graceful=True)
    return n / elapsed


def durable(n: int, workers: int, home: Path) -> tuple[float, list[float]]:
    settings = load_settings({"home": str(home), "workers": workers})
    rt = Runtime(settings).open()
    rt.start_workers()
    try:
        start = time.perf_counter()
        ids = rt.store.enqueue([JobSpec("noop", NoopInput()) for _ in range(n)])
        rt.jobs.wait(ids, timeout=600, poll_s=0.05)
        rate = n / (time.perf_counter() - start)
        latencies = []
        for _ in range(200):
            (job_id,) = rt.store.enqueue([JobSpec("noop", NoopInput())])
            rt.jobs.wait([job_id], timeout=30, poll_s=0.01)
            time.sleep(0.01)
            latencies.append(start_delay(rt, job_id))
        return rate, latencies
    finally:
        rt.stop()


def start_delay(rt: Runtime, job_id: str) -> float:
    with rt.db.read() as s:
        created = s.scalar(select(Job.created_at).where(Job.id == job_id))
        started = s.scalar(select(JobAttempt.started_at).where(JobAttempt.job_id == job_id))
    assert created is not None and started is not None
    return (started - created).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base = bare_huey(args.jobs, args.workers, root)
        ours, lat = durable(args.jobs, args.workers, root / "home")
    lat_ms = sorted(x * 1000 for x in lat)
    p50 = statistics.median(lat_ms)
    p99 = lat_ms[int(len(lat_ms) * 0.99) - 1]
    print(f"jobs: {args.jobs}, workers: {args.workers}")
    print(f"bare SqliteHuey no-op tasks : {base:8.1f} tasks/s (baseline)")
    print(f"MediaDesk durable no-op jobs: {ours:8.1f} jobs/s ({ours / base:.2f}x baseline)")
    print(
        f"enqueue-to-start latency    : p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        f"({len(lat_ms)} jobs sent one at a time to idle workers)"
    )


if __name__ == "__main__":
    main()
