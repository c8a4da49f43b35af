"""EBU R128 loudness: read ``ebur128``'s summary, plan the gain, verify the result.

Measured traps (design notes): ``loudnorm``'s first pass resamples to 192 kHz and is
5x slower than ``ebur128=peak=true``; ``loudnorm`` with ``linear=true`` silently falls
back to dynamic mode; the AAC encoder moves integrated loudness by up to 1.4 LU. So we
measure with ``ebur128``, choose linear gain ourselves (with a limiter when the peaks
need one), use ``loudnorm``'s dynamic mode only when the loudness range exceeds the
preset's, and verify by measuring the *encoded* output.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from mediadesk.engine.audio.preset import Normalization
from mediadesk.errors import ErrorCode, MediaDeskError, ProcessFailed

# The promise the job keeps: integrated loudness within this of the target.
TOLERANCE_LU = 0.5
# A first result further off than this gets one corrective pass (cheaper than failing).
CORRECT_ABOVE_LU = 0.25
# alimiter limits sample peaks; inter-sample peaks and the AAC encoder's overshoot can
# land above them, so the limit sits this far under the true-peak ceiling.
LIMITER_MARGIN_DB = 1.0
# Plain gain is kept only when the predicted true peak stays this far under the ceiling;
# from a sample peak, further (inter-sample peaks run up to ~0.5 dB over on music).
LINEAR_HEADROOM_DB = 0.5
SAMPLE_PEAK_HEADROOM_DB = 1.0
# More gain than this would only amplify noise: such a mix is refused, not mastered.
MAX_GAIN_DB = 40.0
# ebur128 reports silence as -70 LUFS and -inf dBFS; JSON has no infinities.
FLOOR_DB = -120.0
# The summary prints peaks to one decimal: a printed -1.5 may be -1.45. Ceiling checks
# take the worst case.
PEAK_ROUNDING_DB = 0.05

_NUMBER = r"(-?inf|-?\d+(?:\.\d+)?)"


class GainMode(StrEnum):
    NONE = "none"  # normalization disabled: the mix is encoded as it is
    LINEAR = "linear"  # one gain for the whole programme
    LINEAR_LIMITED = "linear_limited"  # the same gain, peaks held by a limiter
    DYNAMIC = "dynamic"  # loudnorm's dynamic mode: the range itself is compressed


@dataclass(frozen=True)
class Measurement:
    """One ``ebur128`` summary. ``peak_kind`` says whether ``peak_db`` is true or sample."""

    integrated_lufs: float
    threshold_lufs: float
    lra: float
    peak_db: float
    peak_kind: str = "true"

    @property
    def silent(self) -> bool:
        return self.integrated_lufs <= -69.9

    def as_json(self) -> dict[str, Any]:
        return {
            "integrated_lufs": self.integrated_lufs,
            "threshold_lufs": self.threshold_lufs,
            "lra": self.lra,
            f"{self.peak_kind}_peak_db": self.peak_db,
        }


def _number(text: str) -> float:
    value = float(text)
    return FLOOR_DB if math.isinf(value) else value


def parse_summary(stderr: str) -> Measurement:
    """The last ``ebur128`` summary in ``stderr``; ProcessFailed when there is none."""
    start = stderr.rfind("Summary:")
    if start < 0:
        raise ProcessFailed("ffmpeg printed no ebur128 summary; the measurement is missing")
    text = stderr[start:]
    integrated = re.search(
        rf"Integrated loudness:\s+I:\s+{_NUMBER} LUFS\s+Threshold:\s+{_NUMBER}", text
    )
    lra = re.search(rf"Loudness range:\s+LRA:\s+{_NUMBER} LU", text)
    peak = re.search(rf"(True|Sample) peak:\s+Peak:\s+{_NUMBER} dBFS", text)
    if integrated is None or lra is None:
        raise ProcessFailed("the ebur128 summary could not be read")
    return Measurement(
        integrated_lufs=_number(integrated.group(1)),
        threshold_lufs=_number(integrated.group(2)),
        lra=_number(lra.group(1)),
        peak_db=_number(peak.group(2)) if peak else FLOOR_DB,
        peak_kind=peak.group(1).lower() if peak else "none",
    )


def ebur128_filter(true_peak: bool = True) -> str:
    # framelog=verbose moves the ten-lines-a-second frame log below -v info, so the
    # summary is all ebur128 prints.
    return f"ebur128=peak={'true' if true_peak else 'sample'}:framelog=verbose"


def precise_integrated(metadata_log: Path | None) -> float | None:
    """The last ``lavfi.r128.I`` an ``ametadata`` print wrote: three decimals, not one.

    The summary's one decimal costs up to 0.05 LU of aim; the metadata carries the
    meter's own value.
    """
    if metadata_log is None or not metadata_log.is_file():
        return None
    with metadata_log.open("rb") as fh:
        fh.seek(max(0, metadata_log.stat().st_size - 512))
        tail = fh.read().decode("ascii", "replace")
    found = re.findall(r"lavfi\.r128\.I=(-?[\d.]+|-?inf)", tail)
    return _number(found[-1]) if found else None


def read_meter(stderr: str, metadata_log: Path | None) -> Measurement:
    """The summary, with the integrated loudness from the metadata log when there is one."""
    summary = parse_summary(stderr)
    precise = precise_integrated(metadata_log)
    if precise is None or abs(precise - summary.integrated_lufs) > 0.051:
        return summary
    return replace(summary, integrated_lufs=round(precise, 3))


@dataclass(frozen=True)
class LoudnessPlan:
    """How the loudness stage changes the mix; recorded on the attempt."""

    mode: GainMode
    gain_db: float = 0.0
    # Added to the gain: what the AAC encoder is predicted to take away (see master.py).
    aac_compensation_db: float = 0.0
    limit_db: float | None = None  # alimiter ceiling in dBFS (sample peak)
    target_lufs: float | None = None  # what loudnorm is asked for (dynamic mode)
    true_peak_db: float | None = None
    lra: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": str(self.mode),
            "gain_db": round(self.gain_db, 3),
            "aac_compensation_db": round(self.aac_compensation_db, 3),
            "limit_db": None if self.limit_db is None else round(self.limit_db, 2),
            "target_lufs": self.target_lufs,
        }


def plan(measured: Measurement, norm: Normalization) -> LoudnessPlan:
    """Choose linear gain where it can reach the target, dynamic only where range demands."""
    if not norm.enabled:
        return LoudnessPlan(GainMode.NONE)
    if measured.silent:
        raise MediaDeskError(
            "the mix is silent (below -70 LUFS); there is nothing to bring to "
            f"{norm.target_lufs} LUFS",
            code=ErrorCode.LOUDNESS_OFF_TARGET,
        )
    gain = norm.target_lufs - measured.integrated_lufs
    if gain > MAX_GAIN_DB:
        raise MediaDeskError(
            f"the mix measures {measured.integrated_lufs} LUFS; reaching "
            f"{norm.target_lufs} LUFS would need {gain:.1f} dB of gain (more than "
            f"{MAX_GAIN_DB:.0f} dB only amplifies noise)",
            code=ErrorCode.LOUDNESS_OFF_TARGET,
        )
    if measured.lra > norm.lra:
        return LoudnessPlan(
            GainMode.DYNAMIC,
            target_lufs=norm.target_lufs,
            true_peak_db=norm.true_peak_db,
            lra=norm.lra,
        )
    predicted_peak = measured.peak_db + gain
    headroom = LINEAR_HEADROOM_DB if measured.peak_kind == "true" else SAMPLE_PEAK_HEADROOM_DB
    if predicted_peak <= norm.true_peak_db - headroom:
        return LoudnessPlan(GainMode.LINEAR, gain_db=gain)
    return LoudnessPlan(
        GainMode.LINEAR_LIMITED, gain_db=gain, limit_db=norm.true_peak_db - LIMITER_MARGIN_DB
    )


def correct(previous: LoudnessPlan, result: Measurement, norm: Normalization) -> LoudnessPlan:
    """A second plan that compensates what the first one missed (limiter loss, AAC shift)."""
    error = norm.target_lufs - result.integrated_lufs
    over = max(0.0, result.peak_db + PEAK_ROUNDING_DB - norm.true_peak_db)
    if previous.mode == GainMode.DYNAMIC:
        target = min(-5.0, max(-70.0, (previous.target_lufs or norm.target_lufs) + error))
        tp = max(-9.0, (previous.true_peak_db or norm.true_peak_db) - over - 0.2 * bool(over))
        return LoudnessPlan(
            GainMode.DYNAMIC, target_lufs=round(target, 2), true_peak_db=tp, lra=previous.lra
        )
    gain = previous.gain_db + previous.aac_compensation_db + error
    limit = previous.limit_db
    if over > 0 or (limit is None and result.peak_db + error > norm.true_peak_db - 0.1):
        base = limit if limit is not None else norm.true_peak_db - LIMITER_MARGIN_DB
        limit = base - over - (0.3 if over else 0.0)
    mode = GainMode.LINEAR if limit is None else GainMode.LINEAR_LIMITED
    return LoudnessPlan(mode, gain_db=gain, limit_db=limit)


def peak_over(result: Measurement, norm: Normalization) -> bool:
    return result.peak_db + PEAK_ROUNDING_DB > norm.true_peak_db


def needs_correction(result: Measurement, norm: Normalization) -> bool:
    if not norm.enabled:
        return False
    off = abs(result.integrated_lufs - norm.target_lufs)
    return off > CORRECT_ABOVE_LU or peak_over(result, norm)


def verify(result: Measurement, norm: Normalization) -> None:
    """The output's contract: on target within 0.5 LU, true peak at or under the ceiling."""
    if not norm.enabled:
        return
    off = result.integrated_lufs - norm.target_lufs
    if abs(off) > TOLERANCE_LU:
        raise MediaDeskError(
            f"the mastered output measures {result.integrated_lufs} LUFS, "
            f"{abs(off):.1f} LU {'above' if off > 0 else 'below'} the target "
            f"{norm.target_lufs} LUFS (tolerance {TOLERANCE_LU} LU)",
            code=ErrorCode.LOUDNESS_OFF_TARGET,
        )
    if peak_over(result, norm):
        raise MediaDeskError(
            f"the mastered output's true peak is {result.peak_db} dBTP, above the "
            f"ceiling of {norm.true_peak_db} dBTP",
            code=ErrorCode.LOUDNESS_OFF_TARGET,
        )
