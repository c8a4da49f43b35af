"""The detail pane's streaming versions say how good each picture measured, in words."""

from __future__ import annotations

from datetime import UTC, datetime

from mediadesk.domain.enums import ArtifactKind
from mediadesk.library.views import ArtifactView
from ui.library.detail_words import renditions


def variant(params: dict[str, object]) -> ArtifactView:
    return ArtifactView(
        kind=ArtifactKind.HLS_VARIANT,
        storage_key="hls/x/720p/index.m3u8",
        size_bytes=1,
        preset_id="hls/ladder_v2",
        preset_version=2,
        params=params,
        job_id=None,
        created_at=datetime.now(UTC),
    )


def test_measured_quality_reads_as_words_not_numbers() -> None:
    measured = {"ssim": 0.9612, "psnr": 41.2, "frames": 450, "ssim_floor": 0.93, "crf": 23}
    lines = renditions(
        [variant({"width": 1280, "height": 720, "bandwidth": 2_100_000, "quality": measured})]
    )
    assert lines[0].startswith("720p · ") and lines[0].endswith(" · Very good picture")
    assert "0.96" not in lines[0] and "41.2" not in lines[0]


def test_an_unmeasured_rendition_says_nothing_about_quality() -> None:
    (line,) = renditions([variant({"width": 640, "height": 360, "bandwidth": 700_000})])
    assert "picture" not in line
