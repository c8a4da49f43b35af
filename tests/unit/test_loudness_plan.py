"""Reading ebur128's summary and deciding linear, limited or dynamic gain."""

import pytest

from mediadesk.engine.audio.loudness import (
    GainMode,
    Measurement,
    correct,
    needs_correction,
    parse_summary,
    plan,
    verify,
)
from mediadesk.engine.audio.preset import Normalization
from mediadesk.errors import ErrorCode, MediaDeskError, ProcessFailed

# Recorded from ffmpeg 5.1 (ebur128=peak=true:framelog=verbose), tail of stderr.
RECORDED = """\
Stream mapping:
  Stream #0:0 -> #0:0 (pcm_s16le (native) -> pcm_s16le (native))
[Parsed_ebur128_0 @ 0x55aeefde9340] Summary:

  Integrated loudness:
    I:         -30.4 LUFS
    Threshold: -40.4 LUFS

  Loudness range:
    LRA:         5.4 LU
    Threshold: -50.4 LUFS
    LRA low:   -34.2 LUFS
    LRA high:  -28.8 LUFS

  True peak:
    Peak:      -16.7 dBFS
video:0kB audio:112500kB subtitle:0kB other streams:0kB global headers:0kB
"""

SILENCE = RECORDED.replace("-30.4 LUFS", "-70.0 LUFS").replace("-16.7 dBFS", "-inf dBFS")
NORM = Normalization(target_lufs=-16.0, true_peak_db=-1.5, lra=11.0)


def test_parse_recorded_summary() -> None:
    m = parse_summary("earlier run\nSummary:\n garbage\n" + RECORDED)
    assert (m.integrated_lufs, m.threshold_lufs, m.lra, m.peak_db) == (-30.4, -40.4, 5.4, -16.7)
    assert m.peak_kind == "true"


def test_parse_silence_and_sample_peak() -> None:
    m = parse_summary(SILENCE)
    assert m.silent and m.peak_db == -120.0
    sample = parse_summary(RECORDED.replace("True peak", "Sample peak"))
    assert sample.peak_kind == "sample"


def test_missing_summary_is_an_error() -> None:
    with pytest.raises(ProcessFailed):
        parse_summary("Conversion failed!")


def test_linear_when_peaks_allow() -> None:
    p = plan(Measurement(-30.4, -40.4, 5.4, -16.7), NORM)
    assert p.mode == GainMode.LINEAR and p.gain_db == pytest.approx(14.4)


def test_limiter_when_peaks_would_pass_the_ceiling() -> None:
    p = plan(Measurement(-30.0, -40.0, 5.0, -5.0), NORM)
    assert p.mode == GainMode.LINEAR_LIMITED and p.gain_db == pytest.approx(14.0)
    assert p.limit_db is not None and p.limit_db < NORM.true_peak_db


def test_dynamic_only_when_range_demands() -> None:
    assert plan(Measurement(-30.0, -40.0, 18.0, -20.0), NORM).mode == GainMode.DYNAMIC
    assert plan(Measurement(-30.0, -40.0, 10.9, -20.0), NORM).mode == GainMode.LINEAR


def test_disabled_normalization_changes_nothing() -> None:
    p = plan(Measurement(-30.0, -40.0, 18.0, -20.0), Normalization(enabled=False))
    assert p.mode == GainMode.NONE and p.gain_db == 0


def test_silence_and_absurd_gain_are_refused() -> None:
    with pytest.raises(MediaDeskError) as err:
        plan(parse_summary(SILENCE), NORM)
    assert err.value.code == ErrorCode.LOUDNESS_OFF_TARGET
    with pytest.raises(MediaDeskError):
        plan(Measurement(-60.0, -70.0, 3.0, -50.0), NORM)


def test_correction_folds_the_error_back() -> None:
    first = plan(Measurement(-30.0, -40.0, 5.0, -5.0), NORM)
    result = Measurement(-16.6, -26.0, 5.0, -1.2)
    assert needs_correction(result, NORM)
    second = correct(first, result, NORM)
    assert second.gain_db == pytest.approx(first.gain_db + 0.6)
    assert first.limit_db is not None and second.limit_db is not None
    assert second.limit_db < first.limit_db  # the peak overshot: the limit comes down


def test_verify_enforces_the_contract() -> None:
    verify(Measurement(-16.4, -26.0, 5.0, -1.6), NORM)
    with pytest.raises(MediaDeskError) as off:
        verify(Measurement(-16.6, -26.0, 5.0, -1.6), NORM)
    assert (
        off.value.code == ErrorCode.LOUDNESS_OFF_TARGET and "below the target" in off.value.message
    )
    with pytest.raises(MediaDeskError) as peak:
        verify(Measurement(-16.0, -26.0, 5.0, -1.4), NORM)
    assert "true peak" in peak.value.message


def test_a_sample_peak_gets_more_headroom_than_a_true_peak() -> None:
    # Gain 14 dB puts the peak at -2.2 dBFS: 0.7 dB under the -1.5 ceiling.
    true_peak = Measurement(-30.0, -40.0, 5.0, -16.2, "true")
    sample_peak = Measurement(-30.0, -40.0, 5.0, -16.2, "sample")
    assert plan(true_peak, NORM).mode == GainMode.LINEAR
    assert plan(sample_peak, NORM).mode == GainMode.LINEAR_LIMITED
