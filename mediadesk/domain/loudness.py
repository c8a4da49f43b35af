"""EBU R128 measurement results."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LoudnessMeasurement(BaseModel):
    model_config = ConfigDict(frozen=True)

    integrated_lufs: float
    true_peak_dbtp: float
    lra: float
