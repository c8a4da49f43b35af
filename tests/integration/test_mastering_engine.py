"""The mastering engine on generated speech and music, proven by measuring its outputs."""

from pathlib import Path

import pytest

from mediadesk.engine.audio.ducking import DUCK_TIMING
from mediadesk.engine.audio.local_run import LocalRunner
from mediadesk.engine.audio.master import MasterResult, master
from mediadesk.engine.audio.preset import AudioMasterPreset, DuckingMode, Timing
from mediadesk.engine.audio.sources import MasterSources, Source
from mediadesk.engine.presets import load_typed
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import sniff
from mediadesk.errors import ErrorCode, InvalidInput
from tests.audio_signals import (
    Programme,
    band_db,
    decode,
    duration_of,
    loudnorm_measure,
    make_music,
    make_programme,
    stream_md5,
    tone_db,
)
from tests.media import make_image

pytestmark = [pytest.mark.slow, pytest.mark.integration]

PROG = Programme()  # 13 s, speech in [2, 5) and [8, 11)


@pytest.fixture(scope="module")
def signals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("signals")


def source(path: Path) -> Source:
    container = sniff(path)
    return Source(path, container, probe_file(path, "ffprobe", container), path.name)


def preset(preset_id: str, **changes: object) -> AudioMasterPreset:
    loaded = load_typed(preset_id, AudioMasterPreset)
    return loaded.model_copy(update=changes) if changes else loaded


def run_master(
    tmp_path: Path, p: AudioMasterPreset, programme: Path, music: Path | None = None
) -> MasterResult:
    sources = MasterSources(source(programme), source(music) if music else None)
    work = tmp_path / "work"
    return master(LocalRunner(work / "logs"), "ffmpeg", "ffprobe", p, "test", sources, work, "m")


def test_dialogue_mix_lands_on_target(ffmpeg: None, signals: Path, tmp_path: Path) -> None:
    programme = make_programme(signals, PROG)
    result = run_master(tmp_path, preset("audio/dialogue_mix_v1"), programme, make_music(signals))
    independent = loudnorm_measure(result.output)
    assert independent["input_i"] == pytest.approx(-16.0, abs=0.5)
    assert independent["input_tp"] <= -1.5 + 0.2  # a second meter, its own rounding
    assert result.final.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert result.final.peak_db <= -1.5 and result.final.peak_kind == "true"
    assert duration_of(result.output) == pytest.approx(PROG.duration, abs=0.1)
    # Both are in it: the speech where it was, the music bed throughout.
    x = decode(result.output)
    assert band_db(x, 2.5, 4.5) > band_db(x, 6.0, 7.5) + 20
    assert tone_db(x, 6.0, 7.5) > -60


def test_music_replace_contains_no_programme_audio(
    ffmpeg: None, signals: Path, tmp_path: Path
) -> None:
    programme = make_programme(signals, PROG)
    music = make_music(signals)
    result = run_master(tmp_path, preset("audio/music_replace_v1"), programme, music)
    x, original = decode(result.output), decode(programme)
    gain = result.plans[-1].gain_db  # what the mix got on its way to -16 LUFS
    for start, end in PROG.speech:
        speech = band_db(original, start + 0.2, end - 0.2)
        assert speech > band_db(original, 6.0, 7.5) + 40  # the programme does speak here
        # Mixed in, the speech would stand at speech + gain; it is 40 dB under that
        # (what remains is the AAC coder's noise around the music), and far under the music.
        assert band_db(x, start + 0.2, end - 0.2) < speech + gain - 40
        assert band_db(x, start + 0.2, end - 0.2) < tone_db(x, start + 0.2, end - 0.2) - 30
    assert result.final.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert duration_of(result.output) == pytest.approx(PROG.duration, abs=0.1)
    # The picture is the programme's own, stream-copied packet for packet.
    assert stream_md5(result.output) == stream_md5(programme)
    assert result.info.video is not None and result.info.video.codec == "h264"


@pytest.mark.parametrize("mode", [DuckingMode.ROLLING, DuckingMode.ABRUPT])
def test_ducking_lowers_music_under_speech_and_restores_it(
    ffmpeg: None, signals: Path, tmp_path: Path, mode: DuckingMode
) -> None:
    base = preset("audio/music_mix_roll_duck_v1")
    p = base.model_copy(
        update={
            "ducking": base.ducking.model_copy(update={"mode": mode}),
            "timing": Timing(fade_enabled=False),  # fades would blur the first window
        }
    )
    amount = p.ducking.amount_db
    result = run_master(tmp_path, p, make_programme(signals, PROG), make_music(signals))
    assert result.plans[-1].mode in ("linear", "linear_limited")  # one gain: levels compare
    x = decode(result.output)
    gaps = [tone_db(x, 0.3, 1.9), tone_db(x, 6.5, 7.9), tone_db(x, 11.8, 12.9)]
    speech = [tone_db(x, 2.5, 4.9), tone_db(x, 8.5, 10.9)]
    full = gaps[0]
    for level in gaps[1:]:
        assert level == pytest.approx(full, abs=1.0), "the music comes back in the gaps"
    for level in speech:
        assert full - level == pytest.approx(amount, abs=2.0), "about amount_db under speech"
    # Per 250 ms windows across a speech segment: down the whole time it lasts.
    for i in range(8):
        t = 8.5 + i * 0.25
        assert full - tone_db(x, t, t + 0.25) > amount - 4
    # After speech stops: the rolling duck is still on its way up a quarter second
    # later, the abrupt one is back at full level by then.
    if mode == DuckingMode.ROLLING:
        assert full - tone_db(x, 5.3, 5.55) > 2.0
        assert DUCK_TIMING[mode].release > 500
    else:
        assert full - tone_db(x, 5.3, 5.55) < 1.0


def test_fades_are_audible_at_both_ends(ffmpeg: None, signals: Path, tmp_path: Path) -> None:
    result = run_master(
        tmp_path,
        preset("audio/music_replace_v1"),
        make_programme(signals, PROG),
        make_music(signals),
    )
    x = decode(result.output)
    middle = tone_db(x, 5.0, 7.0)
    assert middle - tone_db(x, 0.0, 0.25) > 12
    assert middle - tone_db(x, PROG.duration - 0.25, PROG.duration) > 12
    # ...and they are fades, not cuts: halfway through, the level is in between.
    assert 2 < middle - tone_db(x, 0.9, 1.1) < 12


def test_music_plays_for_duration_seconds_then_silence(
    ffmpeg: None, signals: Path, tmp_path: Path
) -> None:
    p = preset("audio/music_replace_v1", timing=Timing(duration_seconds=4.0, fade_enabled=True))
    result = run_master(tmp_path, p, make_programme(signals, PROG), make_music(signals))
    x = decode(result.output)
    assert tone_db(x, 6.0, 12.0) < tone_db(x, 1.5, 2.5) - 60
    assert duration_of(result.output) == pytest.approx(PROG.duration, abs=0.1)


def test_audio_programme_with_wide_range_goes_dynamic(
    ffmpeg: None, signals: Path, tmp_path: Path
) -> None:
    loud = make_programme(signals, Programme(duration=20.0, video=False, speech=((1, 19),)))
    # Half of it 16 dB down: a loudness range far over the preset's 11 LU.
    uneven = tmp_path / "uneven.m4a"
    import subprocess

    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(loud), "-af",
         "volume=0.15:enable='gt(t,10)'", "-c:a", "aac", str(uneven)],
        check=True, timeout=120,
    )  # fmt: skip
    result = run_master(tmp_path, preset("audio/podcast_v1"), uneven)
    assert result.mix.lra > 11
    assert result.plans[0].mode == "dynamic"
    assert result.final.integrated_lufs == pytest.approx(-16.0, abs=0.5)
    assert result.final.peak_db <= -1.0
    assert result.output.suffix == ".m4a" and result.info.video is None


def test_programme_without_audio_is_refused_for_a_mix(
    ffmpeg: None, signals: Path, tmp_path: Path
) -> None:
    silent = make_programme(signals, Programme(audio=False))
    with pytest.raises(InvalidInput) as err:
        run_master(tmp_path, preset("audio/dialogue_mix_v1"), silent, make_music(signals))
    assert err.value.code == ErrorCode.NO_AUDIO_STREAM
    assert silent.name in err.value.message and "no audio stream" in err.value.message
    # Putting music under a silent video is what 'replace' is for.
    result = run_master(tmp_path, preset("audio/music_replace_v1"), silent, make_music(signals))
    assert result.info.audio is not None and result.info.video is not None


def test_music_that_is_not_audio_is_refused(ffmpeg: None, signals: Path, tmp_path: Path) -> None:
    image = make_image(signals)
    with pytest.raises(InvalidInput) as err:
        run_master(tmp_path, preset("audio/music_replace_v1"), make_programme(signals), image)
    assert err.value.code == ErrorCode.NO_AUDIO_STREAM
    assert image.name in err.value.message and "not audio" in err.value.message


def test_audio_that_starts_late_stays_in_sync(ffmpeg: None, tmp_path: Path) -> None:
    """A programme whose audio starts 1 s after its video keeps that offset in the master."""
    import subprocess

    def ff(*args: str) -> None:
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=120)

    ff("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=6", "-c:v", "libx264",
       "-preset", "ultrafast", str(tmp_path / "v.mp4"))  # fmt: skip
    ff("-f", "lavfi", "-i", "sine=f=1000:d=5:sample_rate=48000", "-c:a", "aac",
       str(tmp_path / "a.m4a"))  # fmt: skip
    late = tmp_path / "late.mp4"
    ff("-i", str(tmp_path / "v.mp4"), "-itsoffset", "1", "-i", str(tmp_path / "a.m4a"),
       "-map", "0:v", "-map", "1:a", "-c", "copy", str(late))  # fmt: skip
    result = run_master(tmp_path, preset("audio/dialogue_mix_v1"), late)
    x = decode(result.output)
    onset = int((abs(x) > 0.01).argmax()) / 48000
    assert onset == pytest.approx(1.0, abs=0.05)
    assert duration_of(result.output) == pytest.approx(6.0, abs=0.1)
