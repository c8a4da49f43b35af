"""A full disk fails a job cleanly (DISK_FULL, retryable) and the retry succeeds.

Two ways to run out of room, both real:
- a small filesystem (tmpfs, mounted when the tests run as root and may mount)
  holding the job's scratch or the library's storage, filled up with a ballast file
  that is removed once the failure is seen ("space is back");
- the process's file size limit (RLIMIT_FSIZE, through ``prlimit``): ffmpeg is killed
  by SIGXFSZ when its output passes it, wherever it writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import MediaStatus
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.pipeline_support import jobs_by_type, wait_done
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Retries wait long enough for the test to give the space back in between.
SETTINGS = {
    **FAST,
    "pipeline_video": ["probe", "hls"],
    "encoder": "cpu",
    "retry_base_delay": 6.0,
    "retry_max_delay": 6.0,
}


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (the tests run as root in CI)")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(where: Path, leave: int) -> Path:
    """A ballast file that leaves ``leave`` bytes free on ``where``'s filesystem."""
    ballast = where / "ballast"
    with ballast.open("wb") as fh:
        # Someone else (the server writing an upload) may take space between the
        # measure and the allocation: measure again and retry until it fits.
        for _ in range(20):
            fh.truncate(0)
            free = shutil.disk_usage(where).free
            try:
                os.posix_fallocate(fh.fileno(), 0, max(0, free - leave))
                return ballast
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
    raise AssertionError(f"could not fill {where} to {leave} bytes free")


def hls_job(rt: Runtime, media_id: str) -> Any:
    return jobs_by_type(rt, media_id).get("hls")


def first_attempt_failed(rt: Runtime, media_id: str) -> Any:
    job = hls_job(rt, media_id)
    if job is None or not job.attempt_history:
        return None
    first = job.attempt_history[0]
    return first if first.outcome != "RUNNING" and first.finished_at else None


def run_out_then_recover(rt: Runtime, clip: Path, ballast_in: Path, leave: int) -> None:
    media_id = rt.ingest.import_path(clip).media.id
    ballast = fill(ballast_in, leave)
    rt.start_workers()
    attempt = wait_until(
        lambda: first_attempt_failed(rt, media_id), "the first attempt", timeout=180
    )
    ballast.unlink()  # space is back before the retry starts
    assert attempt.error_code == "DISK_FULL", (attempt.error_code, attempt.error_message)
    job = hls_job(rt, media_id)
    assert job.status == "PENDING"  # retryable: it will run again
    # Nothing half-written is published, and the scratch gave its space back.
    storage = Path(rt.settings.resolved_storage)
    assert not (storage / "hls" / media_id).exists()
    assert not Path(attempt.scratch_dir).exists()
    assert [p for p in rt.storage.staging_dir().rglob("*") if p.is_file()] == []
    media = wait_done(rt, media_id)
    assert media.status == MediaStatus.READY
    assert (storage / "hls" / media_id / "master.m3u8").is_file()
    final = hls_job(rt, media_id)
    assert final.status == "COMPLETED" and final.attempts == 2


@pytest.mark.parametrize("where", ["scratch", "storage"])
def test_full_filesystem_fails_clean_and_the_retry_succeeds(
    home: Path, clip: Path, tmp_path: Path, where: str
) -> None:
    mount = home / "scratch" if where == "scratch" else tmp_path / "media"
    with tmpfs(mount, "64m"):
        overrides = {"storage": str(mount)} if where == "storage" else {}
        rt = Runtime(load_settings({**SETTINGS, **overrides})).open()
        try:
            # Room for the attempt's directories and logs, not for the ladder's output.
            run_out_then_recover(rt, clip, mount, leave=64 * 1024)
        finally:
            rt.stop(grace=5)


def test_file_size_limit_kills_ffmpeg_and_counts_as_disk_full(
    home: Path, clip: Path, tmp_path: Path
) -> None:
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit (util-linux) is not installed")
    limit = tmp_path / "fsize"
    limit.write_text("20000")
    wrapper = tmp_path / "bin" / "ffmpeg"
    wrapper.parent.mkdir()
    real = shutil.which("ffmpeg")
    wrapper.write_text(f'#!/bin/sh\nexec prlimit --fsize="$(cat {limit})" -- {real} "$@"\n')
    wrapper.chmod(0o755)
    rt = Runtime(load_settings({**SETTINGS, "ffmpeg_path": str(wrapper)})).open()
    try:
        media_id = rt.ingest.import_path(clip).media.id
        rt.start_workers()
        attempt = wait_until(lambda: first_attempt_failed(rt, media_id), "the attempt", timeout=180)
        limit.write_text("unlimited")
        assert attempt.error_code == "DISK_FULL", (attempt.error_code, attempt.error_message)
        assert attempt.exit_code == -25  # SIGXFSZ
        assert wait_done(rt, media_id).status == MediaStatus.READY
        assert hls_job(rt, media_id).attempts == 2
    finally:
        rt.stop(grace=5)


def test_upload_to_a_full_disk_gets_507_and_leaves_nothing(home: Path, tmp_path: Path) -> None:
    import httpx

    from tests.serverkit import auth, serving

    mount = tmp_path / "media"
    with tmpfs(mount, "16m"):
        settings = load_settings(
            {**FAST, "server_port": 0, "storage": str(mount), "server_upload_reserve_bytes": 0}
        )
        with serving(settings, workers=False) as host:
            staging = host.runtime.storage.staging_dir()
            ballast: list[Path] = []

            def body() -> Iterator[bytes]:
                yield b"\x47" * (1024 * 1024)
                # The server has made room for this upload and is writing it: now
                # something else fills the disk.
                wait_until(lambda: list(staging.glob("*.part")), "the staged file")
                ballast.append(fill(mount, leave=256 * 1024))
                for _ in range(4):
                    yield b"\x47" * (1024 * 1024)

            r = httpx.put(
                host.url + "/api/v1/uploads/full.ts", content=body(), headers=auth(host), timeout=60
            )
            assert r.status_code == 507, r.text
            assert r.json()["error"]["code"] == "DISK_FULL"
            assert [p for p in staging.rglob("*") if p.is_file()] == []
            ballast[0].unlink()
