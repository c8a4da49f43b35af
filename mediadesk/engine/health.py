"""Health checks: decode a whole file, count decoding errors and say where they are.

ffmpeg's decoder errors carry no timestamp ("error while decoding MB 16 2"), and
printing a line per frame to place them would write hundreds of thousands of lines for
a film. So the file is decoded in consecutive stretches (``-ss``/``-t`` before the
input: each stretch starts at the keyframe before it), one ffmpeg each, and an error
is placed in its stretch: at most ``MAX_STRETCHES`` of them, never shorter than
``MIN_STRETCH_S``. Every stretch goes through the one safe-input path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediadesk.engine.inputs import input_args
from mediadesk.engine.sniff import Container

MIN_STRETCH_S = 2.0
MAX_STRETCHES = 120
FIRST_ERRORS = 5  # stretches with errors reported by position
MESSAGE_CHARS = 300


@dataclass(frozen=True)
class Stretch:
    start_s: float
    length_s: float | None  # None: to the end


def plan_stretches(duration_s: float | None) -> list[Stretch]:
    """Consecutive stretches covering ``duration_s`` (one, to the end, if unknown)."""
    if not duration_s or duration_s <= MIN_STRETCH_S:
        return [Stretch(0.0, None)]
    length = max(MIN_STRETCH_S, duration_s / MAX_STRETCHES)
    count = int(duration_s // length)
    if count * length < duration_s:
        count += 1
    stretches = [Stretch(round(i * length, 3), round(length, 3)) for i in range(count - 1)]
    # The last one runs to the end: a duration that undercounts loses nothing.
    stretches.append(Stretch(round((count - 1) * length, 3), None))
    return stretches


def decode_argv(ffmpeg: str, path: Path, container: Container, stretch: Stretch) -> list[str]:
    """Decode one stretch of every audio and video stream, output nowhere."""
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error"]
    if stretch.start_s > 0:
        argv += ["-ss", f"{stretch.start_s:.3f}"]
    if stretch.length_s is not None:
        argv += ["-t", f"{stretch.length_s:.3f}"]
    argv += input_args(path, container)
    argv += ["-map", "0:v?", "-map", "0:a?", "-f", "null", "-"]
    return argv


def error_lines(stderr: str) -> list[str]:
    """ffmpeg's error lines; the process runner's own lines (``$ argv``, ``# note``,
    ``[exit code N]``) left out."""
    return [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not line.startswith(("$ ", "# ", "[exit code "))
    ]


@dataclass
class HealthReport:
    errors: int = 0
    decoded_s: float = 0.0
    wall_s: float = 0.0
    stretches: int = 0
    failed_exit: str | None = None  # a stretch ffmpeg could not decode at all
    first_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def damaged(self) -> bool:
        return self.errors > 0 or self.failed_exit is not None

    def add(self, stretch: Stretch, end_s: float, lines: Sequence[str]) -> None:
        self.stretches += 1
        if not lines:
            return
        self.errors += len(lines)
        if len(self.first_errors) < FIRST_ERRORS:
            self.first_errors.append(
                {
                    "start_s": stretch.start_s,
                    "end_s": round(end_s, 3),
                    "count": len(lines),
                    "message": lines[0][:MESSAGE_CHARS],
                }
            )

    def as_json(self) -> dict[str, Any]:
        speed = self.decoded_s / self.wall_s if self.wall_s > 0 else None
        return {
            "errors": self.errors,
            "first_errors": self.first_errors,
            "decoded_seconds": round(self.decoded_s, 3),
            "wall_seconds": round(self.wall_s, 3),
            "decode_speed": round(speed, 2) if speed else None,
            "stretches": self.stretches,
            "failed": self.failed_exit,
        }
