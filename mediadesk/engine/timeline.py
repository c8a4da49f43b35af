"""Timestamp gaps in broadcast containers, found at probe time and closed.

An MPEG-TS (or MPEG-PS) recording can jump: a +5000 s discontinuity in a 3 s file makes
ffprobe report 5001 s, and a ladder planned from that pads 5000 s of silence before
failing its duration check. The ffmpeg command line already closes such jumps when it
reads these demuxers (they carry ``AVFMT_TS_DISCONT``; a jump of more than
``-dts_delta_threshold``, 10 s, shifts the rest of the file back), so every step's
output is continuous. What must change is the duration the pipeline expects: it is
the sum of the contiguous runs, measured here from the main stream's packets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.inputs import input_args
from mediadesk.engine.process import run_process
from mediadesk.engine.sniff import Container

# Demuxers whose timestamps may jump (ffmpeg's AVFMT_TS_DISCONT formats we accept).
DISCONTINUOUS = frozenset({"mpegts", "mpeg"})
# The ffmpeg command line's own -dts_delta_threshold: jumps larger than this it closes.
GAP_S = 10.0
SCAN_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Timeline:
    runs: tuple[tuple[float, float], ...]  # (start, end) of each contiguous run

    @property
    def gaps(self) -> int:
        return max(0, len(self.runs) - 1)

    @property
    def playable(self) -> float:
        return sum(end - start for start, end in self.runs)


def scan_argv(ffprobe: str, path: Path, container: Container, stream_index: int) -> list[str]:
    return [
        ffprobe,
        "-hide_banner",
        "-v",
        "error",
        "-print_format",
        "json",
        "-select_streams",
        str(stream_index),
        "-show_entries",
        "packet=dts_time,pts_time,duration_time",
        *input_args(path, container),
    ]


def _time(packet: dict[str, str], *names: str) -> float | None:
    for name in names:
        try:
            return float(packet[name])
        except (KeyError, ValueError):
            continue
    return None


def runs_of(packets: list[dict[str, str]]) -> Timeline:
    """Split packet times into runs wherever they jump by more than ``GAP_S``."""
    runs: list[tuple[float, float]] = []
    start = end = last = None
    for packet in packets:
        t = _time(packet, "dts_time", "pts_time")
        if t is None:
            continue
        length = _time(packet, "duration_time") or 0.0
        if last is None or start is None or end is None or abs(t - last) > GAP_S:
            if start is not None and end is not None:
                runs.append((start, end))
            start, end = t, t + length
        else:
            end = max(end, t + length)
        last = t
    if start is not None and end is not None:
        runs.append((start, end))
    return Timeline(tuple(runs))


def scan(ffprobe: str, path: Path, container: Container, stream_index: int) -> Timeline | None:
    """The main stream's runs, or None when the scan itself did not work."""
    result = run_process(
        scan_argv(ffprobe, path, container, stream_index),
        capture_stdout=True,
        timeout=SCAN_TIMEOUT_S,
    )
    if result.exit_code != 0 or result.timed_out:
        return None
    try:
        packets = json.loads(result.stdout or b"{}").get("packets") or []
    except json.JSONDecodeError:
        return None
    return runs_of(packets)


def close_gaps(info: MediaInfo, ffprobe: str, path: Path, container: Container) -> MediaInfo:
    """``info`` with the playable duration when the file's timestamps jump."""
    if container.demuxer not in DISCONTINUOUS:
        return info
    main = info.video or info.audio
    if main is None:
        return info
    timeline = scan(ffprobe, path, container, main.index)
    if timeline is None or timeline.gaps == 0 or timeline.playable <= 0:
        return info
    return info.model_copy(
        update={
            "duration": round(timeline.playable, 3),
            "timestamp_gaps": timeline.gaps,
            "timeline_duration": info.duration,
        }
    )
