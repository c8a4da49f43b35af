"""Every argv compiler against golden files (pure functions: no ffmpeg runs here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.engine.encoders import CPU_ENCODER, Family, VideoEncoder
from mediadesk.engine.hls.compile import audio_argv, ladder_argv
from mediadesk.engine.hls.plan import expected_duration, plan_audio, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import MP3, MP4
from mediadesk.engine.trickplay import TrickplayPreset, frames_argv, plan_trickplay
from mediadesk.engine.waveform import WaveformPreset, pcm_argv, plan_waveform
from tests.unit.golden_support import assert_golden, recorded_probe

SOURCE = Path("/library/originals/0d5e.mp4")
OUT = Path("/library/scratch/job-1/out")


def ladder(preset_id: str, probe: str) -> tuple[LadderPreset, object]:
    preset = load_typed(preset_id, LadderPreset)
    audio = load_typed(preset.audio, AudioHlsPreset) if preset.audio else None
    return preset, plan_ladder(preset, audio, recorded_probe(probe))


def test_ladder_1080p_libx264() -> None:
    _, plan = ladder("hls/ladder_v1", "1080p")
    assert_golden(
        "ladder_1080p_libx264", ladder_argv("ffmpeg", SOURCE, MP4, plan, OUT, CPU_ENCODER)
    )


@pytest.mark.parametrize(
    "encoder",
    [
        VideoEncoder(Family.NVENC),
        VideoEncoder(Family.VAAPI, "/dev/dri/renderD128"),
        VideoEncoder(Family.QSV),
    ],
    ids=lambda e: e.family.value,
)
def test_ladder_1080p_hardware(encoder: VideoEncoder) -> None:
    _, plan = ladder("hls/ladder_v1", "1080p")
    argv = ladder_argv("ffmpeg", SOURCE, MP4, plan, OUT, encoder)
    assert_golden(f"ladder_1080p_{encoder.family.value}", argv)


def test_ladder_cmaf_portrait_without_audio() -> None:
    _, plan = ladder("hls/ladder_cmaf_v1", "phone_portrait")
    assert_golden(
        "ladder_cmaf_portrait", ladder_argv("ffmpeg", SOURCE, MP4, plan, OUT, CPU_ENCODER)
    )


def test_preview_reads_only_30_seconds() -> None:
    _, plan = ladder("hls/preview_v1", "1080p")
    argv = ladder_argv("ffmpeg", SOURCE, MP4, plan, OUT, CPU_ENCODER)
    assert_golden("preview_1080p", argv)
    # -t is an input option: it must come before -i so only 30 s are ever read.
    assert argv.index("-t") < argv.index("-i")


def test_audio_hls_skips_cover_art() -> None:
    preset = load_typed("hls/audio_v1", AudioHlsPreset)
    info = recorded_probe("song_cover")
    plan = plan_audio(info, preset)
    assert plan is not None
    argv = audio_argv(
        "ffmpeg",
        SOURCE.with_suffix(".mp3"),
        MP3,
        plan,
        OUT,
        preset.segment_seconds,
        preset.segment_format,
        expected_duration(info, None),
    )
    assert_golden("audio_hls_song_cover", argv)


def test_trickplay_frames() -> None:
    preset = load_typed("trickplay/tiles_v1", TrickplayPreset)
    plan = plan_trickplay(recorded_probe("1080p"), preset)
    assert_golden("trickplay_1080p", frames_argv("ffmpeg", SOURCE, MP4, plan, OUT / "frames"))


def test_waveform_pcm() -> None:
    preset = load_typed("waveform/peaks_v1", WaveformPreset)
    plan = plan_waveform(recorded_probe("song_cover"), preset)
    assert_golden("waveform_song_cover", pcm_argv("ffmpeg", SOURCE.with_suffix(".mp3"), MP3, plan))


@pytest.mark.parametrize("path", [Path("/x/-i.mp4"), Path("/x/http:evil.mp4"), Path("/x/a b.mp4")])
def test_input_is_always_a_whitelisted_file_url(path: Path) -> None:
    _, plan = ladder("hls/ladder_v1", "1080p")
    argv = ladder_argv("ffmpeg", path, MP4, plan, OUT, CPU_ENCODER)
    i = argv.index("-i")
    assert argv[i + 1] == f"file:{path}"
    assert argv[i - 6 : i] == [
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        "mov",
        "-f",
        "mov",
    ]
    assert argv.count("-i") == 1
