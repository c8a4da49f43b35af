"""Music that ducks under speech: sidechain compression keyed on a gated constant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ffmpeg

from mediadesk.engine.audio.preset import AudioMasterPreset, DuckingMode, GateSensitivity


def lin(db: float) -> float:
    return float(10 ** (db / 20))


# Speech is detected in this band, so that a bass line or hiss in the programme does
# not read as a voice.
KEY_BAND_HZ = (150, 5000)
# RMS level of the band-limited programme above which it counts as speech.
GATE_THRESHOLD_DB = {
    GateSensitivity.SENSITIVE: -45.0,
    GateSensitivity.NORMAL: -35.0,
    GateSensitivity.STRICT: -25.0,
}


@dataclass(frozen=True)
class DuckTiming:
    """Milliseconds; ffmpeg's time constants are a quarter of these (samples * sr / 4000)."""

    gate_attack: float
    gate_release: float
    attack: float
    release: float


DUCK_TIMING = {
    # In both the gate holds through the dips between syllables. Rolling: the
    # compressor glides down in about 0.25 s and back up in about 1.5 s. Abrupt: it
    # switches within milliseconds.
    DuckingMode.ROLLING: DuckTiming(gate_attack=10, gate_release=600, attack=250, release=1600),
    DuckingMode.ABRUPT: DuckTiming(gate_attack=1, gate_release=250, attack=1, release=10),
}
COMPRESSOR_RATIO = 20.0  # the most sidechaincompress allows


def duck_threshold(amount_db: float) -> float:
    """The sidechain threshold at which a full-scale key pulls the music down by ``amount_db``.

    The key is a gated constant: 1.0 while speech is present, 0.0 in the gaps. With
    a hard knee and ratio R, a key at 1.0 (0 dBFS) is reduced by -t * (1 - 1/R) dB
    for a threshold of t dBFS, so t = -amount * R / (R - 1).
    """
    threshold_db = -amount_db * COMPRESSOR_RATIO / (COMPRESSOR_RATIO - 1)
    return round(lin(threshold_db), 6)


def duck(preset: AudioMasterPreset, music: Any, key_source: Any, dc_source: Any) -> Any:
    """Sidechain compression of the music, keyed on a gated constant.

    A compressor keyed on the programme itself would duck loud words more than quiet
    ones. Instead the gate turns the programme into "speech present" (a constant 1.0,
    opened and closed by the programme's voice band); the compressor, fed that
    constant, lowers the music by exactly ``amount_db`` while it is open. The gate's
    release and the compressor's attack/release make the roll.
    """
    ducking = preset.ducking
    timing = DUCK_TIMING[ducking.mode]
    low, high = KEY_BAND_HZ
    # aresample (not aformat) makes the mono copies: a format constraint after asplit
    # could be negotiated back onto the programme branch itself.
    key = (
        key_source.filter("aresample", ochl="mono")
        .filter("highpass", f=low)
        .filter("lowpass", f=high)
        # ffmpeg's gate skips its gain computation while the detector reads exactly
        # zero, leaving the gate open on digital silence: a floor far under any
        # threshold (-120 dBFS) keeps the detector alive.
        .filter("dcshift", shift=1e-6)
    )
    constant = (
        dc_source.filter("aresample", ochl="mono").filter("volume", 0).filter("dcshift", shift=1)
    )
    presence = ffmpeg.filter(
        [constant, key],
        "sidechaingate",
        threshold=round(lin(GATE_THRESHOLD_DB[ducking.gate]), 6),
        ratio=9000,
        range=0,
        knee=1,
        detection="rms",
        attack=timing.gate_attack,
        release=timing.gate_release,
    )
    return ffmpeg.filter(
        [music, presence],
        "sidechaincompress",
        threshold=duck_threshold(ducking.amount_db),
        ratio=COMPRESSOR_RATIO,
        knee=1,
        detection="peak",
        link="maximum",
        attack=timing.attack,
        release=timing.release,
    )
