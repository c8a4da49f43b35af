"""Timestamp runs of a broadcast recording (pure: packet times in, runs out)."""

from __future__ import annotations

import pytest

from mediadesk.engine.timeline import runs_of


def packets(start: float, count: int, step: float = 0.04) -> list[dict[str, str]]:
    return [
        {"dts_time": f"{start + i * step:.6f}", "duration_time": f"{step:.6f}"}
        for i in range(count)
    ]


def test_continuous_stream_is_one_run() -> None:
    timeline = runs_of(packets(1.4, 75))
    assert timeline.gaps == 0
    assert timeline.playable == pytest.approx(3.0)


def test_a_jump_forward_splits_and_is_not_counted() -> None:
    timeline = runs_of(packets(1.4, 38) + packets(5001.4, 37))
    assert timeline.gaps == 1
    assert timeline.playable == pytest.approx(3.0)


def test_a_jump_backwards_is_a_gap_too() -> None:
    timeline = runs_of(packets(600.0, 25) + packets(2.0, 25))
    assert timeline.gaps == 1
    assert timeline.playable == pytest.approx(2.0)


def test_small_irregularities_and_missing_times_are_not_gaps() -> None:
    ragged = [*packets(0.0, 10), {"dts_time": "N/A"}, *packets(0.9, 10, 0.05)]
    timeline = runs_of(ragged)
    assert timeline.gaps == 0
    assert timeline.playable == pytest.approx(1.4)
