"""Exactness fixes of issue 13 item 7, each starting from the file that showed the fault."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from tests.media import Clip, make_clip, run_ffmpeg
from tests.pipeline_support import (
    ffprobe,
    import_and_wait,
    jobs_by_type,
    master_variants,
    media_root,
    playlist_durations,
    stream_of,
)
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def ready(rt: Any, path: Path) -> Any:
    media = import_and_wait(rt, path)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    jobs = jobs_by_type(rt, media.id)
    assert all(j.status == "COMPLETED" for j in jobs.values()), {
        k: (j.status, j.error_code) for k, j in jobs.items()
    }
    return media


def test_posters_of_non_square_pixels_are_square(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # PAL 16:9: 720x576 stored pixels, each 64:45 wide; a player shows 1024x576.
    clip = make_clip(
        media_dir, Clip(size="720x576", duration=2.0, extra=("-vf", "setsar=64/45")), "pal.mp4"
    )
    assert stream_of(clip)["sample_aspect_ratio"] == "64:45"
    rt = runtime_factory(pipeline_video=["probe", "poster"])
    media = ready(rt, clip)
    thumbs = media_root(rt) / "thumbnails" / media.id
    poster, thumb = stream_of(thumbs / "poster.jpg"), stream_of(thumbs / "thumb.jpg")
    assert (poster["width"], poster["height"]) == (1024, 576)
    assert (thumb["width"], thumb["height"]) == (320, 180)
    assert poster.get("sample_aspect_ratio", "1:1") in ("1:1", "0:1")
    sizes = {a.kind: (a.params["width"], a.params["height"]) for a in media.artifacts}
    assert sizes[ArtifactKind.POSTER] == (1024, 576)
    assert sizes[ArtifactKind.THUMBNAIL] == (320, 180)


@pytest.mark.parametrize("container", ["mkv", "webm"])
def test_short_matroska_gets_its_trickplay(  # type: ignore[no-untyped-def]
    runtime_factory, media_dir: Path, tmp_path: Path, container: str
) -> None:
    # A 3 s clip remuxed into Matroska: its video starts at 0.023 s, not 0.
    codecs = {"mkv": ("libx264", "aac", "mp4"), "webm": ("libvpx", "libopus", "webm")}
    vcodec, acodec, first = codecs[container]
    src = make_clip(media_dir, Clip(duration=3.0, vcodec=vcodec, acodec=acodec, container=first))
    remuxed = tmp_path / f"short.{container}"
    run_ffmpeg("-i", str(src), "-c", "copy", str(remuxed))
    rt = runtime_factory(pipeline_video=["probe", "poster", "hls", "trickplay"])
    media = ready(rt, remuxed)
    vtt = (media_root(rt) / "trickplay" / media.id / "thumbnails.vtt").read_text()
    assert "00:00:00.000 --> 00:00:03" in vtt and "sheet_000.jpg#xywh=0,0,320,180" in vtt


def test_transport_stream_with_a_timestamp_jump(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two 1.5 s halves, the second 5000 s later: ffprobe alone says the file lasts 5001 s.
    halves = []
    for i, offset in enumerate(("0", "5000")):
        half = tmp_path / f"half{i}.ts"
        run_ffmpeg(
            *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1.5"),
            *("-f", "lavfi", "-i", "sine=duration=1.5"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac"),
            *("-output_ts_offset", offset, "-f", "mpegts", str(half)),
        )
        halves.append(half.read_bytes())
    jump = tmp_path / "jump.ts"
    jump.write_bytes(b"".join(halves))
    assert float(ffprobe("-show_format", str(jump))["format"]["duration"]) > 5000

    rt = runtime_factory()  # the whole default pipeline: nothing may be left waiting
    media = ready(rt, jump)
    assert media.duration_seconds == pytest.approx(3.0, abs=0.2)
    assert media.probe.timestamp_gaps == 1
    out = media_root(rt) / "hls" / media.id
    for playlist in out.glob("*/index.m3u8"):
        assert sum(playlist_durations(playlist)) == pytest.approx(3.0, abs=0.3), playlist


def init_of(rendition: Path) -> Path | None:
    for line in (rendition / "index.m3u8").read_text().splitlines():
        if line.startswith("#EXT-X-MAP:URI="):
            return rendition / line.split('"')[1]
    return None


def first_pts(segment: Path, kind: str, init: Path | None = None) -> float:
    if init is not None:  # a CMAF media segment decodes only after its init segment
        joined = segment.with_name(f"joined-{kind}.mp4")
        joined.write_bytes(init.read_bytes() + segment.read_bytes())
        segment = joined
    doc = ffprobe("-select_streams", f"{kind}:0", "-show_entries", "packet=pts_time", str(segment))
    return min(float(p["pts_time"]) for p in doc["packets"])


@pytest.mark.parametrize("preset", ["hls/ladder_v1", "hls/ladder_cmaf_v1"])
def test_audio_starts_and_ends_with_the_picture(  # type: ignore[no-untyped-def]
    runtime_factory, media_dir: Path, preset: str
) -> None:
    # A 6.0 s title: audio began 21 ms (the AAC priming) before the video and ended with
    # a 21 ms segment of its own (EXTINF:6.016, then EXTINF:0.021333).
    clip = make_clip(media_dir, Clip(size="640x360", duration=6.0))
    rt = runtime_factory(pipeline_video=["probe", "hls"], step_presets={"hls": preset})
    media = ready(rt, clip)
    out = media_root(rt) / "hls" / media.id
    audio = playlist_durations(out / "audio" / "index.m3u8")
    assert audio == [pytest.approx(6.0, abs=0.001)], audio
    ext = "m4s" if "cmaf" in preset else "ts"
    rung = next(p for p in out.iterdir() if p.is_dir() and p.name != "audio")
    init_v, init_a = init_of(rung), init_of(out / "audio")
    video_start = first_pts(rung / f"seg_00000.{ext}", "v", init_v)
    audio_start = first_pts(out / "audio" / f"seg_00000.{ext}", "a", init_a)
    assert audio_start == pytest.approx(video_start, abs=0.001)


def test_an_audio_file_ends_with_its_sound(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # A 6.0 s song: its audio-only HLS ended with a 21 ms segment of its own (EXTINF:6.016,
    # then EXTINF:0.021333), the AAC priming pushing its last packet past the end.
    song = make_clip(media_dir, Clip(video=False, duration=6.0, container="m4a"))
    rt = runtime_factory(pipeline_audio=["probe", "audio_hls"])
    media = ready(rt, song)
    out = media_root(rt) / "hls" / media.id
    audio = playlist_durations(out / "audio" / "index.m3u8")
    assert audio == [pytest.approx(6.0, abs=0.001)], audio


def test_bandwidth_is_at_least_the_rfc_peak(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # 13 s in 6 s segments: 6 + 6 + 1. The short last segment was left out of the peak,
    # and a rung declared less than its measured peak.
    clip = make_clip(media_dir, Clip(size="1280x720", duration=13.0, fps=25))
    rt = runtime_factory(pipeline_video=["probe", "hls"])
    media = ready(rt, clip)
    out = media_root(rt) / "hls" / media.id
    master = out / "master.m3u8"
    audio_sizes = segment_sizes(out / "audio" / "index.m3u8")
    for variant in master_variants(master):
        playlist = out / variant["URI"]
        durations = playlist_durations(playlist)
        target = int(
            next(
                ln.split(":")[1]
                for ln in playlist.read_text().splitlines()
                if ln.startswith("#EXT-X-TARGETDURATION")
            )
        )
        sizes = [v + a for v, a in zip(segment_sizes(playlist), audio_sizes, strict=True)]
        windows = [
            sum(sizes[i:j]) * 8 / sum(durations[i:j])
            for i in range(len(sizes))
            for j in range(i + 1, len(sizes) + 1)
            if 0.5 * target <= sum(durations[i:j]) <= 1.5 * target
        ]
        assert windows
        assert int(variant["BANDWIDTH"]) >= max(windows), (variant["URI"], max(windows))


def segment_sizes(playlist: Path) -> list[int]:
    names = [ln for ln in playlist.read_text().splitlines() if ln and not ln.startswith("#")]
    return [(playlist.parent / n).stat().st_size for n in names]


def test_trickplay_is_advertised_in_the_master(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    # Trickplay was only a WebVTT index nothing in the master pointed at.
    clip = make_clip(media_dir, Clip(duration=12.0, fps=10))
    rt = runtime_factory(pipeline_video=["probe", "hls", "trickplay"])
    media = ready(rt, clip)
    jobs = jobs_by_type(rt, media.id)
    # The trickplay reads what the ladder published: it starts after the ladder ends.
    assert jobs["trickplay"].parent_id == jobs["hls"].id
    out = media_root(rt) / "hls" / media.id
    master = (out / "master.m3u8").read_text()
    (entry,) = [ln for ln in master.splitlines() if ln.startswith("#EXT-X-IMAGE-STREAM-INF:")]
    assert 'CODECS="jpeg"' in entry and "RESOLUTION=320x180" in entry
    assert 'URI="thumbs/images.m3u8"' in entry
    images = (out / "thumbs" / "images.m3u8").read_text().splitlines()
    assert "#EXT-X-IMAGES-ONLY" in images
    assert "#EXT-X-TILES:RESOLUTION=320x180,LAYOUT=2x1,DURATION=10.000" in images
    assert stream_of(out / "thumbs" / "sheet_000.jpg")["width"] == 640
    # The WebVTT index stays where the players read it.
    assert (media_root(rt) / "trickplay" / media.id / "thumbnails.vtt").is_file()

    # The ladder made again keeps the entry (the image playlist is still there).
    before = jobs["hls"].completed_at
    rt.jobs.replay(jobs["hls"].id)
    wait_until(
        lambda: rt.jobs.get(jobs["hls"].id),
        "the replayed ladder to finish",
        until=lambda j: j.status in ("COMPLETED", "FAILED") and j.completed_at != before,
        timeout=120,
    )
    assert rt.jobs.get(jobs["hls"].id).error_message is None
    assert "#EXT-X-IMAGE-STREAM-INF:" in (out / "master.m3u8").read_text()
    assert (out / "thumbs" / "images.m3u8").is_file()
