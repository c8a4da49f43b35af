"""Throughput of 1, 2 and 4 local ``mediadesk worker`` processes sharing one library.

Each round gets a fresh library (a new PostgreSQL database and a flushed Redis, or a
new SQLite home with ``--backend sqlite``) and a batch of small generated clips
imported from this process, starts N worker processes (each with its own home, as
separate machines would have, concurrency 1 each), waits until they are ready, then
plans every clip's pipeline in one commit. Every clip runs the default video pipeline
available in this build (probe, poster, and the HLS ladder and previews once those job
types exist). Throughput is clips per minute between the first job starting and the
last one finishing, best of ``--repeat`` rounds (the machine is shared, so a slow round
says more about the neighbours than about MediaDesk); ratios are against the 1-worker
figure of the same run.

    .venv/bin/python bench/scale.py [--clips 24] [--workers 1,2,4] [--backend postgres]

PostgreSQL and Redis are Debian's binaries, started on loopback and stopped at the end
(``make setup-test`` installs them).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on sys.path, and bench/queue.py would shadow
# the standard library's queue module (redis imports it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from mediadesk.jobs.models import Job  # noqa: E402
from mediadesk.library.models import MediaFile  # noqa: E402
from mediadesk.runtime import Runtime  # noqa: E402
from mediadesk.settings import load_settings  # noqa: E402
from tests.media import Clip, make_clip  # noqa: E402
from tests.services.servers import (  # noqa: E402
    start_postgres,
    start_redis,
    stop_postgres,
    stop_redis,
)
from tests.services.workers import Worker  # noqa: E402

TUNING = {
    "heartbeat_interval": 1.0,
    "reaper_interval": 5.0,
    "retry_base_delay": 1.0,
}


def make_batch(directory: Path, count: int) -> list[Path]:
    # Distinct bytes per clip, or the library would keep one and call the rest duplicates.
    return [make_clip(directory, Clip(duration=2.0, seed=f"bench-{i}")) for i in range(count)]


class _NoPipeline:
    """Imports only: the round plans every pipeline at once, after the workers are up."""

    def plan(self, uow: object, media: object) -> list[str]:
        return []


def run_round(
    n_workers: int, clips: list[Path], shared: dict[str, str], root: Path
) -> tuple[float, int, list[str]]:
    """Returns (seconds from first job start to last finish, jobs run, job types)."""
    client_home = root / "client"
    settings = load_settings({"home": str(client_home), **TUNING, **shared})
    rt = Runtime(settings).open()  # migrates the fresh library before workers start
    workers: list[Worker] = []
    try:
        # Import with no pipeline, start the workers, then plan every clip's pipeline in
        # one commit: neither the import rate nor worker start-up is measured.
        planner = rt.ingest.planner
        rt.ingest.planner = _NoPipeline()  # type: ignore[assignment]
        media_ids = [rt.ingest.import_path(path).media.id for path in clips]
        workers.extend(
            Worker(root / f"worker-{i}", shared, concurrency=1, **TUNING) for i in range(n_workers)
        )
        for worker in workers:
            worker.wait_ready()
        with rt.store.unit_of_work() as uow:
            for media_id in media_ids:
                planner.plan(uow, uow.session.get_one(MediaFile, media_id))
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            with rt.db.read() as s:
                open_jobs = s.scalar(
                    select(func.count())
                    .select_from(Job)
                    .where(Job.status.in_(["PENDING", "PROCESSING"]))
                )
            if open_jobs == 0:
                break
            time.sleep(0.25)
        with rt.db.read() as s:
            first, last, count = s.execute(
                select(func.min(Job.started_at), func.max(Job.completed_at), func.count())
            ).one()
            failed = s.scalar(
                select(func.count()).select_from(Job).where(Job.status != "COMPLETED")
            )
            types = sorted(set(s.scalars(select(Job.type))))
        if failed:
            raise SystemExit(f"{failed} jobs did not complete with {n_workers} workers")
        assert len(media_ids) == len(clips)
        return (last - first).total_seconds(), int(count), types
    finally:
        for worker in workers:
            worker.stop()
        rt.stop(grace=1)


def main() -> None:
    logging.getLogger("mediadesk").setLevel(logging.ERROR)  # "steps not in this build"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=24)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--repeat", type=int, default=2, help="rounds per worker count; the best one counts"
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    clips = make_batch(out / "scale-clips", args.clips)
    pg = redis = None
    if args.backend == "postgres":
        pg, _ = start_postgres()
        redis = start_redis()
    results: dict[int, float] = {}
    try:
        for n in [c for c in counts for _ in range(args.repeat)]:
            root = Path(tempfile.mkdtemp(prefix=f"mediadesk-scale-{n}-"))
            if pg is not None and redis is not None:
                import redis as redis_client

                redis_client.Redis.from_url(redis.url).flushall()
                shared = {
                    "database_url": pg.create_database(f"scale_{n}_{secrets.token_hex(3)}"),
                    "queue_url": redis.url,
                    "storage": str(root / "media"),
                }
            else:
                shared = {
                    "database_url": f"sqlite:///{root / 'library.db'}",
                    "queue_url": f"sqlite:///{root / 'queue.db'}",
                    "storage": str(root / "media"),
                }
            try:
                seconds, jobs, types = run_round(n, clips, shared, root)
            finally:
                shutil.rmtree(root, ignore_errors=True)
            rate = len(clips) / seconds * 60
            results[n] = max(results.get(n, 0.0), rate)  # the machine is shared: best of
            print(
                f"{n} worker process(es): {len(clips)} clips, {jobs} jobs "
                f"({', '.join(types)}) in {seconds:.1f}s = {rate:.1f} clips/min",
                flush=True,
            )
    finally:
        if redis is not None:
            stop_redis(redis)
        if pg is not None:
            stop_postgres(pg)
    base = results.get(counts[0])
    print(f"\nbackend {args.backend}, {os.cpu_count()} CPU cores")
    print("workers  clips/min  vs 1 worker")
    for n, rate in results.items():
        print(f"{n:>7}  {rate:>9.1f}  {rate / base:>10.2f}x" if base else f"{n:>7}  {rate:>9.1f}")


if __name__ == "__main__":
    main()
