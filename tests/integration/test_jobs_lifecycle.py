"""The job machinery on real processes: exactly once, retries, DEAD, corrupt input."""

from datetime import timedelta
from pathlib import Path

import pytest

from mediadesk.domain.enums import JobStatus, MediaStatus
from mediadesk.errors import Conflict, ErrorCode
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.work import Wakeup
from mediadesk.runtime import Runtime
from tests.jobtypes import CountInput, FailInput
from tests.pipeline_support import wait_done
from tests.waiting import stop_when_drained

pytestmark = pytest.mark.integration


def test_200_jobs_complete_exactly_once(jobs_runtime, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = tmp_path / "ledger.txt"
    specs = [JobSpec("test_count", CountInput(ledger=str(ledger))) for _ in range(200)]
    ids = jobs_runtime.store.enqueue(specs)
    # Duplicate every message: a second copy of each doorbell must be harmless.
    jobs_runtime.transport.send([Wakeup(i, "default", 0) for i in ids])
    views = jobs_runtime.jobs.wait(ids, timeout=240)
    assert [v.status for v in views] == [JobStatus.COMPLETED] * 200
    # A stale message for a finished job does nothing either.
    jobs_runtime.transport.send([Wakeup(ids[0], "default", 0)])
    # Every copy of every message has now reached a worker, and the workers are done.
    stop_when_drained(jobs_runtime)
    runs = ledger.read_text().split()
    assert sorted(runs) == sorted(ids), "every job ran, and ran once"
    with Runtime(settings) as client:
        assert [client.jobs.get(i).attempts for i in ids] == [1] * 200


def test_retryable_failure_backs_off_then_dead(jobs_runtime) -> None:  # type: ignore[no-untyped-def]
    job = jobs_runtime.jobs.submit(JobSpec("test_fail", FailInput()))
    (view,) = jobs_runtime.jobs.wait([job.id], timeout=60)
    assert view.status == JobStatus.DEAD
    assert view.error_code == ErrorCode.FFMPEG_FAILED
    full = jobs_runtime.jobs.get(job.id)
    attempts = full.attempt_history
    assert [a.number for a in attempts] == [1, 2, 3]
    for a in attempts:
        assert a.outcome == "FAILED"
        assert a.commands and a.commands[0].argv[0].endswith("ffmpeg")
        assert a.commands[0].exit_code != 0
        assert "no_such_encoder_x" in (a.stderr_tail or "")
        assert Path(a.stderr_log).is_file()
    gaps = [attempts[i + 1].started_at - attempts[i].finished_at for i in range(2)]
    # Backoff: base 0.2 s doubled (with +-25% jitter) means waits of >=0.15 s, then >=0.3 s.
    assert gaps[0] >= timedelta(seconds=0.15)
    assert gaps[1] >= timedelta(seconds=0.3)
    # Retry revives a DEAD job with a fresh budget; it fails again, with new attempts.
    jobs_runtime.jobs.retry(job.id)
    (again,) = jobs_runtime.jobs.wait([job.id], timeout=60)
    assert again.status == JobStatus.DEAD and again.attempts == 6


def test_corrupt_input_fails_at_once(jobs_runtime, clip: Path) -> None:  # type: ignore[no-untyped-def]
    media = jobs_runtime.ingest.import_path(clip).media
    jobs_runtime.jobs.wait(jobs_runtime.jobs.jobs_of_media(media.id), timeout=60)
    original = jobs_runtime.storage.local_path(media.original_key)
    original.write_bytes(b"this used to be a video" * 100)
    job = jobs_runtime.jobs.submit(
        JobSpec("poster", MediaStepInput(media_file_id=media.id), media_file_id=media.id)
    )
    (view,) = jobs_runtime.jobs.wait([job.id], timeout=30)
    assert view.status == JobStatus.FAILED
    assert view.error_code == ErrorCode.UNSUPPORTED_MEDIA
    assert view.attempts == 1, "bad input is not retried"
    assert "not a media file" in (view.error_message or "")


def test_pipeline_failure_marks_media_failed_and_retry_recovers(jobs_runtime, clip: Path) -> None:  # type: ignore[no-untyped-def]
    rt = jobs_runtime
    media = rt.ingest.import_path(clip).media
    probe_id = rt.jobs.jobs_of_media(media.id)[0]
    original = rt.storage.local_path(media.original_key)
    good = original.read_bytes()
    original.write_bytes(b"garbage" * 50)  # the probe job will find this
    rt.jobs.wait([probe_id], timeout=30)
    failed = rt.library.get_media(media.id)
    assert failed.status == MediaStatus.FAILED and failed.error_code == ErrorCode.UNSUPPORTED_MEDIA
    original.write_bytes(good)
    rt.jobs.retry(probe_id)
    rt.jobs.wait([probe_id], timeout=30)
    # The chain (probe, then hls and the steps after it) runs to its end.
    assert wait_done(rt, media.id, timeout=60).status == MediaStatus.READY


def test_replay_and_purge(jobs_runtime, clip: Path) -> None:  # type: ignore[no-untyped-def]
    rt = jobs_runtime
    media = rt.ingest.import_path(clip).media
    wait_done(rt, media.id, timeout=60)  # probe plans the rest; hls starts what follows it
    views = rt.jobs.wait(rt.jobs.jobs_of_media(media.id), timeout=60)
    poster = next(v for v in views if v.type == "poster")
    first = rt.jobs.get(poster.id)
    rt.jobs.replay(poster.id)
    (again,) = rt.jobs.wait([poster.id], timeout=30)
    assert again.status == JobStatus.COMPLETED and again.attempts == 2
    replayed = rt.jobs.get(poster.id)
    # Same stored input, same command (the scratch path differs per attempt).
    argv1 = [a for a in first.attempt_history[0].commands[0].argv if "scratch" not in a]
    argv2 = [a for a in replayed.attempt_history[1].commands[0].argv if "scratch" not in a]
    assert argv1 == argv2
    kinds = [a.kind for a in rt.library.get_media(media.id).artifacts]
    assert kinds.count("poster") == 1, "a replay replaces, never duplicates"
    log_root = rt.settings.logs_dir / poster.id
    assert log_root.is_dir()
    with pytest.raises(Conflict):
        rt.jobs.retry(poster.id)  # COMPLETED jobs replay; they do not retry
    report = rt.jobs.purge(poster.id)
    assert report.jobs == 1 and not log_root.exists()
    assert rt.storage.exists(f"thumbnails/{media.id}/poster.jpg"), "outputs stay by default"


def test_log_tail_from_offset(jobs_runtime) -> None:  # type: ignore[no-untyped-def]
    job = jobs_runtime.jobs.submit(JobSpec("test_fail", FailInput(label="log")))
    jobs_runtime.jobs.wait([job.id], timeout=60)
    first = jobs_runtime.jobs.log(job.id, attempt=1)
    assert "$ " in first.data and "no_such_encoder_x" in first.data
    rest = jobs_runtime.jobs.log(job.id, attempt=1, offset=10)
    assert first.data[10:] == rest.data
    end = jobs_runtime.jobs.log(job.id, attempt=1, offset=first.next_offset)
    assert end.data == "" and end.next_offset == first.next_offset
