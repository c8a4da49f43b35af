"""Pure pieces of the job machinery: backoff, log tails, owner liveness, media status."""

import os
from pathlib import Path

import pytest

from mediadesk.engine.process import CancelToken
from mediadesk.errors import ErrorCode, MediaDeskError
from mediadesk.events import EventBus, JobProgress
from mediadesk.jobs.logs import read_log
from mediadesk.jobs.monitor import EVENT_INTERVAL_S, JobMonitor
from mediadesk.jobs.reaper import owner_is_dead
from mediadesk.jobs.routing import HOSTNAME
from mediadesk.jobs.runner import PROCESS_TOKEN
from mediadesk.jobs.store import JobStore
from mediadesk.settings import load_settings


def test_backoff_grows_and_is_capped(home: Path) -> None:
    settings = load_settings({"retry_base_delay": 10, "retry_max_delay": 100})
    store = JobStore(None, None, settings, None, lambda w: None)  # type: ignore[arg-type]
    err = MediaDeskError("x", code=ErrorCode.FFMPEG_FAILED, retryable=True)
    delays = [store.backoff(n, err) for n in (1, 2, 3, 4, 5, 6)]
    assert 7.5 <= delays[0] <= 12.5 and 15 <= delays[1] <= 25 and 30 <= delays[2] <= 50
    assert all(d <= 125 for d in delays)
    lost = MediaDeskError("x", code=ErrorCode.WORKER_LOST, retryable=True)
    assert store.backoff(3, lost) == 0.0


def test_read_log_never_splits_a_character(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("héllo wörld ✓ done\n", encoding="utf-8")
    raw = log.read_bytes()
    text, offset = "", 0
    for _ in range(len(raw)):
        chunk = read_log(log, offset, limit=3)
        text += chunk.data
        offset = chunk.next_offset
        if offset >= len(raw):
            break
    assert text == "héllo wörld ✓ done\n"
    missing = read_log(tmp_path / "none.log", 5)
    assert not missing.exists and missing.next_offset == 5


def test_owner_liveness() -> None:
    me = f"{HOSTNAME}:{os.getpid()}:{PROCESS_TOKEN}:worker-1"
    assert not owner_is_dead(me, {"job"}, "job")
    assert owner_is_dead(me, set(), "job"), "our own token but not running: a lost job"
    assert owner_is_dead(f"{HOSTNAME}:{os.getpid()}:deadbeef:w", {"job"}, "job")
    assert owner_is_dead(f"{HOSTNAME}:999999999:x:w", set(), "job")
    assert not owner_is_dead("otherhost:1:x:w", set(), "job"), "remote: only heartbeats tell"


@pytest.mark.parametrize(
    ("statuses", "attempts", "expected"),
    [
        (["PENDING", "PENDING"], [0, 0], "UPLOADED"),
        (["COMPLETED", "PENDING"], [1, 0], "PROCESSING"),
        (["PROCESSING"], [1], "PROCESSING"),
        (["PENDING"], [1], "PROCESSING"),  # waiting to retry
        (["COMPLETED", "COMPLETED"], [1, 1], "READY"),
        (["COMPLETED", "DEAD"], [1, 3], "FAILED"),
        (["FAILED", "PROCESSING"], [1, 1], "FAILED"),
    ],
)
def test_media_status_from_pipeline_jobs(runtime, statuses, attempts, expected) -> None:  # type: ignore[no-untyped-def]
    from mediadesk.domain.enums import JobStatus, MediaKind
    from mediadesk.jobs.models import Job
    from mediadesk.jobs.outcomes import refresh_media_status
    from mediadesk.library.models import MediaFile

    with runtime.db.write() as s:
        media = MediaFile(
            kind=MediaKind.VIDEO,
            original_key="originals/x.mp4",
            original_filename="x.mp4",
            size_bytes=1,
            mime="video/mp4",
            sha256="0",
        )
        s.add(media)
        s.flush()
        for status, n in zip(statuses, attempts, strict=True):
            s.add(
                Job(
                    type="noop",
                    status=JobStatus(status),
                    attempts=n,
                    pipeline=True,
                    media_file_id=media.id,
                    error_code="E" if status in ("FAILED", "DEAD") else None,
                )
            )
        s.flush()
        refresh_media_status(s, media.id)
        assert media.status == expected


def test_progress_held_back_by_the_event_interval_is_sent_by_the_next_tick() -> None:
    """A burst of reports sends its first at once and its last a tick later: a short
    encode that reached 90% within the interval must not show its first 1% until the
    job ends (the jobs table, the status bar and the log all read the events)."""
    bus = EventBus()
    sent: list[tuple[float | None, int | None]] = []
    bus.subscribe(lambda e: sent.append((e.percent, e.attempt)), JobProgress)
    now = [100.0]
    monitor = JobMonitor(None, bus, 2.0, clock=lambda: now[0])  # type: ignore[arg-type]
    monitor.register("j", "w", CancelToken(), deadline=float("inf"), attempt=2)
    monitor.progress("j", 1.0, None, None)
    now[0] += EVENT_INTERVAL_S / 4
    monitor.progress("j", 40.0, None, None)
    monitor.progress("j", 90.0, 0.5, None)  # within the interval: held
    assert sent == [(1.0, 2)]
    monitor._send_held(now[0])  # a tick inside the interval: still held
    assert sent == [(1.0, 2)]
    monitor._send_held(100.0 + EVENT_INTERVAL_S)
    assert sent == [(1.0, 2), (90.0, 2)]  # the latest, once
    monitor._send_held(100.0 + 3 * EVENT_INTERVAL_S)
    assert len(sent) == 2
