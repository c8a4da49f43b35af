"""Odd inputs through the real pipeline: each ends in correct outputs or a clear code."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from mediadesk.errors import ErrorCode
from mediadesk.handlers.inputs import PresetInput
from mediadesk.jobs.spec import JobSpec
from tests.media import Clip, make_clip, make_image, run_ffmpeg
from tests.pipeline_support import (
    ffprobe,
    import_and_wait,
    keyframe_times,
    master_variants,
    media_root,
    playlist_durations,
    stream_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture
def ladder_rt(runtime_factory):  # type: ignore[no-untyped-def]
    """Video files get probe + hls only; audio and images their full default pipeline."""
    return runtime_factory(pipeline_video=["probe", "hls"])


def ready(rt: Any, path: Path) -> tuple[Any, Path]:
    media = import_and_wait(rt, path)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    return media, media_root(rt) / "hls" / media.id


def frame_gaps(path: Path) -> list[int]:
    """Milliseconds between successive video packets (decode order)."""
    doc = ffprobe("-select_streams", "v:0", "-show_entries", "packet=dts_time", str(path))
    times = [float(p["dts_time"]) for p in doc["packets"]]
    return [int((b - a) * 1000) for a, b in itertools.pairwise(times)]


def test_video_without_audio_has_no_audio_group(ladder_rt, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    media, out = ready(ladder_rt, make_clip(media_dir, Clip(audio=False)))
    master = (out / "master.m3u8").read_text()
    assert "#EXT-X-MEDIA" not in master and "AUDIO=" not in master
    (variant,) = master_variants(out / "master.m3u8")
    assert variant["CODECS"].startswith("avc1.") and "mp4a" not in variant["CODECS"]
    assert not (out / "audio").exists()
    assert ArtifactKind.AUDIO_HLS not in {a.kind for a in media.artifacts}
    # An audio-only HLS of a video would take over its master playlist: refused.
    job = ladder_rt.jobs.submit(
        JobSpec(type="audio_hls", input=PresetInput(media_file_id=media.id), media_file_id=media.id)
    )
    (done,) = ladder_rt.jobs.wait([job.id], timeout=120)
    assert (done.status, done.error_code) == ("FAILED", ErrorCode.INVALID_INPUT)
    assert (out / "master.m3u8").read_text() == master


def test_audio_only_file_gets_audio_hls_and_waveform(ladder_rt, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(video=False, container="m4a", duration=3.0))
    media, out = ready(ladder_rt, clip)
    (variant,) = master_variants(out / "master.m3u8")
    assert variant == {
        "BANDWIDTH": variant["BANDWIDTH"],
        "AVERAGE-BANDWIDTH": variant["AVERAGE-BANDWIDTH"],
        "CODECS": "mp4a.40.2",
        "URI": "audio/index.m3u8",
    }
    text = (out / "audio" / "index.m3u8").read_text()
    assert "#EXT-X-INDEPENDENT-SEGMENTS" in text  # ffmpeg 5.1 leaves it out here
    assert sum(playlist_durations(out / "audio" / "index.m3u8")) == pytest.approx(3.0, abs=0.1)
    peaks = json.loads((media_root(ladder_rt) / "waveforms" / media.id / "peaks.json").read_text())
    assert (peaks["version"], peaks["channels"], peaks["bits"]) == (2, 1, 8)
    assert peaks["sample_rate"] == 48000 and peaks["samples_per_pixel"] == 512
    assert peaks["length"] == -(-3 * 48000 // 512) and len(peaks["data"]) == 2 * peaks["length"]
    kinds = {a.kind for a in media.artifacts}
    assert {ArtifactKind.AUDIO_HLS, ArtifactKind.WAVEFORM_JSON, ArtifactKind.WAVEFORM_PNG} <= kinds


def test_odd_dimensions_become_even(ladder_rt, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # 4:4:4 lets x264 make the odd-sized source; the rung must be 4:2:0 and even.
    clip = make_clip(media_dir, Clip(size="321x241", pix_fmt="yuv444p"))
    _, out = ready(ladder_rt, clip)
    (variant,) = master_variants(out / "master.m3u8")
    assert variant["RESOLUTION"] == "320x240"
    stream = stream_of(out / "240p" / "seg_00000.ts")
    assert (stream["width"], stream["height"], stream["pix_fmt"]) == (320, 240, "yuv420p")


def test_ten_bit_hevc_becomes_eight_bit_h264(ladder_rt, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(vcodec="libx265", pix_fmt="yuv420p10le", duration=1.0))
    media, out = ready(ladder_rt, clip)
    assert media.video_codec == "hevc"
    stream = stream_of(out / "180p" / "seg_00000.ts")
    assert (stream["codec_name"], stream["profile"], stream["pix_fmt"]) == (
        "h264",
        "High",
        "yuv420p",
    )


def test_surround_audio_is_downmixed_to_stereo(ladder_rt, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    _, out = ready(ladder_rt, make_clip(media_dir, Clip(channels=6)))
    assert stream_of(out / "audio" / "seg_00000.ts", "a")["channels"] == 2
    assert 'CHANNELS="2"' in (out / "master.m3u8").read_text()


def test_variable_frame_rate_becomes_constant(ladder_rt, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # 30 fps for the first second, then every third frame: a VFR Matroska file.
    vfr = Clip(
        duration=3.0,
        fps=30,
        container="mkv",
        extra=("-vf", r"select=lt(n\,30)+not(mod(n\,3))", "-vsync", "vfr"),
    )
    source = make_clip(media_dir, vfr)
    assert len(set(frame_gaps(source))) > 1  # the input really is VFR
    _, out = ready(ladder_rt, source)
    (variant,) = master_variants(out / "master.m3u8")
    assert variant["FRAME-RATE"] == "30.000"
    assert set(frame_gaps(out / "180p" / "index.m3u8")) == {33}
    # Constant frames in, fixed GOP out: keyframes exactly every two seconds.
    times = keyframe_times(out / "180p" / "index.m3u8")
    assert [round(t - times[0], 2) for t in times] == [0.0, 2.0]


def test_very_short_clip(ladder_rt, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    _, out = ready(ladder_rt, make_clip(media_dir, Clip(duration=0.3)))
    assert sum(playlist_durations(out / "180p" / "index.m3u8")) == pytest.approx(0.3, abs=0.05)
    assert keyframe_times(out / "180p" / "index.m3u8")


def test_audio_with_cover_art_is_audio(ladder_rt, media_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    song = make_clip(media_dir, Clip(video=False, container="mp3", acodec="libmp3lame"))
    cover = make_image(media_dir, "300x300")
    tagged = tmp_path / "song-with-cover.mp3"
    run_ffmpeg(
        "-i", str(song), "-i", str(cover), "-map", "0", "-map", "1", "-c", "copy",
        "-id3v2_version", "3", "-disposition:v", "attached_pic", str(tagged),
    )  # fmt: skip
    media, out = ready(ladder_rt, tagged)
    assert media.kind == "audio"
    assert master_variants(out / "master.m3u8")[0]["CODECS"] == "mp4a.40.2"
    # Asking for a video ladder from it fails with a clear code, and publishes nothing.
    job = ladder_rt.jobs.submit(
        JobSpec(type="hls", input=PresetInput(media_file_id=media.id), media_file_id=media.id)
    )
    (done,) = ladder_rt.jobs.wait([job.id], timeout=120)
    assert (done.status, done.error_code) == ("FAILED", ErrorCode.NO_VIDEO_STREAM)


def test_picture_much_shorter_than_sound_fails_verification(ladder_rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two seconds of picture over twenty of sound: the video rung cannot match the
    # source duration within a segment, so the job fails and nothing is published.
    odd = tmp_path / "short-picture.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=duration=20",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(odd),
    )  # fmt: skip
    media = import_and_wait(ladder_rt, odd)
    assert (media.status, media.error_code) == (MediaStatus.FAILED, ErrorCode.DURATION_MISMATCH)
    assert "180p lasts 2.000s but the source lasts 20." in (media.error_message or "")
    assert not (media_root(ladder_rt) / "hls" / media.id).exists()
    assert not [a for a in media.artifacts if a.kind == ArtifactKind.HLS_MASTER]
