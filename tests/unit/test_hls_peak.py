"""BANDWIDTH's peak as RFC 8216 4.3.4.2 defines it (pure: sizes and durations in)."""

from __future__ import annotations

from mediadesk.engine.hls.verify import peak_bps


def test_a_short_last_segment_counts_inside_a_run() -> None:
    # 6 s target: 6 s at 1 Mbit/s, then 6 s at 1 Mbit/s plus a 1 s tail at 3 Mbit/s.
    # The tail alone is too short to count, but 6 s + 1 s (7 s <= 9 s) is a run.
    sizes = [750_000, 750_000, 375_000]
    durations = [6.0, 6.0, 1.0]
    assert peak_bps(sizes, durations, 6) == round((750_000 + 375_000) * 8 / 7.0)
    assert peak_bps(sizes, durations, 6) > 1_000_000


def test_runs_of_short_segments_are_measured_together() -> None:
    # 2 s segments under a 6 s target: a single segment is 2 s (< 3 s), never alone;
    # the heaviest pair or triple is the peak.
    sizes = [100, 100, 400, 400, 100, 100]
    durations = [2.0] * 6
    assert peak_bps(sizes, durations, 6) == round(800 * 8 / 4.0)


def test_a_playlist_shorter_than_half_a_target_is_measured_whole() -> None:
    assert peak_bps([1000, 500], [1.0, 0.5], 6) == round(1500 * 8 / 1.5)
