"""Choosing rungs, frame rate and GOP from a probed source (pure)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mediadesk.domain.mediainfo import MediaInfo, StreamInfo
from mediadesk.engine.hls.plan import choose_frame_rate, even, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.presets import load_typed
from mediadesk.errors import ErrorCode, InvalidInput
from tests.unit.golden_support import recorded_probe

LADDER = load_typed("hls/ladder_v1", LadderPreset)
AUDIO = load_typed("hls/audio_v1", AudioHlsPreset)


def source(
    width: int,
    height: int,
    *,
    rotation: int = 0,
    rate: str = "25/1",
    sar: str | None = None,
    audio_channels: int | None = 2,
    duration: float = 10.0,
) -> MediaInfo:
    streams = [
        StreamInfo(
            index=0,
            type="video",
            width=width,
            height=height,
            rotation=rotation,
            avg_frame_rate=rate,
            r_frame_rate=rate,
            sample_aspect_ratio=sar,
        )
    ]
    if audio_channels:
        streams.append(StreamInfo(index=1, type="audio", channels=audio_channels, language="eng"))
    return MediaInfo(container="mov", duration=duration, streams=streams)


def sizes(info: MediaInfo) -> list[tuple[str, int, int]]:
    plan = plan_ladder(LADDER, AUDIO, info)
    return [(r.name, r.width, r.height) for r in plan.rungs]


def test_1080p_source_gets_all_four_rungs() -> None:
    assert sizes(recorded_probe("1080p")) == [
        ("1080p", 1920, 1080),
        ("720p", 1280, 720),
        ("480p", 854, 480),
        ("360p", 640, 360),
    ]


def test_rungs_above_the_source_are_dropped() -> None:
    assert sizes(source(640, 360)) == [("360p", 640, 360)]
    assert sizes(source(1280, 720))[0] == ("720p", 1280, 720)


def test_tiny_source_keeps_one_rung_at_its_own_size() -> None:
    # Named by what it holds: a 320x180 picture is 180p, whatever box it came from.
    assert sizes(source(320, 180)) == [("180p", 320, 180)]


def test_rotated_source_gets_portrait_rungs() -> None:
    assert sizes(recorded_probe("phone_portrait")) == [
        ("720p", 720, 1280),
        ("480p", 480, 854),
        ("360p", 360, 640),
    ]
    assert sizes(source(1920, 1080, rotation=270))[0] == ("1080p", 1080, 1920)


def test_cinema_scope_keeps_its_aspect_ratio_with_even_sides() -> None:
    # Folders say what they hold: a 640x266 rung is 266p, not 360p.
    assert sizes(source(1920, 800)) == [
        ("800p", 1920, 800),
        ("534p", 1280, 534),
        ("356p", 854, 356),
        ("266p", 640, 266),
    ]
    assert sizes(source(1920, 816))[-1] == ("272p", 640, 272)


def test_odd_sizes_round_to_even_and_never_up() -> None:
    assert sizes(source(321, 241)) == [("240p", 320, 240)]
    assert even(241.0, 241) == 240 and even(3.0, 3) == 2


def test_anamorphic_pixels_are_stretched_to_square() -> None:
    # DVD PAL 16:9: 720x576 stored, 1024x576 shown.
    assert sizes(source(720, 576, sar="64:45"))[0] == ("480p", 854, 480)


@pytest.mark.parametrize(
    ("avg", "expected"),
    [
        ("25/1", Fraction(25)),
        ("30000/1001", Fraction(30000, 1001)),
        ("30/1", Fraction(30)),  # not snapped to 29.97 (the closest standard wins)
        ("2987/100", Fraction(30000, 1001)),  # a VFR phone clip's average
        ("120/1", Fraction(60)),  # halved under the 60 fps cap
        ("120000/1001", Fraction(60000, 1001)),
        ("0/0", Fraction(25)),  # unknown
        ("27/1", Fraction(27)),  # unusual but honest
    ],
)
def test_frame_rate(avg: str, expected: Fraction) -> None:
    stream = StreamInfo(index=0, type="video", avg_frame_rate=avg, r_frame_rate=avg)
    assert choose_frame_rate(stream, 60.0) == expected


def test_gop_is_two_seconds_of_frames() -> None:
    plan = plan_ladder(LADDER, AUDIO, source(1280, 720, rate="30000/1001"))
    assert plan.gop_frames == 60
    assert plan.keyframe_expr == "expr:gte(t,n_forced*2)"


def test_audio_plan_follows_the_source() -> None:
    plan = plan_ladder(LADDER, AUDIO, source(640, 360, audio_channels=6))
    assert plan.audio is not None
    assert (plan.audio.channels, plan.audio.bitrate_k, plan.audio.language) == (2, 128, "en")
    mono = plan_ladder(LADDER, AUDIO, source(640, 360, audio_channels=1)).audio
    assert mono is not None and mono.channels == 1
    assert plan_ladder(LADDER, AUDIO, source(640, 360, audio_channels=None)).audio is None


def test_preview_duration_is_capped() -> None:
    preview = load_typed("hls/preview_v1", LadderPreset)
    assert plan_ladder(preview, AUDIO, source(640, 360, duration=95)).duration == 30
    assert plan_ladder(preview, AUDIO, source(640, 360, duration=12)).duration == 12


def test_no_video_stream_is_a_clear_error() -> None:
    info = MediaInfo(
        container="mp3",
        duration=3,
        streams=[StreamInfo(index=0, type="audio", channels=2)],
    )
    with pytest.raises(InvalidInput) as err:
        plan_ladder(LADDER, AUDIO, info)
    assert err.value.code == ErrorCode.NO_VIDEO_STREAM


def test_cover_art_is_not_a_video_stream() -> None:
    info = recorded_probe("song_cover")
    assert info.video is None and info.audio is not None
    with pytest.raises(InvalidInput) as err:
        plan_ladder(LADDER, AUDIO, info)
    assert err.value.code == ErrorCode.NO_VIDEO_STREAM


def test_the_preview_rung_is_named_by_its_size() -> None:
    preview = load_typed("hls/preview_v1", LadderPreset)
    plan = plan_ladder(preview, AUDIO, source(640, 360, duration=60.0))
    assert [(r.name, r.width, r.height) for r in plan.rungs] == [("360p", 640, 360)]
