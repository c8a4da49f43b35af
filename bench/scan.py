"""Library-folder scans: 10,000 small files, first scan and a rescan with nothing changed.

Builds a Kodi-style tree of small files (movies in their own folders, a few series
with seasons, an NFO and a poster beside some of them), adds it as a library folder
and measures:

- the first scan: walk, one row per file in the library (listed at once, before any
  byte is read: the files are then read by ``hash_files`` jobs in the background, which
  this script does not run), and the jobs queued;
- a rescan with nothing changed (target: under 3 s for 10,000 files);
- the baseline, in the same run: a bare ``os.walk`` plus one ``os.stat`` per file, the
  least any scan that notices changes must do.

    .venv/bin/python bench/scan.py [--files 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from mediadesk.domain.folders import FolderKind
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings


def build_tree(root: Path, files: int, subtitles: bool = False) -> int:
    """``files`` media files (plus sidecars), 2 KiB each; returns how many files in all.
    ``subtitles``: an English SRT beside each movie that has an NFO (stat'ed by scans,
    like NFOs, since their changes are news for their video)."""
    made = 0
    payload = os.urandom(2048)
    n = 0
    while n < files:
        if n % 10 < 6:  # movies, one folder each, with an NFO and a poster
            folder = root / "Movies" / f"Film {n:05d} ({1950 + n % 70})"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"Film {n:05d} ({1950 + n % 70}).mkv").write_bytes(payload + n.to_bytes(4))
            if n % 3 == 0:
                (folder / "movie.nfo").write_text("<movie/>")
                (folder / "poster.jpg").write_bytes(b"\xff\xd8\xff")
                made += 2
                if subtitles:
                    srt = folder / f"Film {n:05d} ({1950 + n % 70}).en.srt"
                    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n")
                    made += 1
            n += 1
            made += 1
            continue
        show, season = n // 400, (n // 20) % 20 + 1
        folder = root / "TV" / f"Show {show:03d}" / f"Season {season:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for e in range(4):  # a few episodes together
            if n >= files:
                break
            name = f"Show {show:03d} - S{season:02d}E{n % 100:02d}{e}.mkv"
            (folder / name).write_bytes(payload + n.to_bytes(4))
            n += 1
            made += 1
    return made


def walk_and_stat(root: Path) -> float:
    start = time.perf_counter()
    count = 0
    for directory, _dirs, names in os.walk(root):
        for name in names:
            os.stat(directory + "/" + name)  # noqa: PTH116 - the floor: no Path objects
            count += 1
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--subtitles", action="store_true", help="SRTs beside the movies")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mediadesk-bench-scan-") as tmp:
        root = Path(tmp) / "collection"
        total = build_tree(root, args.files, args.subtitles)
        os.environ["MEDIADESK_HOME"] = str(Path(tmp) / "home")
        rt = Runtime(load_settings({})).open()
        try:
            folder = rt.folders.add(root, FolderKind.MIXED)
            start = time.perf_counter()
            (first,) = rt.folders.scan(folder.id)
            first_s = time.perf_counter() - start
            listed = rt.library.count_media()
            page_start = time.perf_counter()
            rt.library.list_media(limit=100)
            page_s = time.perf_counter() - page_start
            rescans, baselines = [], []
            for _ in range(args.runs):
                baselines.append(walk_and_stat(root))
                start = time.perf_counter()
                (again,) = rt.folders.scan(folder.id)
                rescans.append(time.perf_counter() - start)
                assert again.new == again.changed == again.queued == again.missing == 0
        finally:
            rt.stop()
    rescan, base = statistics.median(rescans), statistics.median(baselines)
    print(f"tree: {total} files ({args.files} media), {first.skipped} skipped by name")
    print(
        f"first scan: {first_s:.2f} s; {listed} media files listed at once, "
        f"{first.queued} queued for reading in {len(first.job_ids)} hash_files jobs; "
        f"first page of the library {page_s * 1000:.0f} ms"
    )
    print(
        f"rescan, nothing changed: {rescan:.2f} s median of {args.runs} "
        f"(baseline os.walk + stat: {base:.2f} s, ratio {rescan / base:.1f}x)"
    )


if __name__ == "__main__":
    main()
