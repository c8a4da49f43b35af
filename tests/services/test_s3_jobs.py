"""A job whose upload loses the S3 endpoint halfway: it retries, or fails clearly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from mediadesk.domain.enums import JobStatus
from mediadesk.jobs.models import JobAttempt
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.jobtypes import EncodeInput, machinery_registry
from tests.services.conftest import S3Server, open_uploads
from tests.services.faultproxy import FaultProxy
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # real ffmpeg encodes

MIB = 1024 * 1024
# About 14 MB of raw video: three 5 MiB parts, so the cut lands mid-upload.
BIG_OUTPUT = EncodeInput(seconds=26, realtime=False, raw=True)


@pytest.fixture
def make_runtime(
    home: Path, pg_url: str, redis_url: str, bucket: str, s3_proxy: FaultProxy
) -> Iterator[object]:
    runtimes: list[Runtime] = []

    def make(**extra: object) -> Runtime:
        settings = load_settings(
            {
                **FAST,
                "database_url": pg_url,
                "queue_url": redis_url,
                "storage": f"s3://{bucket}/lib",
                "s3_endpoint_url": s3_proxy.url,
                "s3_part_size": 5 * MIB,
                "s3_multipart_threshold": 5 * MIB,
                **extra,
            }
        )
        rt = Runtime(settings, machinery_registry()).open()
        runtimes.append(rt)
        return rt

    yield make
    for rt in runtimes:
        rt.stop(grace=5)


def stored(server: S3Server, bucket: str, prefix: str) -> list[str]:
    """Keys under ``prefix``, asked of the S3 server directly (not through the proxy)."""
    answer = server.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for o in answer.get("Contents", [])]


def first_attempt(rt: Runtime, job_id: str) -> JobAttempt | None:
    with rt.db.read() as s:
        attempt = s.scalar(
            select(JobAttempt).where(JobAttempt.job_id == job_id, JobAttempt.number == 1)
        )
        if attempt is not None:
            s.expunge(attempt)
        return attempt


def start_cut_job(rt: Runtime, proxy: FaultProxy) -> str:
    """A job whose output upload loses the endpoint 7 MiB in (mid second part)."""
    rt.start_workers(workers=1)
    proxy.cut_after(7 * MIB)
    (job_id,) = rt.store.enqueue([JobSpec("test_encode", BIG_OUTPUT)])
    return job_id


def test_endpoint_back_after_a_cut_the_job_retries_and_completes(
    make_runtime, s3_proxy: FaultProxy, s3_server: S3Server, bucket: str
) -> None:  # type: ignore[no-untyped-def]
    rt = make_runtime(s3_max_attempts=2, retry_base_delay=4.0)
    job_id = start_cut_job(rt, s3_proxy)

    def failed_once() -> JobAttempt | None:
        attempt = first_attempt(rt, job_id)
        return attempt if attempt is not None and attempt.finished_at is not None else None

    attempt = wait_until(failed_once, "the first attempt to fail", timeout=180)
    assert s3_proxy.cuts == 1
    assert (attempt.outcome, attempt.error_code) == ("FAILED", "STORAGE_ERROR")
    assert rt.jobs.get(job_id).status == JobStatus.PENDING  # a retry is scheduled
    assert stored(s3_server, bucket, f"lib/test/{job_id}") == [], "nothing half-published"
    s3_proxy.restore()
    (view,) = rt.jobs.wait([job_id], timeout=180)
    assert view.status == JobStatus.COMPLETED, view
    assert view.attempts == 2
    assert rt.storage.size(f"test/{job_id}/out.nut") == view.result["bytes"]  # type: ignore[index]
    assert open_uploads(s3_server, bucket) == [], "an orphan multipart upload was left"


def test_endpoint_gone_for_good_the_job_fails_clearly(
    make_runtime, s3_proxy: FaultProxy, s3_server: S3Server, bucket: str
) -> None:  # type: ignore[no-untyped-def]
    rt = make_runtime(s3_max_attempts=1, retry_base_delay=0.2)
    job_id = start_cut_job(rt, s3_proxy)
    (view,) = rt.jobs.wait([job_id], timeout=240)
    assert view.status == JobStatus.DEAD, view
    assert view.error_code == "STORAGE_ERROR"
    assert view.error_message is not None
    assert "cannot reach S3" in view.error_message and s3_proxy.url in view.error_message
    # The abort of the cut upload could not get through; once S3 is back the reaper's
    # housekeeping aborts it, so no parts stay behind.
    s3_proxy.restore()
    assert len(open_uploads(s3_server, bucket)) == 1
    assert rt.storage.housekeeping() == 1
    assert open_uploads(s3_server, bucket) == []
    assert not rt.storage.exists(f"test/{job_id}/out.nut")
    # The attempt logs either stayed on the worker's disk (S3 was cut when the attempt
    # ended) or reached the store once it came back: they read back either way.
    log = rt.jobs.log(job_id)
    assert log.exists and "STORAGE_ERROR" in log.data
