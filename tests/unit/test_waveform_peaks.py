"""Peaks from a PCM stream: same answer in any chunking, BBC JSON, PNG from peaks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mediadesk.engine.waveform import (
    PeakAccumulator,
    WaveformPlan,
    WaveformPreset,
    render_png,
    write_json,
)
from mediadesk.errors import VerificationFailed


def reference(samples: np.ndarray, spp: int) -> tuple[np.ndarray, np.ndarray]:
    blocks = [samples[i : i + spp] for i in range(0, samples.size, spp)]
    return np.array([b.min() for b in blocks]), np.array([b.max() for b in blocks])


@pytest.mark.parametrize("chunk", [1, 7, 512, 4096, 1 << 20])
def test_any_chunking_gives_the_same_peaks(chunk: int) -> None:
    rng = np.random.default_rng(7)
    samples = rng.integers(-32768, 32767, size=10_000, dtype=np.int16)
    data = samples.astype("<i2").tobytes()
    acc = PeakAccumulator(256, bits=16)
    for i in range(0, len(data), chunk):
        acc.feed(data[i : i + chunk])
    mins, maxs = acc.finish()
    ref_min, ref_max = reference(samples, 256)
    assert mins.tolist() == ref_min.tolist() and maxs.tolist() == ref_max.tolist()
    assert acc.samples == 10_000 and mins.size == 40  # 39 full blocks and a tail


def test_eight_bits_is_the_high_byte() -> None:
    samples = np.array([-32768, 32767, -256, 255, -1, 0], dtype=np.int16)
    acc = PeakAccumulator(2, bits=8)
    acc.sink(io.BytesIO(samples.astype("<i2").tobytes()))
    mins, maxs = acc.finish()
    assert mins.tolist() == [-128, -1, -1] and maxs.tolist() == [127, 0, 0]


def test_no_samples_is_a_clear_failure() -> None:
    acc = PeakAccumulator(256)
    acc.sink(io.BytesIO(b""))
    with pytest.raises(VerificationFailed):
        acc.finish()


def test_json_is_the_audiowaveform_format(tmp_path: Path) -> None:
    mins = np.array([-10, -20, -5], dtype=np.int16)
    maxs = np.array([12, 25, 4], dtype=np.int16)
    plan = WaveformPlan(0, 44_100, 512, 8, 1.0)
    write_json(tmp_path / "peaks.json", mins, maxs, plan)
    doc = json.loads((tmp_path / "peaks.json").read_text())
    assert doc == {
        "version": 2,
        "channels": 1,
        "sample_rate": 44_100,
        "samples_per_pixel": 512,
        "bits": 8,
        "length": 3,
        "data": [-10, 12, -20, 25, -5, 4],
    }


def test_png_draws_louder_columns_taller(tmp_path: Path) -> None:
    preset = WaveformPreset(version=1, png_width=100, png_height=50)
    quiet, loud = np.full(500, 5, dtype=np.int16), np.full(500, 120, dtype=np.int16)
    mins, maxs = np.concatenate([-quiet, -loud]), np.concatenate([quiet, loud])
    assert render_png(tmp_path / "w.png", mins, maxs, 8, preset) == (100, 50)
    with Image.open(tmp_path / "w.png") as img:
        alpha = np.asarray(img.convert("RGBA"))[:, :, 3] > 0
    heights = alpha.sum(axis=0)
    assert heights[:50].max() < 6 and heights[50:].min() > 40
