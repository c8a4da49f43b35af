"""Poster and thumbnail: one seek, one decode, two JPEGs."""

from __future__ import annotations

from pathlib import Path

from mediadesk.engine.inputs import input_args
from mediadesk.engine.sniff import Container

POSTER_NAME = "poster.jpg"
THUMBNAIL_NAME = "thumb.jpg"
# Browsers and Qt ignore a JPEG's pixel aspect: stretch non-square pixels to square at
# the display size (720x576 with SAR 64:45 is a 1024x576 picture), keeping the height.
SQUARE_PIXELS = "scale=w=trunc(iw*sar/2+0.5)*2:h=ih,setsar=1"


def poster_time(duration: float | None, fraction: float = 0.1) -> float:
    """10% in: past black leaders and logos, early enough to avoid spoilers."""
    if not duration or duration <= 0:
        return 0.0
    return round(max(0.0, duration * fraction), 3)


def poster_argv(
    ffmpeg: str,
    source: Path,
    container: Container,
    at_s: float,
    out_dir: Path,
    thumbnail_width: int = 320,
) -> list[str]:
    # -ss before -i seeks by keyframe index and decodes only from there: measured 15x
    # faster than decoding from the start, for the same frame.
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-y",
        "-ss",
        f"{at_s:.3f}",
        *input_args(source, container),
        "-map",
        "0:v:0",
        "-vf",
        SQUARE_PIXELS,
        "-frames:v",
        "1",
        "-q:v",
        "2",
        "-f",
        "image2",
        "-update",
        "1",
        str(out_dir / POSTER_NAME),
        "-map",
        "0:v:0",
        "-vf",
        f"{SQUARE_PIXELS},scale={thumbnail_width}:-2",
        "-frames:v",
        "1",
        "-q:v",
        "4",
        "-f",
        "image2",
        "-update",
        "1",
        str(out_dir / THUMBNAIL_NAME),
    ]
