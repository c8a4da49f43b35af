"""Preset parameters read in people's words in the presets browser and the mastering
dialog: every key the shipped presets use has a name, and values carry their units."""

from __future__ import annotations

from typing import Any

from mediadesk.domain.parameter_words import NAMES, item_name, parameter_name, parameter_value
from mediadesk.services.presets import browse_presets


def keys(values: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(values, dict):
        for key, value in values.items():
            found |= {key, *keys(value)}
    elif isinstance(values, list):
        for value in values:
            found |= keys(value)
    return found


def test_every_shipped_parameter_has_a_name() -> None:
    entries = browse_presets()
    assert entries and all(e.valid for e in entries)
    used = set().union(*(keys(e.parameters) for e in entries))
    assert used - set(NAMES) == set()


def test_values_read_with_their_units() -> None:
    assert parameter_value("maxrate_k", 5000) == "5000 kb/s"
    assert parameter_value("bitrate", 192000) == "192 kb/s"
    assert parameter_value("true_peak_db", -1.0) == "-1 dBTP"
    assert parameter_value("music_gain_db", -12.0) == "-12 dB"
    assert parameter_value("target_lufs", -23.0) == "-23 LUFS"
    assert parameter_value("segment_seconds", 6) == "6 s"
    assert parameter_value("sample_rate", 48000) == "48000 Hz"
    assert parameter_value("max_height", 720) == "720 px"
    assert parameter_value("duration_seconds", None) == "Whole file"
    assert parameter_value("max_duration_s", None) == "—"
    assert parameter_value("per_title", True) == "Yes"
    assert parameter_value("segment_format", "mpegts") == "MPEG-TS"
    assert parameter_value("mode", "mix") == "Mix"
    assert parameter_value("x264_preset", "veryfast") == "veryfast"  # x264's own word
    assert parameter_value("sizes", [1200, 600, 150]) == "1200, 600, 150"
    assert parameter_name("maxrate_k") == "Bit rate at most"
    assert parameter_name("some_new_knob") == "Some new knob"  # never the raw key
    assert item_name(0, {"name": "1080p"}) == "1080p" and item_name(2, {}) == "#3"
