"""The whole library on PostgreSQL + Redis + S3: import, pipeline, logs, purge, sweeps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mediadesk.domain.enums import JobStatus, MediaStatus
from mediadesk.jobs.reaper import Reaper
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.pipeline_support import WAIT_S, wait_done
from tests.services.conftest import S3Server, open_uploads
from tests.waiting import wait_until


@pytest.fixture
def s3_runtime(
    home: Path, pg_url: str, redis_url: str, bucket: str, s3_server: S3Server
) -> Iterator[Runtime]:
    settings = load_settings(
        {
            **FAST,
            "database_url": pg_url,
            "queue_url": redis_url,
            "storage": f"s3://{bucket}/lib",
            "s3_endpoint_url": s3_server.url,
        }
    )
    rt = Runtime(settings).open()
    yield rt
    rt.stop(grace=5)


def keys_under(server: S3Server, bucket: str, prefix: str) -> list[str]:
    answer = server.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for o in answer.get("Contents", []))


@pytest.mark.slow
def test_import_and_pipeline_on_s3(
    s3_runtime: Runtime, clip: Path, s3_server: S3Server, bucket: str
) -> None:
    rt = s3_runtime
    rt.start_workers(workers=2)
    result = rt.ingest.import_path(clip)
    media = result.media
    # The original went up; the local staging copy is gone.
    assert keys_under(s3_server, bucket, "lib/originals") == [f"lib/{media.original_key}"]
    assert list(rt.storage.staging_dir().iterdir()) == []
    # The whole pipeline (the ladder with its quality checks) on two cores: the same
    # patience as every other pipeline wait, not a tighter one.
    wait_done(rt, media.id)  # probe plans the rest; hls starts what follows
    views = rt.jobs.wait(rt.jobs.jobs_of_media(media.id), timeout=WAIT_S)
    assert {v.status for v in views} == {JobStatus.COMPLETED}
    assert {v.type for v in views} >= {"probe", "poster"}
    detail = rt.library.get_media(media.id)
    assert detail.status == MediaStatus.READY
    # The poster job downloaded the original into its scratch, published to S3, and
    # cleaned its scratch up; its attempt logs were archived in the bucket.
    stored = keys_under(s3_server, bucket, f"lib/thumbnails/{media.id}")
    assert len(stored) == 2
    assert list(rt.settings.scratch_dir.iterdir()) == []
    poster = next(v for v in views if v.type == "poster")

    def archived() -> bool:
        # The worker archives logs right after the commit that made the job COMPLETED.
        history = rt.jobs.get(poster.id).attempt_history or []
        return bool(history) and history[0].stderr_log == f"logs/{poster.id}/1/attempt.stderr.log"

    wait_until(archived, "the poster's logs to be archived", timeout=30)
    log_keys = keys_under(s3_server, bucket, f"lib/logs/{poster.id}/1/")
    assert f"lib/logs/{poster.id}/1/attempt.stderr.log" in log_keys
    assert not (rt.settings.logs_dir / poster.id).exists(), "local copies stay behind"
    log = rt.jobs.log(poster.id)
    assert log.exists and "completed" in log.data
    # Reading from an offset works against the store as it does for a local file.
    later = rt.jobs.log(poster.id, offset=10)
    assert later.offset == 10 and later.data == log.data[10:]
    # Purge deletes the logs in the bucket (and, asked to, the artifacts).
    report = rt.jobs.purge(poster.id, artifacts=True)
    assert report.log_dirs == 1 and report.artifacts == 2
    assert keys_under(s3_server, bucket, f"lib/logs/{poster.id}/") == []
    assert keys_under(s3_server, bucket, f"lib/thumbnails/{media.id}") == []
    assert open_uploads(s3_server, bucket) == []


def test_reaper_keeps_a_fresh_original_without_a_row(
    s3_runtime: Runtime, s3_server: S3Server, bucket: str
) -> None:
    """mtime comes from S3's LastModified: a just-uploaded original is not an orphan yet."""
    rt = s3_runtime
    rt.storage.put_bytes("originals/in-flight.mp4", b"an import about to commit")
    reaper = Reaper(rt.settings, rt.db, rt.store, rt.transport, rt.storage, None)
    reaper.sweep()
    assert rt.storage.exists("originals/in-flight.mp4")
    (obj,) = list(rt.storage.list("originals"))
    assert obj.mtime > 0
