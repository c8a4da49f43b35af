"""Checks every rendition before anything is published.

For each rendition: the playlist parses, is complete (VOD, ENDLIST) and names only
files that exist; its duration matches the source within one segment; its first
segment decodes and (for video) starts with a keyframe. Across video rungs: segment
boundaries line up, which is what lets a player switch rungs at any segment.
A failed check raises :class:`VerificationFailed` with a specific code.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.playlist import MediaPlaylist, parse_media_playlist
from mediadesk.engine.hls.presets import SegmentFormat
from mediadesk.engine.inputs import input_args
from mediadesk.engine.process import ProcessResult
from mediadesk.engine.sniff import MP4, MPEGTS
from mediadesk.errors import ErrorCode, VerificationFailed

# Runs a probe command and returns its result without raising on a non-zero exit.
ProbeRunner = Callable[[list[str]], ProcessResult]


@dataclass(frozen=True)
class FirstSegment:
    codec: str | None
    profile: str | None
    level: int | None
    width: int | None
    height: int | None
    channels: int | None
    frames: int
    first_is_key: bool


@dataclass(frozen=True)
class Rendition:
    name: str
    directory: Path
    playlist: MediaPlaylist
    first: FirstSegment
    peak_bps: int
    average_bps: int
    size_bytes: int

    @property
    def duration(self) -> float:
        return self.playlist.duration


def bitrates(directory: Path, playlist: MediaPlaylist) -> tuple[int, int, int]:
    """(peak, average) bits per second over the segments, and total bytes."""
    sizes = [(directory / s.uri).stat().st_size for s in playlist.segments]
    total = sum(sizes)
    average = round(total * 8 / max(playlist.duration, 1e-3))
    peak = peak_bitrate(sizes, [s.duration for s in playlist.segments], playlist.target_duration)
    init = directory / playlist.init_uri if playlist.init_uri else None
    if init is not None:
        total += init.stat().st_size
    return max(peak, average), average, total


def peak_bitrate(sizes: Sequence[int], durations: Sequence[float], target: float) -> int:
    """RFC 8216 4.3.4.2: the largest bitrate over any run of contiguous segments lasting
    0.5 to 1.5 target durations. A short last segment counts inside a run with the one
    before it (a 6 s segment and a 1 s tail are a 7 s run), never alone: a sliver of
    one keyframe in 40 ms would fake a huge peak. Encoded by quality, segment sizes
    vary, and a run can peak above any single segment."""
    lo, hi = 0.5 * target - 1e-3, 1.5 * target + 1e-3
    peak = 0
    for i in range(len(sizes)):
        total, span = 0, 0.0
        for j in range(i, len(sizes)):
            total += sizes[j]
            span += durations[j]
            if span > hi:
                break
            if span >= lo:
                peak = max(peak, round(total * 8 / span))
    if peak == 0:  # nothing lasts half a target duration: the whole rendition
        peak = round(sum(sizes) * 8 / max(sum(durations), 1e-3))
    return peak


def read_rendition(directory: Path) -> MediaPlaylist:
    path = directory / PLAYLIST
    if not path.is_file():
        raise VerificationFailed(
            f"{directory.name}/{PLAYLIST} was not produced", code=ErrorCode.SEGMENT_MISSING
        )
    playlist = parse_media_playlist(path.read_text("utf-8"), f"{directory.name}/{PLAYLIST}")
    if not playlist.vod:
        raise VerificationFailed(
            f"{directory.name}/{PLAYLIST} is not a VOD playlist", code=ErrorCode.PLAYLIST_INVALID
        )
    names = [s.uri for s in playlist.segments] + ([playlist.init_uri] if playlist.init_uri else [])
    for name in names:
        file = directory / name
        if not file.is_file() or file.stat().st_size == 0:
            raise VerificationFailed(
                f"{directory.name}/{PLAYLIST} names {name}, which was not produced",
                code=ErrorCode.SEGMENT_MISSING,
            )
    return playlist


def check_duration(name: str, playlist: MediaPlaylist, expected: float, tolerance: float) -> None:
    if abs(playlist.duration - expected) > tolerance:
        raise VerificationFailed(
            f"{name} lasts {playlist.duration:.3f}s but the source lasts {expected:.3f}s "
            f"(allowed difference {tolerance:g}s)",
            code=ErrorCode.DURATION_MISMATCH,
        )


def probe_first_segment(
    directory: Path,
    playlist: MediaPlaylist,
    segment_format: SegmentFormat,
    video: bool,
    ffprobe: str,
    run: ProbeRunner,
    work: Path,
) -> FirstSegment:
    first = directory / playlist.segments[0].uri
    container = MPEGTS
    if segment_format == "fmp4":
        # A CMAF media segment decodes only after its initialisation segment.
        assert playlist.init_uri is not None
        work.mkdir(parents=True, exist_ok=True)
        joined = work / f"{directory.name}-first.mp4"
        with joined.open("wb") as out:
            for part in (directory / playlist.init_uri, first):
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out)
        first, container = joined, MP4
    kind = "v" if video else "a"
    argv = [
        ffprobe,
        "-hide_banner",
        "-v",
        "error",
        "-print_format",
        "json",
        "-select_streams",
        f"{kind}:0",
        "-show_entries",
        "stream=codec_name,profile,level,width,height,channels:packet=flags:frame=key_frame",
        *input_args(first, container),
    ]
    result = run(argv)
    label = f"{directory.name}/{playlist.segments[0].uri}"
    if result.exit_code != 0:
        raise VerificationFailed(
            f"{label} does not decode: {result.last_error_line()}",
            code=ErrorCode.OUTPUT_UNDECODABLE,
        )
    doc: dict[str, Any] = json.loads(result.stdout or b"{}")
    items = doc.get("packets_and_frames") or []
    packets = [i for i in items if i.get("type") == "packet"]
    frames = [i for i in items if i.get("type") == "frame"]
    streams = doc.get("streams") or []
    if not streams or not frames:
        raise VerificationFailed(
            f"{label} holds no decodable {'video' if video else 'audio'} frame",
            code=ErrorCode.OUTPUT_UNDECODABLE,
        )
    stream = streams[0]
    # The packet, not the first decoded frame: a decoder silently drops frames up to
    # the first keyframe, so a segment starting mid-GOP would still "start" with one.
    first_key = bool(packets) and str(packets[0].get("flags", "")).startswith("K")
    if video and not first_key:
        raise VerificationFailed(
            f"{label} does not start with a keyframe", code=ErrorCode.KEYFRAME_MISSING
        )
    return FirstSegment(
        codec=stream.get("codec_name"),
        profile=stream.get("profile"),
        level=stream.get("level"),
        width=stream.get("width"),
        height=stream.get("height"),
        channels=stream.get("channels"),
        frames=len(frames),
        first_is_key=first_key,
    )


def verify_rendition(
    directory: Path,
    *,
    expected_duration: float,
    tolerance: float,
    segment_format: SegmentFormat,
    video: bool,
    ffprobe: str,
    run: ProbeRunner,
    work: Path,
) -> Rendition:
    playlist = read_rendition(directory)
    check_duration(directory.name, playlist, expected_duration, tolerance)
    first = probe_first_segment(directory, playlist, segment_format, video, ffprobe, run, work)
    peak, average, size = bitrates(directory, playlist)
    return Rendition(directory.name, directory, playlist, first, peak, average, size)


def check_aligned(rungs: Sequence[Rendition], frame_s: float) -> None:
    """Every rung cut at the same frames: same segment count, same durations."""
    if len(rungs) < 2:
        return
    reference = rungs[0]
    for other in rungs[1:]:
        a, b = reference.playlist.segments, other.playlist.segments
        if len(a) != len(b):
            raise VerificationFailed(
                f"{other.name} has {len(b)} segments but {reference.name} has {len(a)}",
                code=ErrorCode.KEYFRAMES_MISALIGNED,
            )
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if abs(x.duration - y.duration) > frame_s + 0.002:
                raise VerificationFailed(
                    f"segment {i} lasts {y.duration:.3f}s in {other.name} but "
                    f"{x.duration:.3f}s in {reference.name}",
                    code=ErrorCode.KEYFRAMES_MISALIGNED,
                )
