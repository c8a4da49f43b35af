"""The mastering compiler is a pure function: its argv is compared with golden files.

Regenerate after a deliberate change with ``MEDIADESK_UPDATE_GOLDEN=1 pytest ...`` and
review the diff: every changed argument changes what users get.
"""

import json
import math
import os
from pathlib import Path

import pytest

from mediadesk.domain.mediainfo import MediaInfo, StreamInfo
from mediadesk.engine.audio import ducking, graph, meters, split_encode
from mediadesk.engine.audio.loudness import GainMode, LoudnessPlan
from mediadesk.engine.audio.preset import AudioMasterPreset, Timing
from mediadesk.engine.audio.sources import MasterSources, Source
from mediadesk.engine.inputs import input_args
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import AAC, M4A, MKV, MP4, WAV

GOLDEN = Path(__file__).parent / "golden" / "audio_master_argv.json"

VIDEO = MediaInfo(
    container="mov,mp4,m4a,3gp,3g2,mj2",
    duration=600.0,
    streams=[
        StreamInfo(index=0, type="video", codec="h264", width=1920, height=1080),
        StreamInfo(index=1, type="audio", codec="aac", sample_rate=48000, channels=2),
    ],
)
SPEECH = MediaInfo(
    container="wav",
    duration=1800.0,
    streams=[StreamInfo(index=0, type="audio", codec="pcm_s16le", sample_rate=44100, channels=1)],
)
MUSIC = MediaInfo(
    container="mov,mp4,m4a,3gp,3g2,mj2",
    duration=180.0,
    streams=[StreamInfo(index=0, type="audio", codec="aac", sample_rate=44100, channels=2)],
)
PRORES = VIDEO.model_copy(
    update={"streams": [StreamInfo(index=0, type="video", codec="prores"), VIDEO.streams[1]]}
)

PLANS = {
    "linear": LoudnessPlan(GainMode.LINEAR, gain_db=4.2),
    "limited": LoudnessPlan(GainMode.LINEAR_LIMITED, gain_db=9.37, limit_db=-2.5),
    "dynamic": LoudnessPlan(GainMode.DYNAMIC, target_lufs=-16.0, true_peak_db=-1.5, lra=11.0),
    "none": LoudnessPlan(GainMode.NONE),
}


def sources(programme: MediaInfo, music: bool) -> MasterSources:
    prog = Source(Path("/media-lib/originals/prog.mp4"), MP4, programme, "prog.mp4")
    if programme is SPEECH:
        prog = Source(Path("/media-lib/originals/talk.wav"), WAV, programme, "talk.wav")
    if programme is PRORES:
        prog = Source(Path("/media-lib/originals/edit.mkv"), MKV, programme, "edit.mkv")
    if not music:
        return MasterSources(prog)
    return MasterSources(prog, Source(Path("/media-lib/originals/bed.m4a"), M4A, MUSIC, "bed.m4a"))


def cases() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    scratch = Path("/scratch/job")
    for preset_id in [
        "audio/dialogue_mix_v1",
        "audio/music_replace_v1",
        "audio/music_mix_roll_duck_v1",
        "audio/podcast_v1",
        "audio/broadcast_r128_v1",
    ]:
        preset = load_typed(preset_id, AudioMasterPreset)
        for name, prog in (("video", VIDEO), ("speech", SPEECH)):
            for music in (True, False):
                if preset.needs_music and not music:
                    continue
                src = sources(prog, music)
                key = f"{preset_id}/{name}/{'music' if music else 'alone'}"
                out[f"{key}/render"] = graph.render_argv(
                    "ffmpeg", preset, src, scratch / "mix.wav", scratch / "render.fifo"
                )
        src = sources(VIDEO, True)
        out[f"{preset_id}/video/music/encode"] = graph.encode_argv(
            "ffmpeg", preset, src, scratch / "mix.wav", PLANS["linear"],
            scratch / "out/x.mp4", scratch / "verify.fifo",
        )  # fmt: skip
    duck = load_typed("audio/music_mix_roll_duck_v1", AudioMasterPreset)
    abrupt = duck.model_copy(
        update={"ducking": duck.ducking.model_copy(update={"mode": "abrupt", "gate": "strict"})}
    )
    out["abrupt-strict/render"] = graph.render_argv(
        "ffmpeg", abrupt, sources(VIDEO, True), scratch / "mix.wav", scratch / "r.fifo"
    )
    short = duck.model_copy(update={"timing": Timing(duration_seconds=30, fade_enabled=True)})
    out["music-for-30s/render"] = graph.render_argv(
        "ffmpeg", short, sources(VIDEO, True), scratch / "mix.wav", scratch / "r.fifo"
    )
    for plan_name in ("linear", "limited"):
        for seconds in (60.0, 3600.0):
            out[f"excerpt/{plan_name}/{seconds:g}s"] = meters.excerpt_argv(
                "ffmpeg", duck, scratch / "mix.wav", PLANS[plan_name], seconds,
                scratch / "pcm.r128", scratch / "excerpt.fifo",
            )  # fmt: skip
    out["meter/aac"] = meters.meter_argv(
        "ffmpeg",
        input_args(scratch / "v.fifo", AAC),
        metadata_log=scratch / "m.r128",
        skip_samples=1024,
    )
    for plan_name, loud in PLANS.items():
        for prog_name, prog in (("video", VIDEO), ("speech", SPEECH), ("prores", PRORES)):
            out[f"encode/{plan_name}/{prog_name}"] = graph.encode_argv(
                "ffmpeg", duck, sources(prog, True), scratch / "mix.wav", loud,
                scratch / "out/x", None,
            )  # fmt: skip
    dialogue = load_typed("audio/dialogue_mix_v1", AudioMasterPreset)
    for bounds in ((None, 86_016 * 1024 + 2048), (86_016 * 1024 - 8192, None)):
        out[f"split/half/{bounds[0]}-{bounds[1]}"] = split_encode.half_argv(
            "ffmpeg", dialogue, scratch / "mix.wav", PLANS["limited"], *bounds,
            scratch / "half.aac",
        )  # fmt: skip
    for prog_name, prog in (("video", VIDEO), ("speech", SPEECH)):
        out[f"split/mux/{prog_name}"] = split_encode.mux_argv(
            "ffmpeg", dialogue, sources(prog, False), scratch / "spliced.aac",
            scratch / "out/x.m4a", scratch / "verify.fifo",
        )  # fmt: skip
    return out


def test_argv_matches_golden() -> None:
    got = cases()
    if os.environ.get("MEDIADESK_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert sorted(got) == sorted(expected)
    for key in expected:
        assert got[key] == expected[key], key


def test_inputs_only_through_the_safe_path() -> None:
    for key, argv in cases().items():
        for i, arg in enumerate(argv):
            if arg == "-i":
                assert argv[i + 1].startswith("file:/"), key
                assert argv[i - 6 : i - 4] == ["-protocol_whitelist", "file"], key


def test_video_is_copied_never_encoded() -> None:
    for key, argv in cases().items():
        if key.endswith("encode") or key.startswith("encode/"):
            assert "-c:v" not in argv or argv[argv.index("-c:v") + 1] == "copy", key
            assert "libx264" not in argv


def test_replace_never_reads_the_programme_audio() -> None:
    argv = cases()["audio/music_replace_v1/video/music/render"]
    graph_text = argv[argv.index("-filter_complex") + 1]
    assert "[1:a:0]" not in graph_text and "[0:a:0]" in graph_text  # only the music
    assert argv.count("-i") == 1


@pytest.mark.parametrize("amount", [3.0, 12.0, 20.0, 40.0])
def test_duck_threshold_gives_the_amount(amount: float) -> None:
    # The compressor's gain for a key at 1.0: exp(t * (1 - 1/R)), t = ln(threshold).
    t = math.log(ducking.duck_threshold(amount))
    reduction_db = -20 * math.log10(math.exp(t * (1 - 1 / ducking.COMPRESSOR_RATIO)))
    assert reduction_db == pytest.approx(amount, abs=0.01)


def test_music_is_looped_only_when_short() -> None:
    duck = load_typed("audio/music_mix_roll_duck_v1", AudioMasterPreset)
    long_music = sources(VIDEO, True)
    assert "-stream_loop" in graph.render_argv("ffmpeg", duck, long_music, Path("/a"), Path("/b"))
    short_prog = MasterSources(
        long_music.programme.__class__(
            Path("/p.mp4"), MP4, VIDEO.model_copy(update={"duration": 60.0}), "p.mp4"
        ),
        long_music.music,
    )
    assert "-stream_loop" not in graph.render_argv(
        "ffmpeg", duck, short_prog, Path("/a"), Path("/b")
    )


def test_tee_refuses_paths_it_would_misread() -> None:
    assert graph.tee_safe(Path("/scratch/a b/out.mp4"))
    assert not graph.tee_safe(Path("/scratch/a|b/out.mp4"))
    assert not graph.tee_safe(Path("/scratch/[x]/out.mp4"))


def test_containers() -> None:
    assert graph.output_container(sources(VIDEO, False)) == MP4
    assert graph.output_container(sources(SPEECH, False)).extension == "m4a"
    assert graph.output_container(sources(PRORES, False)) == MKV
