"""The shipped presets validate, and bad ones are refused with the field named."""

from __future__ import annotations

from typing import Any

import pytest

from mediadesk.engine.presets import list_presets, load_preset, parse_preset
from mediadesk.errors import ErrorCode, InvalidInput

SHIPPED = {
    "hls/ladder_v1": "hls_ladder",
    "hls/ladder_cmaf_v1": "hls_ladder",
    "hls/preview_v1": "hls_ladder",
    "hls/audio_v1": "audio_hls",
    "trickplay/tiles_v1": "trickplay",
    "waveform/peaks_v1": "waveform",
    "images/webp_v1": "image_variants",
}


def test_every_shipped_preset_loads() -> None:
    found = {p.id: p.kind for p in list_presets()}
    assert SHIPPED.items() <= found.items()


def test_ladder_v1_is_the_issued_ladder() -> None:
    ladder: Any = load_preset("hls/ladder_v1")
    assert [(r.name, r.height, r.video_bitrate_k) for r in ladder.rungs] == [
        ("1080p", 1080, 5000),
        ("720p", 720, 3000),
        ("480p", 480, 1500),
        ("360p", 360, 800),
    ]
    assert (ladder.segment_seconds, ladder.audio, ladder.segment_format) == (
        6,
        "hls/audio_v1",
        "mpegts",
    )
    audio: Any = load_preset("hls/audio_v1")
    assert (audio.bitrate_k, audio.channels) == (128, 2)


RUNG = {"name": "720p", "width": 1280, "height": 720, "video_bitrate_k": 3000}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rungs": []}, "rungs"),
        ({"rungs": [RUNG, {**RUNG, "name": "big", "height": 1080}]}, "tallest down"),
        ({"rungs": [RUNG, RUNG]}, "unique"),
        ({"rungs": [{**RUNG, "name": "preview"}]}, "may not be"),
        ({"rungs": [{**RUNG, "name": "../x"}]}, "rungs.0.name"),
        ({"segment_seconds": 5}, "multiple of keyframe_interval_s"),
        ({"segment_format": "webm"}, "segment_format"),
        ({"x264_preset": "placebo"}, "x264_preset"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_ladders_are_refused(change: dict[str, Any], message: str) -> None:
    data = {"kind": "hls_ladder", "version": 1, "rungs": [RUNG], **change}
    with pytest.raises(InvalidInput) as err:
        parse_preset(data, "test.json")
    assert err.value.code == ErrorCode.INVALID_PRESET and message in err.value.message


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "image_variants", "version": 1, "sizes": [600, 600]},
        {"kind": "waveform", "version": 1, "bits": 12},
        {"kind": "trickplay", "version": 1, "interval_s": 0},
        {"kind": "audio_hls", "version": 1, "channels": 6},
    ],
)
def test_other_bad_presets_are_refused(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        parse_preset(data, "test.json")
