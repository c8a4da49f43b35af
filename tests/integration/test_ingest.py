"""Importing real generated media: hashing, dedupe, atomicity, attach, bad input."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mediadesk.domain.enums import JobStatus, MediaKind, MediaStatus
from mediadesk.errors import Conflict, ErrorCode, InvalidInput
from mediadesk.events import JobEnqueued, JobStateChanged
from mediadesk.library.models import MediaFile
from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from tests.media import Clip, make_clip, make_image
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def originals(rt) -> list[Path]:  # type: ignore[no-untyped-def]
    root = Path(rt.settings.resolved_storage) / "originals"
    return sorted(root.iterdir()) if root.exists() else []


def row_count(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.read() as s:
        return s.scalar(select(func.count()).select_from(MediaFile)) or 0


def test_import_probes_hashes_and_stores(runtime, clip: Path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    result = runtime.ingest.import_path(clip, target=MovieTarget("Test"))
    media = result.media
    assert not result.duplicate and result.movie_id
    assert media.kind == MediaKind.VIDEO and media.status == MediaStatus.UPLOADED
    assert media.sha256 == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert (media.width, media.height, media.video_codec, media.audio_codec) == (
        320,
        180,
        "h264",
        "aac",
    )
    assert media.duration_seconds == pytest.approx(2.0, abs=0.1)
    assert media.original_key == f"originals/{media.id}.mp4"
    stored = runtime.storage.local_path(media.original_key)
    assert stored.read_bytes() == clip.read_bytes()
    assert result.job_ids, "the pipeline was planned in the same commit"


def test_duplicate_is_reported_not_stored(runtime, clip: Path) -> None:  # type: ignore[no-untyped-def]
    first = runtime.ingest.import_path(clip)
    second = runtime.ingest.import_path(clip, target=MovieTarget("Again"))
    assert second.duplicate and second.media.id == first.media.id
    assert len(originals(runtime)) == 1 and row_count(runtime) == 1
    assert second.movie_id is not None


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n", ErrorCode.UNSUPPORTED_MEDIA),
        (b"", ErrorCode.EMPTY_FILE),
        (b"just some text pretending to be a movie", ErrorCode.UNSUPPORTED_MEDIA),
    ],
)
def test_bad_files_leave_nothing(runtime, tmp_path: Path, content: bytes, code: ErrorCode) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    with pytest.raises(InvalidInput) as err:
        runtime.ingest.import_path(bad)
    assert err.value.code == code and "bad.mp4" in err.value.message
    assert originals(runtime) == [] and row_count(runtime) == 0
    assert list(runtime.storage.staging_dir().iterdir()) == []


def test_truncated_mp4_is_refused(runtime, clip: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(InvalidInput) as err:
        runtime.ingest.import_path(cut)
    assert err.value.code == ErrorCode.TRUNCATED_MEDIA
    assert originals(runtime) == [] and row_count(runtime) == 0


def test_faststart_mp4_truncated_is_refused(runtime, media_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fast = make_clip(media_dir, Clip(extra=("-movflags", "+faststart")))
    cut = tmp_path / "fast-cut.mp4"
    cut.write_bytes(fast.read_bytes()[: fast.stat().st_size - 4000])
    with pytest.raises(InvalidInput):
        runtime.ingest.import_path(cut)
    assert row_count(runtime) == 0


def test_audio_and_image_kinds(runtime, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    audio = make_clip(media_dir, Clip(video=False, container="m4a"))
    image = make_image(media_dir)
    assert runtime.ingest.import_path(audio).media.kind == MediaKind.AUDIO
    img = runtime.ingest.import_path(image).media
    assert img.kind == MediaKind.IMAGE and (img.width, img.height) == (640, 480)


def test_episode_attach_and_uniqueness(runtime, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    a = make_clip(media_dir, Clip(seed="a"))
    b = make_clip(media_dir, Clip(seed="b"))
    res = runtime.ingest.import_path(a, target=EpisodeTarget("Show", 2, 5, "Pilot"))
    listing = runtime.catalogue.listing()
    (series,) = listing.series
    assert series.title == "Show" and series.seasons[0].number == 2
    assert series.seasons[0].episodes[0].media_file_id == res.media.id
    with pytest.raises(Conflict):
        runtime.ingest.import_path(b, target=EpisodeTarget("Show", 2, 5))
    # The refused import left no file and no row behind.
    assert row_count(runtime) == 1 and len(originals(runtime)) == 1


def test_interrupted_stream_leaves_nothing(runtime) -> None:  # type: ignore[no-untyped-def]
    def chunks():  # type: ignore[no-untyped-def]
        yield b"\x00" * 1024
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        runtime.ingest.import_stream(chunks(), "upload.mp4")
    assert list(runtime.storage.staging_dir().iterdir()) == []
    assert row_count(runtime) == 0


def test_failure_after_adopt_removes_original(runtime, clip: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(uow, media):  # type: ignore[no-untyped-def]
        raise RuntimeError("planner exploded")

    monkeypatch.setattr(runtime.pipeline, "plan", boom)
    with pytest.raises(RuntimeError):
        runtime.ingest.import_path(clip)
    assert originals(runtime) == [] and row_count(runtime) == 0


def test_an_imported_files_first_job_is_announced_after_the_commit(runtime, clip: Path) -> None:  # type: ignore[no-untyped-def]
    """Ingest enqueues through the job store's unit of work: the probe job's
    ``JobEnqueued`` event is published, once, after the row is visible."""
    seen: list[tuple[str, str, bool]] = []

    def on_enqueued(event: JobEnqueued) -> None:
        visible = runtime.jobs.get(event.job_id).media_file_id == event.media_file_id
        seen.append((event.job_type, event.media_file_id or "", visible))

    runtime.bus.subscribe(on_enqueued, JobEnqueued)
    result = runtime.ingest.import_path(clip)
    assert seen == [("probe", result.media.id, True)]
    assert result.job_ids == [runtime.jobs.list_jobs(media_file_id=result.media.id).items[0].id]


def test_deleting_a_file_cancels_its_waiting_jobs_and_says_so(runtime, clip: Path) -> None:  # type: ignore[no-untyped-def]
    """The cancellation commits with the deletion, and its events reach the bus."""
    result = runtime.ingest.import_path(clip)  # no workers: the probe job waits
    changes: list[JobStateChanged] = []
    runtime.bus.subscribe(changes.append, JobStateChanged)

    runtime.library.delete_media(result.media.id)

    (probe,) = result.job_ids
    job = runtime.jobs.get(probe)
    assert job.status == JobStatus.FAILED and job.error_code == ErrorCode.CANCELLED
    assert [(c.job_id, c.status) for c in changes] == [(probe, "FAILED")]


KILL_SCRIPT = """
import sys
from pathlib import Path
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
rt = Runtime(load_settings()).open()
rt.ingest.import_path(Path(sys.argv[1]))
"""


def test_sigkill_mid_import_leaves_no_half_original(home: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    with big.open("wb") as fh:  # 1.5 GB of real bytes: copying takes a while
        block = os.urandom(1024 * 1024)
        for _ in range(1500):
            fh.write(block)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(big)],
        env={**os.environ, "MEDIADESK_HOME": str(home)},
    )
    staging = home / "media" / ".incoming"

    def copied() -> int:
        assert proc.poll() is None, "the import ended before it could be killed"
        parts = list(staging.glob("*.part")) if staging.exists() else []
        return parts[0].stat().st_size if parts else 0

    wait_until(copied, "the import to be copying", until=lambda size: size > 50 * 1024 * 1024)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    originals_dir = home / "media" / "originals"
    assert not originals_dir.exists() or list(originals_dir.iterdir()) == []
    from mediadesk.runtime import Runtime
    from mediadesk.settings import load_settings

    with Runtime(load_settings()) as rt:
        assert row_count(rt) == 0
