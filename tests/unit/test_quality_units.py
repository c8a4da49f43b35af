"""Pure parts of the quality ladder: which rungs the per-title choice keeps, the storage
budget, which segments are sampled, and the filter statistics parsers."""

from __future__ import annotations

from pathlib import Path

from mediadesk.domain import vocabulary as words
from mediadesk.engine.hls.pertitle import bytes_per_hour, choose, chunk_starts, interpolate
from mediadesk.engine.hls.plan import RungPlan
from mediadesk.engine.hls.quality import (
    filter_path,
    parse_psnr_mse,
    parse_ssim,
    psnr_from_mse,
    sample_segments,
)


def rung(name: str, height: int, cap: int) -> RungPlan:
    return RungPlan(name, height * 16 // 9, height, cap, cap, cap, "high", crf=23)


LADDER = (
    rung("1080p", 1080, 5000),
    rung("720p", 720, 3000),
    rung("480p", 480, 1500),
    rung("360p", 360, 800),
)


def names(kept: list[RungPlan]) -> list[str]:
    return [r.name for r in kept]


def test_a_demanding_title_keeps_every_rung() -> None:
    predicted = {"1080p": 5000, "720p": 3000, "480p": 1500, "360p": 800}
    kept, dropped = choose(LADDER, predicted, None)
    assert names(kept) == ["1080p", "720p", "480p", "360p"] and dropped == {}


def test_a_static_title_keeps_the_top_only() -> None:
    predicted = {"1080p": 180, "720p": 110, "480p": 60, "360p": 40}
    kept, dropped = choose(LADDER, predicted, None)
    assert names(kept) == ["1080p"]
    assert "already fits" in dropped["360p"]


def test_a_rung_within_15_percent_of_the_one_above_goes() -> None:
    predicted = {"1080p": 5000, "720p": 4600, "480p": 1500, "360p": 800}
    kept, dropped = choose(LADDER, predicted, None)
    assert names(kept) == ["1080p", "480p", "360p"]
    assert "within 15%" in dropped["720p"]


def test_the_budget_drops_top_rungs_first() -> None:
    predicted = {"1080p": 5000, "720p": 3000, "480p": 1500, "360p": 800}
    budget = bytes_per_hour(3000 + 1500 + 800)  # everything but the top fits
    kept, dropped = choose(LADDER, predicted, budget)
    assert names(kept) == ["720p", "480p", "360p"]
    assert "budget" in dropped["1080p"]
    # Even a budget nothing fits leaves one rung to play.
    kept, _ = choose(LADDER, predicted, 1)
    assert names(kept) == ["360p"]


def test_middle_rungs_are_interpolated_on_pixels() -> None:
    top, bottom = LADDER[0], LADDER[-1]
    middle = interpolate(top, 4000, bottom, 500, LADDER[1])
    assert 500 < middle < 4000
    assert round(interpolate(top, 4000, bottom, 500, top)) == 4000


def test_chunks_sit_on_the_keyframe_grid_inside_the_title() -> None:
    assert chunk_starts(1.5, 2.0) == [0.0]
    starts = chunk_starts(600.0, 2.0)
    assert len(starts) == 3 and all(s % 2 == 0 and s + 2 <= 600 for s in starts)


def test_sampled_segments_spread_and_skip_a_short_tail() -> None:
    assert sample_segments([6, 6, 6, 6, 6, 6, 6, 0.4]) == [0, 3, 6]
    assert sample_segments([6, 6, 1]) == [0, 1]
    assert sample_segments([1.2]) == [0]
    assert sample_segments([]) == []


def test_stats_parsers_and_psnr() -> None:
    ssim = "n:1 Y:0.99 U:0.98 V:0.97 All:0.985 (18.2)\nn:2 Y:0.9 U:0.9 V:0.9 All:0.9 (10.0)\n"
    assert parse_ssim(ssim) == [0.985, 0.9]
    psnr = "n:1 mse_avg:2.00 mse_y:1.5 psnr_avg:45.1\nn:2 mse_avg:4.00 mse_y:3 psnr_avg:42\n"
    assert parse_psnr_mse(psnr) == [2.0, 4.0]
    assert round(psnr_from_mse(3.0), 2) == 43.36
    assert psnr_from_mse(0.0) == 100.0


def test_paths_in_a_filtergraph_are_escaped_twice() -> None:
    assert filter_path(Path("/tmp/a:b,c'd/x.log")) == "/tmp/a\\\\:b\\,c\\\\\\'d/x.log"


def test_quality_in_peoples_words() -> None:
    assert words.picture_quality(0.995) == "Excellent"
    assert words.picture_quality(0.90) == "Fair"
    assert words.picture_quality(None) == ""


def test_peak_is_over_runs_of_half_to_one_and_a_half_target_durations() -> None:
    from mediadesk.engine.hls.verify import peak_bps as peak_bitrate

    # A calm 6 s segment then a dense 1 s tail: the 7 s run peaks above either alone
    # would count (the tail alone is too short to count at all).
    sizes, durations = [600_000, 400_000], [6.0, 1.0]
    assert peak_bitrate(sizes, durations, 6) == round(1_000_000 * 8 / 7)
    # Two 6 s segments: each counts alone, the 12 s run is too long.
    assert peak_bitrate([600_000, 900_000], [6.0, 6.0], 6) == 1_200_000
    # Nothing half a target long: the whole rendition.
    assert peak_bitrate([1000], [1.0], 6) == 8000
