"""S3 uploads of a large file to a moto server: ours against another revision's, one run.

moto runs as its own process (``moto_server``) on loopback, so its work does not
share our GIL. Rounds alternate baseline and ours (same file, same bucket, the object
deleted between rounds) and the best of each is reported, with the ratio.

    .venv/bin/python bench/s3_upload.py [--gib 2] [--rounds 2] [--baseline main]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from bench.baseline import module_at
from bench.serve import cpu_s
from mediadesk.netutil import free_port, wait_for_port
from mediadesk.storage.s3_client import S3Location, make_client

BUCKET = "bench"
MIB = 1024 * 1024


def make_file(path: Path, gib: float) -> None:
    block = os.urandom(8 * MIB)
    with path.open("wb") as fh:
        for _ in range(int(gib * 1024 / 8)):
            fh.write(block)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument("--part-mib", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    port = free_port()
    moto = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    work = Path(tempfile.mkdtemp(prefix="mediadesk-s3-bench-"))
    try:
        wait_for_port(port)
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket=BUCKET
        )
        client = make_client(endpoint, "us-east-1", 3)
        loc = S3Location(BUCKET, "lib")
        part = args.part_mib * MIB
        old = module_at(args.baseline, "mediadesk/storage/s3_upload.py", "baseline_s3_upload")
        from mediadesk.storage.s3_upload import Uploader

        uploaders = {
            f"{args.baseline} (one part at a time)": old.Uploader(client, loc, part, part),
            f"ours ({args.concurrency} parts at once)": Uploader(
                client, loc, part, part, args.concurrency
            ),
        }
        big = work / "big.bin"
        make_file(big, args.gib)
        size = big.stat().st_size
        best: dict[str, float] = {}
        for n in range(args.rounds):
            for name, uploader in uploaders.items():
                started, moto_cpu, our_cpu = time.perf_counter(), cpu_s(moto.pid), os.times()
                uploader.upload_file(big, f"bench/{n}.bin", "application/octet-stream")
                took = time.perf_counter() - started
                moto_used = cpu_s(moto.pid) - moto_cpu
                after = os.times()
                ours_used = after.user + after.system - our_cpu.user - our_cpu.system
                client.delete_object(Bucket=BUCKET, Key=f"lib/bench/{n}.bin")
                best[name] = min(best.get(name, took), took)
                print(
                    f"round {n + 1}: {name:32} {took:6.1f} s  {size / took / 1e6:6.0f} MB/s"
                    f"  (CPU: moto {moto_used:.1f} s, uploader {ours_used:.1f} s)"
                )
        (base_name, base), (ours_name, ours) = best.items()
        print(f"{size / 1024**3:.2f} GiB, {args.part_mib} MiB parts, best of {args.rounds}:")
        print(f"  {base_name:32} {base:6.1f} s  {size / base / 1e6:6.0f} MB/s")
        print(
            f"  {ours_name:32} {ours:6.1f} s  {size / ours / 1e6:6.0f} MB/s  ({base / ours:.2f}x)"
        )
    finally:
        moto.send_signal(signal.SIGTERM)
        moto.wait(timeout=30)
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
