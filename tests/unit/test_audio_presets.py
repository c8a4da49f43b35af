"""The audio_master preset schema: shipped presets load; bad ones are refused by field."""

import json
from pathlib import Path

import pytest

from mediadesk.bundled import presets_dir
from mediadesk.engine.audio.preset import AudioMasterPreset, DuckingMode, MixMode
from mediadesk.engine.presets import list_presets, load_file, load_typed, parse_preset
from mediadesk.errors import ErrorCode, InvalidInput

SHIPPED = [
    "audio/dialogue_mix_v1",
    "audio/music_replace_v1",
    "audio/music_mix_roll_duck_v1",
    "audio/podcast_v1",
    "audio/broadcast_r128_v1",
]


def base() -> dict:  # type: ignore[type-arg]
    return json.loads((presets_dir() / "audio" / "music_mix_roll_duck_v1.json").read_text())


@pytest.mark.parametrize("preset_id", SHIPPED)
def test_shipped_presets_validate(preset_id: str) -> None:
    preset = load_typed(preset_id, AudioMasterPreset)
    assert preset.kind == "audio_master" and preset.version >= 1
    assert preset.output.codec == "aac"


def test_targets_of_the_named_presets() -> None:
    assert load_typed("audio/podcast_v1", AudioMasterPreset).normalization.target_lufs == -16
    assert load_typed("audio/broadcast_r128_v1", AudioMasterPreset).normalization.target_lufs == -23
    duck = load_typed("audio/music_mix_roll_duck_v1", AudioMasterPreset)
    assert duck.mode == MixMode.MIX and duck.ducking.mode == DuckingMode.ROLLING
    assert not duck.needs_music  # in mix mode the bed is optional
    replace = load_typed("audio/music_replace_v1", AudioMasterPreset)
    assert replace.mode == MixMode.REPLACE and replace.needs_music


def test_listing_includes_every_audio_preset() -> None:
    ids = {p.id for p in list_presets() if p.kind == "audio_master"}
    assert set(SHIPPED) <= ids


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(loudness=1), "loudness"),
        (lambda d: d["ducking"].update(depth=3), "ducking.depth"),
        (lambda d: d["ducking"].update(amount_db=99), "ducking.amount_db"),
        (lambda d: d["ducking"].update(gate="loose"), "ducking.gate"),
        (lambda d: d.update(mode="blend"), "mode"),
        (lambda d: d["normalization"].update(target_lufs=3), "normalization.target_lufs"),
        (lambda d: d["normalization"].update(true_peak_db=2), "normalization.true_peak_db"),
        (lambda d: d["output"].update(codec="mp3"), "output.codec"),
        (lambda d: d["output"].update(sample_rate=96000), "output.sample_rate"),
        (lambda d: d["timing"].update(duration_seconds=-1), "timing.duration_seconds"),
        (lambda d: d.update(music_gain_db=90), "music_gain_db"),
        (lambda d: d.update(version=0), "version"),
    ],
)
def test_bad_fields_are_named(change, field: str) -> None:  # type: ignore[no-untyped-def]
    data = base()
    change(data)
    with pytest.raises(InvalidInput) as err:
        parse_preset(data, "my.json")
    assert err.value.code == ErrorCode.INVALID_PRESET
    assert f"{field}:" in err.value.message and "my.json" in err.value.message


def test_ducking_needs_mix_mode() -> None:
    data = base()
    data["mode"] = "replace"
    with pytest.raises(InvalidInput) as err:
        parse_preset(data, "x.json")
    assert "ducking.mode" in err.value.message


def test_load_file_reports_broken_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidInput) as err:
        load_file(bad)
    assert "bad.json" in err.value.message
