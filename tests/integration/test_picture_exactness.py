"""Exactness fixes of issue 13 item 7, each starting from the file that showed the fault."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from tests.media import Clip, make_clip
from tests.pipeline_support import (
    ffprobe,
    import_and_wait,
    jobs_by_type,
    media_root,
    playlist_durations,
    stream_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=300,
    )


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
    ffmpeg("-i", str(src), "-c", "copy", str(remuxed))
    rt = runtime_factory(pipeline_video=["probe", "poster", "hls", "trickplay"])
    media = ready(rt, remuxed)
    vtt = (media_root(rt) / "trickplay" / media.id / "thumbnails.vtt").read_text()
    assert "00:00:00.000 --> 00:00:03" in vtt and "sheet_000.jpg#xywh=0,0,320,180" in vtt


def test_transport_stream_with_a_timestamp_jump(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two 1.5 s halves, the second 5000 s later: ffprobe alone says the file lasts 5001 s.
    halves = []
    for i, offset in enumerate(("0", "5000")):
        half = tmp_path / f"half{i}.ts"
        ffmpeg(
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
