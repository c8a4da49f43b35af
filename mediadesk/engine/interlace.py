"""Interlaced sources: the field order from the stream, confirmed by ``idet``.

A broadcast recording flags its pictures as interlaced (ffprobe ``field_order`` tt, bb,
tb or bt). The flag alone is not trusted, since progressive-segmented film (PsF) carries it
too, so ``idet`` reads a sample: only when most of its frames look interlaced does
the ladder deinterlace (``bwdif`` before scaling, in the parity ``idet`` saw). A
stream flagged progressive, or not flagged, is never touched: ``idet`` alone is not
evidence either (it calls fine moving patterns of a progressive test card TFF).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mediadesk.domain.mediainfo import MediaInfo, StreamInfo
from mediadesk.engine.inputs import input_args
from mediadesk.engine.process import run_process
from mediadesk.engine.sniff import Container

Parity = Literal["tff", "bff"]
# ffprobe's field_order is the display order's first field (tb: top coded, bottom shown).
_DISPLAY_PARITY: dict[str, Parity] = {"tt": "tff", "bt": "tff", "bb": "bff", "tb": "bff"}
SAMPLE_FRAMES = 150
IDET_TIMEOUT_S = 120.0
_MULTI = re.compile(
    r"Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)"
    r"\s*Undetermined:\s*(\d+)"
)


@dataclass(frozen=True)
class IdetCounts:
    tff: int
    bff: int
    progressive: int
    undetermined: int


def flagged_parity(video: StreamInfo) -> Parity | None:
    return _DISPLAY_PARITY.get((video.field_order or "").lower())


def idet_argv(
    ffmpeg: str, path: Path, container: Container, stream_index: int, at_s: float
) -> list[str]:
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-ss",
        f"{at_s:.3f}",
        *input_args(path, container),
        "-map",
        f"0:{stream_index}",
        "-vf",
        "idet",
        "-frames:v",
        str(SAMPLE_FRAMES),
        "-an",
        "-f",
        "null",
        "-",
    ]


def parse_idet(stderr: str) -> IdetCounts | None:
    matches = _MULTI.findall(stderr)
    if not matches:
        return None
    tff, bff, progressive, undetermined = (int(v) for v in matches[-1])
    return IdetCounts(tff, bff, progressive, undetermined)


def decide(flagged: Parity | None, counts: IdetCounts | None) -> Parity | None:
    """The parity to deinterlace with, or None to leave the picture alone."""
    if flagged is None:
        return None
    if counts is None or counts.tff + counts.bff + counts.progressive == 0:
        return flagged  # nothing measurable: the stream's own flag stands
    if counts.tff + counts.bff <= counts.progressive:
        return None  # flagged, but the pictures are progressive (PsF)
    if counts.tff == counts.bff:
        return flagged
    return "tff" if counts.tff > counts.bff else "bff"


def check_interlace(ffmpeg: str, path: Path, container: Container, info: MediaInfo) -> MediaInfo:
    """``info`` with ``deinterlace`` set when the main picture is really interlaced."""
    video = info.video
    flagged = flagged_parity(video) if video is not None else None
    if video is None or flagged is None:
        return info
    # A sample 10% in, past black leaders; a short clip is read from its start.
    at = (info.duration or 0.0) * 0.1 if (info.duration or 0.0) > 30 else 0.0
    result = run_process(
        idet_argv(ffmpeg, path, container, video.index, at), timeout=IDET_TIMEOUT_S
    )
    counts = parse_idet(result.stderr_tail) if result.ok else None
    parity = decide(flagged, counts)
    return info.model_copy(update={"deinterlace": parity})
