"""The ladder encoded by quality (hls/ladder_v2) against golden argv files: capped CRF on
libx264 and each hardware encoder's quality mode (pure functions, no ffmpeg runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.engine.encoders import (
    CPU_ENCODER,
    QUALITY_MODES,
    Family,
    QualityMode,
    VideoEncoder,
)
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.plan import LadderPlan, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import MP4
from tests.unit.golden_support import assert_golden, recorded_probe

SOURCE = Path("/library/originals/0d5e.mp4")
OUT = Path("/library/scratch/job-1/out")


def v2_plan() -> LadderPlan:
    preset = load_typed("hls/ladder_v2", LadderPreset)
    audio = load_typed(preset.audio, AudioHlsPreset) if preset.audio else None
    return plan_ladder(preset, audio, recorded_probe("1080p"))


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(f"-{name}") + 1]


def test_ladder_v2_capped_crf_libx264() -> None:
    plan = v2_plan()
    argv = ladder_argv("ffmpeg", SOURCE, MP4, plan, OUT, CPU_ENCODER)
    assert_golden("ladder_v2_1080p_libx264", argv)
    for i, rung in enumerate(plan.rungs):
        assert rung.crf is not None
        assert option(argv, f"crf:v:{i}") == str(rung.crf)
        # The rung's bitrate is its ceiling, with one second of it as the buffer.
        assert option(argv, f"maxrate:v:{i}") == f"{rung.video_bitrate_k}k"
        assert option(argv, f"bufsize:v:{i}") == f"{rung.video_bitrate_k}k"
        assert f"-b:v:{i}" not in argv


MODES = [
    (VideoEncoder(Family.NVENC, None, QualityMode.NVENC_VBR_CQ), {"rc": "vbr", "cq:v:0": "23"}),
    (
        VideoEncoder(Family.NVENC, None, QualityMode.NVENC_CONSTQP),
        {"rc": "constqp", "qp:v:0": "23"},
    ),
    (VideoEncoder(Family.QSV, None, QualityMode.QSV_ICQ), {"global_quality:v:0": "23"}),
    (
        VideoEncoder(Family.QSV, None, QualityMode.QSV_LA_ICQ),
        {"look_ahead": "1", "global_quality:v:0": "23"},
    ),
    (
        VideoEncoder(Family.VAAPI, "/dev/dri/renderD128", QualityMode.VAAPI_QVBR),
        {"rc_mode": "QVBR", "global_quality:v:0": "23", "maxrate:v:0": "5000k"},
    ),
]


@pytest.mark.parametrize(("encoder", "expected"), MODES, ids=lambda e: getattr(e, "mode", ""))
def test_ladder_v2_hardware_quality_modes(encoder: VideoEncoder, expected: dict[str, str]) -> None:
    argv = ladder_argv("ffmpeg", SOURCE, MP4, v2_plan(), OUT, encoder)
    assert_golden(f"ladder_v2_1080p_{encoder.mode.value}", argv)
    for name, value in expected.items():
        assert option(argv, name) == value
    # No x264 option leaks into a hardware encode.
    assert "-crf:v:0" not in argv


def test_uncapped_modes_carry_no_ceiling() -> None:
    """ffmpeg's QSV turns ICQ into QVBR when given a maxrate, so none is passed."""
    for mode in (QualityMode.QSV_ICQ, QualityMode.QSV_LA_ICQ, QualityMode.NVENC_CONSTQP):
        family = Family.QSV if mode.value.startswith("qsv") else Family.NVENC
        options = VideoEncoder(family, None, mode).rung_options(0, 23, 5000, 5000, 5000)
        assert not any(k.startswith(("maxrate", "b:v")) for k in options), options


def test_every_family_has_a_default_mode_and_refuses_foreign_ones() -> None:
    assert all(QUALITY_MODES[f] for f in Family)
    assert VideoEncoder(Family.NVENC).mode == QualityMode.NVENC_VBR_CQ
    with pytest.raises(ValueError):
        VideoEncoder(Family.CPU, None, QualityMode.VAAPI_QVBR)


def test_ladder_v1_rungs_are_unchanged_by_quality_modes() -> None:
    """A bitrate rung ignores the encoder's quality mode."""
    options = VideoEncoder(Family.QSV, None, QualityMode.QSV_ICQ).rung_options(
        1, None, 3000, 3210, 4500
    )
    assert options == {"b:v:1": "3000k", "maxrate:v:1": "3210k", "bufsize:v:1": "4500k"}
