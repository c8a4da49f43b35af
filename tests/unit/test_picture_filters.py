"""Picture fixes before scaling: deinterlacing (flag + idet) and HDR tone-mapping (pure)."""

from __future__ import annotations

import pytest

from mediadesk.domain.mediainfo import StreamInfo
from mediadesk.engine.encoders import CPU_ENCODER
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.plan import plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.interlace import IdetCounts, decide, flagged_parity, parse_idet
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import MP4
from tests.unit.golden_support import assert_golden, recorded_probe
from tests.unit.test_pipeline_golden import OUT, SOURCE

# Recorded from ffmpeg 5.1 (-vf idet) on a tinterlace'd, TFF-flagged H.264 clip.
IDET_TAIL = (
    "[Parsed_idet_0] Repeated Fields: Neither:    51 Top:     0 Bottom:     0\n"
    "[Parsed_idet_0] Single frame detection: TFF:    50 BFF:     0 Progressive:     0"
    " Undetermined:     0\n"
    "[Parsed_idet_0] Multi frame detection: TFF:    50 BFF:     0 Progressive:     0"
    " Undetermined:     1\n"
)


def test_display_parity_from_the_field_order() -> None:
    orders = {"tt": "tff", "bt": "tff", "bb": "bff", "tb": "bff", "progressive": None, None: None}
    for order, parity in orders.items():
        assert flagged_parity(StreamInfo(index=0, type="video", field_order=order)) == parity


def test_idet_summary_is_read() -> None:
    assert parse_idet(IDET_TAIL) == IdetCounts(50, 0, 0, 1)
    assert parse_idet("no summary") is None


def test_only_a_flagged_stream_that_looks_interlaced_is_deinterlaced() -> None:
    interlaced = IdetCounts(50, 0, 0, 1)
    # Never touched: not flagged, whatever idet says (it calls test cards TFF).
    assert decide(None, interlaced) is None
    assert decide("tff", interlaced) == "tff"
    # Flagged bottom first but the fields say top first: idet wins.
    assert decide("bff", interlaced) == "tff"
    # Progressive segmented frames flagged interlaced: left alone.
    assert decide("tff", IdetCounts(3, 2, 140, 5)) is None
    # Nothing measurable (all undetermined, or idet failed): the flag stands.
    assert decide("bff", IdetCounts(0, 0, 0, 150)) == "bff"
    assert decide("bff", None) == "bff"


def test_bwdif_comes_before_any_scaling() -> None:
    info = recorded_probe("1080p").model_copy(update={"deinterlace": "tff"})
    preset = load_typed("hls/ladder_v1", LadderPreset)
    audio = load_typed("hls/audio_v1", AudioHlsPreset)
    argv = ladder_argv("ffmpeg", SOURCE, MP4, plan_ladder(preset, audio, info), OUT, CPU_ENCODER)
    assert_golden("ladder_1080p_interlaced", argv)
    graph = argv[argv.index("-filter_complex") + 1]
    assert graph.startswith("[0:0]bwdif=deint=all:mode=send_frame:parity=tff[s0];[s0]fps=")


def test_hdr_is_tone_mapped_before_scaling_and_tagged_bt709() -> None:
    info = recorded_probe("1080p")
    video = info.streams[0].model_copy(
        update={
            "color_transfer": "smpte2084",
            "color_primaries": "bt2020",
            "color_space": "bt2020nc",
            "color_range": "tv",
        }
    )
    hdr = info.model_copy(update={"streams": [video, *info.streams[1:]]})
    preset = load_typed("hls/ladder_v1", LadderPreset)
    audio = load_typed("hls/audio_v1", AudioHlsPreset)
    argv = ladder_argv("ffmpeg", SOURCE, MP4, plan_ladder(preset, audio, hdr), OUT, CPU_ENCODER)
    assert_golden("ladder_1080p_hdr10", argv)
    graph = argv[argv.index("-filter_complex") + 1]
    assert graph.index("tonemap=desat=0:tonemap=hable") < graph.index("]scale=")
    assert "tin=smpte2084" in graph and "min=2020_ncl" in graph and "pin=2020" in graph
    for option in ("-color_primaries", "-color_trc", "-colorspace"):
        assert argv[argv.index(option) + 1] == "bt709"


def test_hevc_hdr_rungs_only_for_hdr_sources_and_only_in_fmp4() -> None:
    preset = load_typed("hls/ladder_hdr_v1", LadderPreset)
    audio = load_typed("hls/audio_v1", AudioHlsPreset)
    sdr = recorded_probe("1080p")
    assert plan_ladder(preset, audio, sdr).hdr_rungs == ()
    video = sdr.streams[0].model_copy(
        update={"color_transfer": "smpte2084", "color_primaries": "bt2020"}
    )
    hdr = sdr.model_copy(update={"streams": [video, *sdr.streams[1:]]})
    plan = plan_ladder(preset, audio, hdr)
    assert [(r.name, r.codec) for r in plan.hdr_rungs] == [
        ("1080p_hdr", "hevc"),
        ("720p_hdr", "hevc"),
    ]
    argv = ladder_argv("ffmpeg", SOURCE, MP4, plan, OUT, CPU_ENCODER)
    assert_golden("ladder_1080p_hdr_hevc", argv)
    assert (
        argv[argv.index("-c:v:4") + 1] == "libx265" and argv[argv.index("-tag:v:4") + 1] == "hvc1"
    )
    assert argv[argv.index("-color_trc:v:5") + 1] == "smpte2084"
    params = argv[argv.index("-x265-params:v:4") + 1]
    assert "keyint=50:min-keyint=50:scenecut=0:open-gop=0" in params and "hdr10=1" in params
    with pytest.raises(ValueError, match="fmp4"):
        LadderPreset.model_validate({**preset.model_dump(), "segment_format": "mpegts"})
