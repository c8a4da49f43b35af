"""Audio and video that start (and end) on the same timestamp in every rendition.

An AAC encoder delays its output by 1,024 samples of priming (21.3 ms at 48 kHz) and
MPEG-TS cannot say so, so the audio rendition started 21 ms before the video and ended
with a 21 ms segment of its own (hls.js then reported ``bufferSeekOverHole`` at start,
and that sliver's rate inflated the peak). Here the audio is

1. resampled with ``first_pts=0`` (padded with silence, or trimmed, to start at 0,
   where the video's ``fps`` filter with ``start_time=0`` also starts),
2. padded to the picture's length (a track that ends early would leave the rendition
   short),
3. cut 1,024 samples before that length and shifted 1,024 samples later, so the
   encoder's first packet, priming included, lands on the first video frame and its
   last ends with the picture.

The sound thus plays 21 ms after the picture, far inside what lip sync tolerates
(ITU-R BT.1359: audio up to 125 ms late), and the last 21 ms of sound are dropped.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

AAC_PRIMING_SAMPLES = 1024


def priming_s(sample_rate: int) -> Fraction:
    return Fraction(AAC_PRIMING_SAMPLES, sample_rate)


def aligned_audio(stream: Any, sample_rate: int, duration: float) -> Any:
    """The audio branch of a ladder: starts at 0, lasts ``duration`` once encoded."""
    end = max(0.0, duration - float(priming_s(sample_rate)))
    return (
        stream.filter("aresample", str(sample_rate), **{"async": "1", "first_pts": "0"})
        .filter("apad", whole_dur=f"{duration:g}")
        .filter("atrim", end=f"{end:.6f}")
        .filter("asetpts", f"PTS+{AAC_PRIMING_SAMPLES}/({sample_rate}*TB)")
    )
