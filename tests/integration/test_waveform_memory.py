"""An hour of audio through the peak accumulator: one pass, memory bounded by the
output (the peaks), not by the input (the samples)."""

from __future__ import annotations

import tracemalloc

import pytest

from mediadesk.engine.process import ProcessHooks, run_process
from mediadesk.engine.waveform import PeakAccumulator

pytestmark = [pytest.mark.slow, pytest.mark.integration]

HOUR = 3600
RATE = 48_000


def test_an_hour_of_pcm_in_bounded_memory(ffmpeg: None) -> None:
    acc = PeakAccumulator(512, bits=8)
    argv = [
        "ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={RATE}:duration={HOUR}",
        "-ac", "1", "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    tracemalloc.start()
    try:
        result = run_process(argv, hooks=ProcessHooks(stdout_sink=acc.sink), timeout=600)
        mins, maxs = acc.finish()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok, result.stderr_tail
    assert acc.samples == HOUR * RATE  # 345 MB of samples went through...
    assert mins.size == -(-HOUR * RATE // 512)
    assert peak < 40 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"  # ...in a few MiB
    # ffmpeg's sine source peaks at 1/8 of full scale: 4096 of 32767, 16 in 8 bits.
    assert int(maxs.max()) == 15 and int(mins.min()) == -16
