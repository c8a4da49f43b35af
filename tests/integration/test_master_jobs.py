"""``master_audio`` and ``loudness`` as durable jobs: a new linked media file, its chain,
replay, and clear failures that lose nothing."""

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mediadesk.domain.enums import JobStatus, MediaKind, MediaStatus
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.presets import load_typed
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.handlers.master_audio import derived_id, master_spec
from mediadesk.jobs.models import Job
from mediadesk.library.models import MediaFile, MediaFileSource
from tests.audio_signals import Programme, make_music, make_programme
from tests.media import make_image
from tests.pipeline_support import wait_done

pytestmark = [pytest.mark.slow, pytest.mark.integration]

TIMEOUT = 240


@pytest.fixture(scope="module")
def signals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("job-signals")


def finished(rt, job_id: str):  # type: ignore[no-untyped-def]
    rt.jobs.wait([job_id], timeout=TIMEOUT)
    return rt.jobs.get(job_id)


def originals(rt) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(o.key for o in rt.storage.list("originals"))


def test_master_creates_a_linked_file_that_runs_the_pipeline(
    ffmpeg: None, running, signals: Path
) -> None:  # type: ignore[no-untyped-def]
    rt = running
    programme = rt.ingest.import_path(make_programme(signals, Programme())).media
    music = rt.ingest.import_path(make_music(signals)).media
    job = rt.mastering.master(programme.id, "audio/music_mix_roll_duck_v1", music.id)
    assert job.media_file_id == programme.id
    job = finished(rt, job.id)
    assert job.status == JobStatus.COMPLETED, job.error_message
    new_id = job.result["media_file_id"]
    assert new_id == derived_id(job.id) and job.result["created"] is True

    # The chain was created: a pipeline probe of the new file, child of the master job.
    with rt.db.read() as s:
        chain = [
            (c.type, c.media_file_id, c.pipeline)
            for c in s.scalars(select(Job).where(Job.parent_id == job.id))
        ]
    assert chain == [("probe", new_id, True)]

    master = wait_done(rt, new_id, TIMEOUT)
    assert master.status == MediaStatus.READY, master.error_message
    assert master.kind == MediaKind.VIDEO and master.original_key == f"originals/{new_id}.mp4"
    assert {(s.role, s.media_file_id) for s in master.sources} == {
        ("programme", programme.id),
        ("music", music.id),
    }
    assert master.loudness is not None
    assert master.loudness.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert master.loudness.true_peak_dbtp <= -1.5
    stored = rt.storage.local_path(master.original_key)
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == master.sha256
    assert master.size_bytes == stored.stat().st_size
    assert master.duration_seconds == pytest.approx(13.0, abs=0.1)
    assert {a.kind for a in master.artifacts} >= {"poster"}  # its own pipeline ran

    # The attempt recorded every command and every measurement.
    (attempt,) = rt.jobs.get(job.id).attempt_history
    details = attempt.details["loudness"]
    assert details["mode"] in ("linear", "linear_limited")
    assert details["mix"]["integrated_lufs"] < details["output"]["integrated_lufs"]
    assert len(attempt.commands) >= 4  # render + meter, encode + meter
    assert attempt.encoder.startswith("aac")
    # The programme itself is untouched: same status, no loudness written on it.
    assert rt.library.get_media(programme.id).status == MediaStatus.READY


def test_replay_reproduces_the_same_file(ffmpeg: None, running, signals: Path) -> None:  # type: ignore[no-untyped-def]
    rt = running
    programme = rt.ingest.import_path(make_programme(signals, Programme(video=False))).media
    job = finished(rt, rt.mastering.master(programme.id, "audio/podcast_v1").id)
    new_id = job.result["media_file_id"]
    first = wait_done(rt, new_id, TIMEOUT)
    assert first.original_key.endswith(".m4a") and first.kind == MediaKind.AUDIO

    replayed = finished(rt, rt.jobs.replay(job.id).id)
    assert replayed.status == JobStatus.COMPLETED, replayed.error_message
    assert replayed.result["replay"] == "identical"
    assert replayed.result["sha256"] == first.sha256
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediaFile)) == 2  # no duplicate
        probes = s.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.media_file_id == new_id, Job.type == "probe")
        )
    assert probes == 1  # the pipeline was not started twice

    # Purged by mistake: replay brings the very same file back, pipeline and all.
    rt.library.delete_media(new_id, purge=True)
    again = finished(rt, rt.jobs.replay(job.id).id)
    assert again.status == JobStatus.COMPLETED and again.result["created"] is True
    restored = wait_done(rt, new_id, TIMEOUT)
    assert restored.status == MediaStatus.READY and restored.sha256 == first.sha256
    assert restored.sources[0].media_file_id == programme.id


def test_loudness_job_measures_without_writing_audio(ffmpeg: None, running, signals: Path) -> None:  # type: ignore[no-untyped-def]
    rt = running
    programme = rt.ingest.import_path(make_programme(signals, Programme())).media
    before = originals(rt)
    job = finished(rt, rt.mastering.measure(programme.id).id)
    assert job.status == JobStatus.COMPLETED, job.error_message
    media = rt.library.get_media(programme.id)
    assert media.loudness is not None
    assert -40 < media.loudness.integrated_lufs < -10
    assert media.loudness.lra >= 0 and media.loudness.true_peak_dbtp < 0
    assert job.result["integrated_lufs"] == media.loudness.integrated_lufs
    assert originals(rt) == before
    assert rt.jobs.get(job.id).attempt_history[0].details["loudness"]["lra"] == media.loudness.lra


def test_bad_inputs_are_refused_at_submit(ffmpeg: None, runtime, signals: Path) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    silent = rt.ingest.import_path(make_programme(signals, Programme(audio=False))).media
    image = rt.ingest.import_path(make_image(signals)).media
    programme = rt.ingest.import_path(make_programme(signals, Programme())).media
    with pytest.raises(InvalidInput) as no_audio:
        rt.mastering.master(silent.id, "audio/dialogue_mix_v1")
    assert no_audio.value.code == ErrorCode.NO_AUDIO_STREAM and "no audio stream" in str(
        no_audio.value
    )
    with pytest.raises(InvalidInput) as not_audio:
        rt.mastering.master(programme.id, "audio/music_replace_v1", image.id)
    assert not_audio.value.code == ErrorCode.NO_AUDIO_STREAM and "not audio" in str(not_audio.value)
    with pytest.raises(InvalidInput) as needs_music:
        rt.mastering.master(programme.id, "audio/music_replace_v1")
    assert "needs a music file" in str(needs_music.value)
    with pytest.raises(InvalidInput) as bad_preset:
        rt.mastering.master(programme.id, "audio/no_such_preset")
    assert bad_preset.value.code == ErrorCode.INVALID_PRESET
    with pytest.raises(InvalidInput):
        rt.mastering.measure(silent.id)
    assert rt.jobs.list_jobs(job_type="master_audio").total == 0


@pytest.mark.parametrize("case", ["no-audio-programme", "music-not-audio"])
def test_bad_inputs_fail_the_job_cleanly(ffmpeg: None, running, signals: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    """Stored input that names unusable files (bypassing the service) fails with a code."""
    rt = running
    if case == "no-audio-programme":
        programme = rt.ingest.import_path(make_programme(signals, Programme(audio=False))).media
        music, preset_id = None, "audio/dialogue_mix_v1"
    else:
        programme = rt.ingest.import_path(make_programme(signals, Programme())).media
        music, preset_id = (
            rt.ingest.import_path(make_image(signals)).media,
            "audio/music_replace_v1",
        )
    wait_done(rt, programme.id, TIMEOUT)
    before = originals(rt)
    preset = load_typed(preset_id, AudioMasterPreset)
    spec = master_spec(programme.id, preset_id, preset, music.id if music else None)
    job = finished(rt, rt.jobs.submit(spec).id)
    assert job.status == JobStatus.FAILED  # not retried: the input cannot change
    assert job.error_code == ErrorCode.NO_AUDIO_STREAM
    assert ("no audio stream" if music is None else "not audio") in job.error_message
    assert job.attempts == 1
    assert originals(rt) == before  # nothing published
    with rt.db.read() as s:
        assert s.get(MediaFile, derived_id(job.id)) is None
        assert s.scalar(select(func.count()).select_from(MediaFileSource)) == 0
    assert rt.library.get_media(programme.id).status == MediaStatus.READY
