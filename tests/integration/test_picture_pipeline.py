"""The cheaper pipeline (issue 13 item 8): the preview is the ladder's own first
segments and trickplay decodes the smallest rung's keyframes, not the source again."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.domain.enums import MediaStatus
from tests.media import Clip, make_clip
from tests.pipeline_support import (
    import_and_wait,
    jobs_by_type,
    master_variants,
    media_root,
    playlist_durations,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_preview_and_trickplay_come_from_the_ladder(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(size="1280x720", duration=13.0, fps=10))
    rt = runtime_factory()  # the default video pipeline
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    jobs = jobs_by_type(rt, media.id)
    assert jobs["preview"].parent_id == jobs["trickplay"].parent_id == jobs["hls"].id
    out = media_root(rt) / "hls" / media.id

    # The preview: the 480p rung's first segments, the very same bytes; nothing encoded.
    preview = jobs["preview"].attempt_history[-1]
    assert not [c for c in preview.commands if "ffmpeg" in Path(c.argv[0]).name]
    (variant,) = master_variants(out / "preview" / "master.m3u8")
    assert variant["RESOLUTION"] == "854x480" and variant["URI"] == "480p/index.m3u8"
    assert playlist_durations(out / "preview" / "480p" / "index.m3u8") == pytest.approx(
        playlist_durations(out / "480p" / "index.m3u8")
    )
    for name in ("480p/seg_00000.ts", "audio/seg_00000.ts"):
        assert (out / "preview" / name).read_bytes() == (out / name).read_bytes()

    # Trickplay: one decode of the 360p rung's keyframes, not of the 720p source.
    (decode,) = [
        c.argv
        for c in jobs["trickplay"].attempt_history[-1].commands
        if "-filter_complex" in c.argv
    ]
    assert "-skip_frame" in decode and decode[decode.index("-skip_frame") + 1] == "nokey"
    source = decode[decode.index("-i") + 1]
    assert source.endswith("rung.ts") and "originals" not in source
    vtt = (media_root(rt) / "trickplay" / media.id / "thumbnails.vtt").read_text()
    assert vtt.count("#xywh=") == 2 and "00:00:10.000 --> 00:00:13.000" in vtt


def test_preview_without_a_ladder_is_still_encoded(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_factory(pipeline_video=["probe", "preview", "trickplay"])
    media = import_and_wait(rt, make_clip(media_dir, Clip(duration=2.0)))
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    jobs = jobs_by_type(rt, media.id)
    attempt = jobs["preview"].attempt_history[-1]
    assert any("libx264" in c.argv for c in attempt.commands)
    decode = next(
        c.argv
        for c in jobs["trickplay"].attempt_history[-1].commands
        if "-filter_complex" in c.argv
    )
    assert "originals" in decode[decode.index("-i") + 1]
