"""The video pipeline end to end: import a generated clip, let the real workers run
probe, poster, hls, preview and trickplay with ffmpeg, then read every output back
with ffprobe."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from mediadesk.events import MediaChanged
from tests.media import Clip, make_clip
from tests.pipeline_support import (
    ffprobe,
    import_and_wait,
    jobs_by_type,
    keyframe_times,
    master_variants,
    media_root,
    playlist_durations,
    stream_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]

LADDER = {"1080p": (1920, 1080), "720p": (1280, 720), "480p": (854, 480), "360p": (640, 360)}


@pytest.fixture(scope="session")
def hd_clip(ffmpeg: None, media_dir: Path) -> Path:
    """3 s of 1080p25 with stereo AAC: generated once per session."""
    return make_clip(media_dir, Clip(size="1920x1080", duration=3.0, fps=25))


@pytest.fixture
def pipeline(runtime_factory):  # type: ignore[no-untyped-def]
    return runtime_factory


def hls_dir(rt: Any, media: Any) -> Path:
    return media_root(rt) / "hls" / media.id


def test_1080p_clip_gets_the_whole_pipeline(pipeline, hd_clip: Path) -> None:  # type: ignore[no-untyped-def]
    # The bitrate ladder keeps every rung whatever the picture (ladder_v2, the default,
    # chooses rungs per title: tests/integration/test_quality_ladder.py).
    rt = pipeline(step_presets={"hls": "hls/ladder_v1"})
    seen: list[str] = []
    rt.bus.subscribe(lambda e: seen.append(e.status), MediaChanged)
    media = import_and_wait(rt, hd_clip)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    # The status moved only as the job system derived it from the pipeline jobs.
    changes = [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]]
    assert changes == ["UPLOADED", "PROCESSING", "READY"], seen
    jobs = jobs_by_type(rt, media.id)
    assert set(jobs) == {"probe", "poster", "hls", "preview", "trickplay"}
    assert all(j.status == "COMPLETED" for j in jobs.values())
    out = hls_dir(rt, media)

    # Four rungs and one shared audio rendition, described by a complete master.
    master = (out / "master.m3u8").read_text()
    assert "#EXT-X-INDEPENDENT-SEGMENTS" in master
    assert re.search(r'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud".*CHANNELS="2".*URI="audio/', master)
    variants = master_variants(out / "master.m3u8")
    assert [v["URI"] for v in variants] == [f"{n}/index.m3u8" for n in LADDER]
    for v, (w, h) in zip(variants, LADDER.values(), strict=True):
        assert v["RESOLUTION"] == f"{w}x{h}"
        assert v["FRAME-RATE"] == "25.000"
        assert re.fullmatch(r"avc1\.6400[0-9A-F]{2},mp4a\.40\.2", v["CODECS"])
        assert v["AUDIO"] == "aud"
        assert int(v["BANDWIDTH"]) >= int(v["AVERAGE-BANDWIDTH"]) > 100_000
    bandwidths = [int(v["BANDWIDTH"]) for v in variants]
    assert bandwidths == sorted(bandwidths, reverse=True)

    # ffprobe opens the master and finds every variant.
    doc = ffprobe(
        "-show_entries",
        "program=program_id:stream=codec_type,width,height",
        str(out / "master.m3u8"),
    )
    sizes = {
        (s["width"], s["height"])
        for p in doc["programs"]
        for s in p["streams"]
        if s["codec_type"] == "video"
    }
    assert sizes == set(LADDER.values())

    # Every media playlist is VOD, independent, and its keyframes line up with the others.
    times = {}
    for name in [*LADDER, "audio"]:
        text = (out / name / "index.m3u8").read_text()
        assert "#EXT-X-INDEPENDENT-SEGMENTS" in text and "#EXT-X-PLAYLIST-TYPE:VOD" in text
        assert sum(playlist_durations(out / name / "index.m3u8")) == pytest.approx(3.0, abs=0.1)
        if name != "audio":
            times[name] = keyframe_times(out / name / "index.m3u8")
    assert len({tuple(t) for t in times.values()}) == 1, times
    assert [round(t - times["360p"][0], 2) for t in times["360p"]] == [0.0, 2.0]
    first = stream_of(out / "1080p" / "seg_00000.ts")
    assert (first["codec_name"], first["profile"], first["pix_fmt"]) == ("h264", "High", "yuv420p")
    audio = stream_of(out / "audio" / "seg_00000.ts", "a")
    assert (audio["codec_name"], audio["channels"], audio["sample_rate"]) == ("aac", 2, "48000")

    # The preview (whole clip: it is shorter than 30 s) and the trickplay index.
    preview = out / "preview"
    assert master_variants(preview / "master.m3u8")[0]["RESOLUTION"] == "854x480"
    assert sum(playlist_durations(preview / "480p" / "index.m3u8")) == pytest.approx(3.0, abs=0.1)
    vtt = (media_root(rt) / "trickplay" / media.id / "thumbnails.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "sheet_000.jpg#xywh=0,0,320,180" in vtt

    # Artifacts are recorded with their presets; the attempt names its encoder.
    kinds = {(a.kind, a.preset_id) for a in media.artifacts}
    assert (ArtifactKind.HLS_MASTER, "hls/ladder_v1") in kinds
    assert (ArtifactKind.AUDIO_HLS, "hls/ladder_v1") in kinds
    assert (ArtifactKind.PREVIEW, "hls/preview_v1") in kinds
    assert (ArtifactKind.TRICKPLAY, "trickplay/tiles_v1") in kinds
    assert sum(a.kind == ArtifactKind.HLS_VARIANT for a in media.artifacts) == 4
    for a in media.artifacts:
        assert rt.storage.exists(a.storage_key), a.storage_key
    attempt = jobs["hls"].attempt_history[-1]
    assert attempt.encoder == "libx264"  # no GPU on the test machines
    assert sum("libx264" in c.argv for c in attempt.commands) == 1  # one process, all rungs


def test_small_source_keeps_one_rung_and_six_second_segments(pipeline, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(size="640x360", duration=13.0, fps=30, vcodec="libx264"))
    rt = pipeline(pipeline_video=["probe", "hls"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, media.error_message
    out = hls_dir(rt, media)
    variants = master_variants(out / "master.m3u8")
    assert [(v["URI"], v["RESOLUTION"]) for v in variants] == [("360p/index.m3u8", "640x360")]
    assert sorted(p.name for p in out.iterdir()) == ["360p", "audio", "master.m3u8"]
    durations = playlist_durations(out / "360p" / "index.m3u8")
    assert durations == pytest.approx([6.0, 6.0, 1.0], abs=0.04)
    assert "#EXT-X-TARGETDURATION:6" in (out / "360p" / "index.m3u8").read_text()
    times = keyframe_times(out / "360p" / "index.m3u8")
    assert len(times) == 7, times  # 0, 2, ... 12 s: a fixed two-second GOP
    assert all(abs((b - a) - 2.0) < 0.04 for a, b in itertools.pairwise(times))


def test_rotated_phone_video_gets_portrait_rungs(pipeline, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(size="1280x720", duration=1.0, rotate=90))
    rt = pipeline(pipeline_video=["probe", "hls"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, media.error_message
    assert (media.width, media.height) == (720, 1280)
    out = hls_dir(rt, media)
    variants = master_variants(out / "master.m3u8")
    assert [v["RESOLUTION"] for v in variants] == ["720x1280", "480x854", "360x640"]
    for name, size in (("720p", (720, 1280)), ("360p", (360, 640))):
        stream = stream_of(out / name / "seg_00000.ts")
        assert (stream["width"], stream["height"]) == size
        # The pixels are turned; no rotation is left for a player to apply again.
        assert not stream.get("side_data_list"), stream.get("side_data_list")


def test_preview_is_the_first_30_seconds_and_trickplay_every_10(pipeline, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(size="160x90", duration=32.0, fps=10))
    rt = pipeline(pipeline_video=["probe", "preview", "trickplay"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, media.error_message
    preview = hls_dir(rt, media) / "preview"
    (rung,) = master_variants(preview / "master.m3u8")
    assert rung["RESOLUTION"] == "160x90"  # never upscaled to the preset's 480p
    assert sum(playlist_durations(preview / "90p" / "index.m3u8")) == pytest.approx(30.0, abs=0.15)
    assert sum(playlist_durations(preview / "audio" / "index.m3u8")) == pytest.approx(
        30.0, abs=0.15
    )
    assert not (hls_dir(rt, media) / "master.m3u8").exists()  # the ladder did not run

    trick = media_root(rt) / "trickplay" / media.id
    cues = [ln for ln in (trick / "thumbnails.vtt").read_text().splitlines() if "-->" in ln]
    assert cues == [
        "00:00:00.000 --> 00:00:10.000",
        "00:00:10.000 --> 00:00:20.000",
        "00:00:20.000 --> 00:00:30.000",
        "00:00:30.000 --> 00:00:32.000",
    ]
    from PIL import Image

    with Image.open(trick / "sheet_000.jpg") as sheet:
        assert sheet.size == (4 * 160, 90)  # four thumbnails, one row, no padding


def test_cmaf_segments_as_a_preset_option(pipeline, clip: Path) -> None:  # type: ignore[no-untyped-def]
    rt = pipeline(pipeline_video=["probe", "hls"], step_presets={"hls": "hls/ladder_cmaf_v1"})
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, media.error_message
    out = hls_dir(rt, media)
    text = (out / "180p" / "index.m3u8").read_text()
    assert "#EXT-X-MAP:URI=" in text and ".m4s" in text and "#EXT-X-VERSION:7" in text
    assert "#EXT-X-MAP:URI=" in (out / "audio" / "index.m3u8").read_text()
    doc = ffprobe("-show_entries", "stream=codec_type,width,height", str(out / "master.m3u8"))
    assert {s["codec_type"] for s in doc["streams"]} == {"video", "audio"}
    master = next(a for a in media.artifacts if a.kind == ArtifactKind.HLS_MASTER)
    assert master.preset_id == "hls/ladder_cmaf_v1"


def test_replay_removes_rungs_the_new_run_did_not_make(pipeline, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(size="640x360", duration=4.0, fps=25, seed="prune"))
    rt = pipeline(pipeline_video=["probe", "hls", "preview"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, media.error_message
    out = hls_dir(rt, media)
    # As if an earlier run (another preset, a larger source) had published a 1080p rung
    # and a stray top-level file: the replayed ladder no longer names them.
    (out / "1080p").mkdir()
    (out / "1080p" / "index.m3u8").write_text("#EXTM3U\n")
    (out / "1080p" / "seg_00000.ts").write_bytes(b"\0" * 188)
    (out / "old.m3u8").write_text("#EXTM3U\n")
    hls_job = jobs_by_type(rt, media.id)["hls"]
    (done,) = rt.jobs.wait([rt.jobs.replay(hls_job.id).id], timeout=120)
    assert done.status == "COMPLETED", done.error_message
    assert sorted(p.name for p in out.iterdir()) == ["360p", "audio", "master.m3u8", "preview"]
    assert (out / "preview" / "master.m3u8").is_file()  # the preview job's, untouched
    assert [v["URI"] for v in master_variants(out / "master.m3u8")] == ["360p/index.m3u8"]
