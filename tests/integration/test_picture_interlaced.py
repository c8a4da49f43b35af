"""Interlaced sources through the real pipeline (issue 13 item 4): deinterlaced with
bwdif before scaling when the stream says so and idet agrees; progressive untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import MediaStatus
from tests.media import Clip, make_clip
from tests.pipeline_support import import_and_wait, jobs_by_type, media_root, stream_of

pytestmark = [pytest.mark.slow, pytest.mark.integration]

# 50 fields a second woven into 25 top-field-first frames, coded as interlaced H.264.
INTERLACED = Clip(
    size="720x576",
    fps=50,
    duration=2.0,
    extra=(
        "-vf",
        "tinterlace=mode=interleave_top,fieldorder=tff",
        "-flags",
        "+ilme+ildct",
        "-x264-params",
        "tff=1",
        "-r",
        "25",
    ),
)


def ladder_graph(rt: Any, media_id: str) -> str:
    attempt = jobs_by_type(rt, media_id)["hls"].attempt_history[-1]
    # The ladder's own encode (the per-title probes and quality checks filter too).
    argv = next(c.argv for c in attempt.commands if "-var_stream_map" in c.argv)
    return str(argv[argv.index("-filter_complex") + 1])


def test_interlaced_source_is_deinterlaced_before_scaling(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, INTERLACED, "interlaced.mp4")
    assert stream_of(clip)["field_order"] == "tt"
    rt = runtime_factory(pipeline_video=["probe", "poster", "hls"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    assert media.probe.deinterlace == "tff"
    graph = ladder_graph(rt, media.id)
    assert graph.index("bwdif=deint=all:mode=send_frame:parity=tff") < graph.index("scale=")
    out = media_root(rt) / "hls" / media.id
    rung = stream_of(next(out.glob("*p/seg_00000.ts")))
    assert rung.get("field_order", "progressive") == "progressive"
    assert rung["r_frame_rate"] == "25/1"


def test_progressive_source_is_never_touched(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(size="720x576", duration=2.0))
    assert stream_of(clip)["field_order"] == "progressive"
    rt = runtime_factory(pipeline_video=["probe", "hls"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    assert media.probe.deinterlace is None
    assert "bwdif" not in ladder_graph(rt, media.id)
