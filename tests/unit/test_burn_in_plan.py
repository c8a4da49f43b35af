"""Picture subtitles burned into a version of their own: which streams, which rung, and
the compiled argv against golden files (pure functions, no ffmpeg runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mediadesk.domain.mediainfo import MediaInfo, StreamInfo
from mediadesk.engine.encoders import CPU_ENCODER, Family, VideoEncoder
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.plan import LadderPlan, plan_burn_in, plan_ladder, subtitle_placement
from mediadesk.engine.hls.presets import AudioHlsPreset, BurnInSpec, LadderPreset
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import MKV
from tests.unit.golden_support import assert_golden, recorded_probe

SOURCE = Path("/library/originals/0d5e.mkv")
OUT = Path("/library/scratch/job-1/out")
V2 = load_typed("hls/ladder_v2", LadderPreset)
AUDIO = load_typed("hls/audio_v1", AudioHlsPreset)


def with_subtitles(info: MediaInfo) -> MediaInfo:
    """The recorded 1080p probe plus what a Blu-ray or DVD rip carries: a text track,
    forced German PGS, English PGS, and French VobSub."""
    first = max(s.index for s in info.streams) + 1
    extra = [
        StreamInfo(index=first, type="subtitle", codec="subrip", language="eng"),
        StreamInfo(
            index=first + 1, type="subtitle", codec="hdmv_pgs_subtitle", language="ger", forced=True
        ),
        StreamInfo(index=first + 2, type="subtitle", codec="hdmv_pgs_subtitle", language="eng"),
        StreamInfo(index=first + 3, type="subtitle", codec="dvd_subtitle", language="fre"),
    ]
    return info.model_copy(update={"streams": [*info.streams, *extra]})


def planned(spec: BurnInSpec, info: MediaInfo | None = None) -> LadderPlan:
    info = info or with_subtitles(recorded_probe("1080p"))
    return plan_burn_in(plan_ladder(V2, AUDIO, info), spec, info)


def test_ladder_v2_burns_forced_picture_subtitles_and_v1_burns_none() -> None:
    assert V2.burn_in.tracks == "forced"
    assert load_typed("hls/ladder_v1", LadderPreset).burn_in.tracks == "off"
    plan = planned(V2.burn_in)
    assert [(b.label, b.language, b.forced, b.source_rung) for b in plan.burned] == [
        ("Deutsch (forced, burned in)", "de", True, "720p")
    ]
    burned = plan.burned[0]
    assert (burned.name, burned.master) == ("burned_1", "master.burned_1.m3u8")
    assert (burned.rung.width, burned.rung.height) == (1280, 720)
    # Not a rung of the main ladder: not in the rungs the master and verify list.
    assert [r.name for r in plan.all_rungs] == ["1080p", "720p", "480p", "360p"]
    assert [r.name for r in plan.encoded_rungs][-1] == "burned_1"


def test_all_and_languages_pick_streams_in_source_order_up_to_the_cap() -> None:
    everything = planned(BurnInSpec(tracks="all", max_tracks=8))
    assert [b.label for b in everything.burned] == [
        "Deutsch (forced, burned in)",
        "English (burned in)",
        "Français (burned in)",
    ]
    # The text track is never burned: it is a WebVTT rendition.
    assert all(b.stream_index != 2 for b in everything.burned)
    capped = planned(BurnInSpec(tracks="all", max_tracks=2))
    assert [b.name for b in capped.burned] == ["burned_1", "burned_2"]
    # Languages as RFC 5646 tags or ISO 639-2 codes.
    french = planned(BurnInSpec(tracks="all", languages=["fre"]))
    assert [b.language for b in french.burned] == ["fr"]
    assert planned(BurnInSpec(tracks="all", languages=["en", "de"])).burned[1].language == "en"
    assert planned(BurnInSpec(tracks="forced", languages=["en"])).burned == ()
    assert planned(BurnInSpec()).burned == ()


def test_the_rung_is_the_largest_kept_at_or_under_max_height() -> None:
    assert planned(BurnInSpec(tracks="forced", max_height=480)).burned[0].source_rung == "480p"
    assert planned(BurnInSpec(tracks="forced", max_height=1080)).burned[0].source_rung == "1080p"
    # Nothing that small: the smallest rung.
    assert planned(BurnInSpec(tracks="forced", max_height=200)).burned[0].source_rung == "360p"


def test_a_source_without_picture_subtitles_burns_nothing() -> None:
    info = recorded_probe("1080p")
    assert planned(BurnInSpec(tracks="all"), info).burned == ()


def test_a_preview_preset_cannot_burn() -> None:
    data = V2.model_dump() | {"max_duration_s": 30}
    with pytest.raises(ValidationError, match="burn_in is for full ladders"):
        LadderPreset.model_validate(data)


def test_burned_argv_libx264() -> None:
    plan = planned(BurnInSpec(tracks="all", max_tracks=2))
    argv = ladder_argv("ffmpeg", SOURCE, MKV, plan, OUT, CPU_ENCODER)
    assert_golden("ladder_v2_1080p_burned_libx264", argv)
    graph = argv[argv.index("-filter_complex") + 1]
    # The 720p picture is split three ways (the rung and two copies) and each subtitle
    # canvas is scaled to the rung before it is drawn over it.
    assert "split=4" in graph  # 720p: the rung, two copies, the branch to 480p
    for stream in (plan.burned[0].stream_index, plan.burned[1].stream_index):
        assert f"[0:{stream}]scale=h=720:w=1280" in graph
    assert graph.count("overlay=eof_action=pass:x=0:y=0") == 2
    stream_map = argv[argv.index("-var_stream_map") + 1]
    assert stream_map.split(" ")[4:6] == ["v:4,name:burned_1", "v:5,name:burned_2"]
    # Encoded like the 720p rung.
    assert argv[argv.index("-crf:v:4") + 1] == argv[argv.index("-crf:v:1") + 1]
    assert argv[argv.index("-maxrate:v:5") + 1] == "3000k"


def test_burned_argv_vaapi_uploads_the_copy_too() -> None:
    plan = planned(BurnInSpec(tracks="forced"))
    encoder = VideoEncoder(Family.VAAPI, "/dev/dri/renderD128")
    argv = ladder_argv("ffmpeg", SOURCE, MKV, plan, OUT, encoder)
    assert_golden("ladder_v2_1080p_burned_vaapi", argv)
    graph = argv[argv.index("-filter_complex") + 1]
    assert graph.count("hwupload") == 5  # four rungs and the burned copy


@pytest.mark.parametrize(
    ("canvas", "video", "rung", "placed"),
    [
        # The canvas has the picture's shape: stretched over the rung (DVD anamorphic too).
        ((1920, 1080), (1920, 1080), (1280, 720), None),
        ((720, 480), (720, 480), (854, 480), None),
        ((None, None), (1920, 800), (1920, 800), None),
        # A Blu-ray canvas over a video cropped to 2.40:1: fitted inside, centred.
        ((1920, 1080), (1920, 800), (1920, 800), (1422, 800, 249, 0)),
        ((1920, 1080), (1920, 800), (1280, 534), (948, 534, 166, 0)),
        # Cropped to 4:3 at the sides: fitted by width, centred in height.
        ((1920, 1080), (1440, 1080), (960, 720), (960, 540, 0, 90)),
    ],
)
def test_a_subtitle_canvas_keeps_its_shape_in_the_rung(
    canvas: tuple[int | None, int | None],
    video: tuple[int, int],
    rung: tuple[int, int],
    placed: tuple[int, int, int, int] | None,
) -> None:
    assert subtitle_placement(canvas, video, rung) == placed
