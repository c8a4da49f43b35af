"""Smoke-test a built bundle against real PostgreSQL, Redis and an S3 server.

Run by packaging/build.sh after `--version`: the frozen program must find its
database driver (psycopg), Redis client and botocore's data files, which only show up
missing at run time. It lists jobs on PostgreSQL, then runs `worker` on PostgreSQL +
Redis + S3 (moto's server) for a few seconds and stops it with SIGTERM.

    .venv/bin/python packaging/smoke_scaleout.py dist/mediadesk/mediadesk
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mediadesk.netutil import free_port, wait_for_port  # noqa: E402
from tests.services.servers import (  # noqa: E402
    start_postgres,
    start_redis,
    stop_postgres,
    stop_redis,
)


def main(program: str) -> int:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    pg, _ = start_postgres()
    redis = start_redis()
    s3_port = free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    wait_for_port(s3_port)
    try:
        credentials = {"AWS_ACCESS_KEY_ID": "smoke", "AWS_SECRET_ACCESS_KEY": "smoke"}
        import boto3

        endpoint = f"http://127.0.0.1:{s3_port}"
        boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", **_keys(credentials)
        ).create_bucket(Bucket="smoke")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MEDIADESK_")},
            **credentials,
            "MEDIADESK_HOME": tempfile.mkdtemp(prefix="mediadesk-smoke-"),
            "MEDIADESK_DATABASE_URL": pg.create_database("smoke"),
            "MEDIADESK_QUEUE_URL": redis.url,
            "MEDIADESK_STORAGE": "s3://smoke/library",
            "MEDIADESK_S3_ENDPOINT_URL": endpoint,
            "MEDIADESK_S3_REGION": "us-east-1",
        }
        listed = subprocess.run(
            [program, "jobs", "list", "--json"], env=env, capture_output=True, text=True
        )
        if listed.returncode != 0:
            print(f"jobs list on PostgreSQL failed:\n{listed.stderr}", file=sys.stderr)
            return 1
        worker = subprocess.Popen(
            [program, "worker", "--concurrency", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(worker.stdout or []), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while not any("MediaDesk worker pid" in ln for ln in lines):
            if worker.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(90)
        reader.join(10)
        output = "".join(lines)
        if code != 0 or "worker stopped" not in output or "Traceback" in output:
            print(f"worker on PostgreSQL + Redis + S3 failed ({code}):\n{output}", file=sys.stderr)
            return 1
        print("package: scale-out smoke ok (PostgreSQL, Redis, S3)")
        return 0
    finally:
        s3.stop()
        stop_redis(redis)
        stop_postgres(pg)


def _keys(credentials: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
    }


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
