"""A Kodi/Jellyfin library on disk, as their users keep it, for the library-folder tests.

``build_tree`` writes the folders, NFOs and sidecar pictures; ``put_video`` writes each
video (placeholder bytes for catalogue tests, real clips for scans).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

ARRIVAL_NFO = """<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<movie>
  <title>Arrival</title>
  <originaltitle>Story of Your Life</originaltitle>
  <year>2016</year>
  <plot>A linguist talks to aliens.</plot>
  <genre>Science Fiction</genre>
  <uniqueid type="tmdb" default="true">329865</uniqueid>
  <uniqueid type="imdb">tt2543164</uniqueid>
</movie>
"""

SHOW_NFO = """<tvshow><title>Great Show</title><year>2010</year><plot>Gardens.</plot>
<genre>Documentary</genre><uniqueid type="tvdb">81189</uniqueid></tvshow>
"""

PILOT_NFO = """<episodedetails><title>The Real Pilot</title><season>1</season>
<episode>1</episode><aired>2010-03-01</aired><uniqueid type="tvdb">3001</uniqueid>
</episodedetails>
"""

HOSTILE_NFO = """<?xml version="1.0"?>
<!DOCTYPE episodedetails [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<episodedetails><title>&b;</title></episodedetails>
"""

# Relative paths of the videos, in the order ``put_video`` is called.
VIDEOS = [
    "Movies/Arrival (2016)/Arrival (2016) - 1080p.mkv",
    "Movies/Arrival (2016)/Arrival (2016) - 4K.mkv",
    "Movies/Up (2009)/Up (2009).mkv",
    "TV/Great Show/Season 01/Great Show - S01E01 - Pilot.mkv",
    "TV/Great Show/Season 01/Great Show - S01E02-E03 - Two Parter.mkv",
    "TV/Great Show/Season 02/Great Show - S02E01E02 - Twice.mkv",
    "TV/Great Show/Specials/Great Show - S00E01 - Making Of.mkv",
    "TV/Great Show/Season 02/Great Show - S02E03 - Hostile.mkv",
]

# Relative path -> the picture's size (distinct sizes: distinct files, no duplicates).
PICTURES = {
    "Movies/Arrival (2016)/poster.jpg": "40x60",
    "Movies/Arrival (2016)/fanart.jpg": "96x54",
    "Movies/Up (2009)/Up (2009)-poster.png": "42x62",
    "TV/Great Show/poster.jpg": "44x66",
    "TV/Great Show/fanart.jpg": "98x56",
    "TV/Great Show/season01-poster.jpg": "46x68",
    "TV/Great Show/Season 02/folder.jpg": "48x70",
}

NFOS = {
    "Movies/Arrival (2016)/movie.nfo": ARRIVAL_NFO,
    "TV/Great Show/tvshow.nfo": SHOW_NFO,
    "TV/Great Show/Season 01/Great Show - S01E01 - Pilot.nfo": PILOT_NFO,
    "TV/Great Show/Season 02/Great Show - S02E03 - Hostile.nfo": HOSTILE_NFO,
}


def placeholder(path: Path, index: int) -> None:
    path.write_bytes(f"not really a video {index}".encode())


def picture(path: Path, size: str) -> None:
    fmt = "png" if path.suffix == ".png" else "mjpeg"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc2=size={size}:rate=1:duration=1", "-frames:v", "1", "-f", "image2",
         "-c:v", "png" if fmt == "png" else "mjpeg", str(path)],
        check=True,
        timeout=60,
    )  # fmt: skip


def build_tree(
    root: Path,
    put_video: Callable[[Path, int], None] = placeholder,
    nfos: bool = True,
    pictures: bool = True,
) -> list[Path]:
    """Write the tree under ``root``; returns the videos' absolute paths."""
    videos = []
    for i, rel in enumerate(VIDEOS):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        put_video(path, i)
        videos.append(path)
    if nfos:
        for rel, text in NFOS.items():
            (root / rel).write_text(text)
    if pictures:
        for rel, size in PICTURES.items():
            picture(root / rel, size)
    return videos
