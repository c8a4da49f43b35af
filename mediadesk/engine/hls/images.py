"""Trickplay in the master playlist: an HLS image media playlist (pure text).

The WebVTT index (``thumbnails.vtt``) is what hls.js front ends and the desktop seek
bar read, but nothing in the master points at it. Shaka Player, Roku and AWS
MediaPackage read the Image Media Playlist convention (Roku's specification v0.4):
the master names it with ``#EXT-X-IMAGE-STREAM-INF`` and the playlist lists the
sheets, each with ``#EXT-X-TILES`` saying its grid and how long each tile shows::

    #EXT-X-IMAGES-ONLY
    #EXTINF:250.000,
    #EXT-X-TILES:RESOLUTION=320x180,LAYOUT=5x5,DURATION=10.000
    sheet_000.jpg

The sheets live beside the ladder (``hls/{id}/thumbs/``): a signed stream URL covers
``hls/{id}/`` only, so a playlist there cannot name files under ``trickplay/``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

IMAGES_DIR = "thumbs"
IMAGES_PLAYLIST = "images.m3u8"
IMAGE_STREAM_TAG = "#EXT-X-IMAGE-STREAM-INF:"
_TILES = re.compile(r"^#EXT-X-TILES:RESOLUTION=(\d+)x(\d+),LAYOUT=(\d+)x(\d+),DURATION=([\d.]+)")


@dataclass(frozen=True)
class ImageSheet:
    uri: str
    columns: int
    rows: int
    tiles: int  # how many cells hold a picture (the last sheet may be partly filled)
    tile_s: float
    size_bytes: int

    @property
    def duration(self) -> float:
        return self.tiles * self.tile_s


def image_playlist(sheets: Sequence[ImageSheet], width: int, height: int) -> str:
    target = max(1, math.ceil(max(s.duration for s in sheets) - 1e-6))
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        f"#EXT-X-TARGETDURATION:{target}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-IMAGES-ONLY",
    ]
    for sheet in sheets:
        lines += [
            f"#EXTINF:{sheet.duration:.3f},",
            f"#EXT-X-TILES:RESOLUTION={width}x{height},"
            f"LAYOUT={sheet.columns}x{sheet.rows},DURATION={sheet.tile_s:.3f}",
            sheet.uri,
        ]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def image_stream_line(sheets: Sequence[ImageSheet], width: int, height: int) -> str:
    """The master's entry: BANDWIDTH is the heaviest sheet over the time it covers."""
    peak = max(round(s.size_bytes * 8 / max(s.duration, 1e-3)) for s in sheets)
    return (
        f'{IMAGE_STREAM_TAG}BANDWIDTH={peak},RESOLUTION={width}x{height},CODECS="jpeg",'
        f'URI="{IMAGES_DIR}/{IMAGES_PLAYLIST}"'
    )


def line_from_playlist(text: str, sizes: dict[str, int]) -> str | None:
    """The master's entry rebuilt from a published image playlist and its sheets' sizes
    (a ladder made again after the trickplay keeps pointing at it)."""
    sheets: list[ImageSheet] = []
    size: tuple[int, int] | None = None
    tiles: tuple[int, int, float] | None = None
    duration = 0.0
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif (match := _TILES.match(line)) is not None:
            size = (int(match.group(1)), int(match.group(2)))
            tiles = (int(match.group(3)), int(match.group(4)), float(match.group(5)))
        elif line and not line.startswith("#") and tiles is not None:
            if line not in sizes:
                return None
            count = max(1, round(duration / tiles[2])) if tiles[2] > 0 else 1
            sheets.append(ImageSheet(line, tiles[0], tiles[1], count, tiles[2], sizes[line]))
    if not sheets or size is None:
        return None
    return image_stream_line(sheets, *size)


def with_image_stream(master: str, line: str | None) -> str:
    """``master`` with exactly one image stream entry (``line``), or none."""
    kept = [ln for ln in master.splitlines() if not ln.startswith(IMAGE_STREAM_TAG)]
    if line is not None:
        kept.append(line)
    return "\n".join(kept) + "\n"
