"""Per-title ladder: which rungs are worth making for this source.

A few chunks of the source (one keyframe interval each, spread over the title) are
encoded at the top and the bottom rung with those rungs' CRF and ceiling; their sizes
give each rung's expected bitrate (the rungs between are interpolated on a log-log
line through pixels). Then, from the top down, a rung is dropped when

- it would land within ``SIMILAR`` (15%) of the bitrate of the kept rung above it: a
  player gains nothing by switching down to it; or
- the kept rung above it already fits in ``FITS`` of this rung's ceiling: whoever has
  the bandwidth for this rung gets the better picture for the same bits (slides,
  screen recordings and flat animation end with one or two rungs this way).

A byte budget per hour of media, when set, drops rungs from the top until the
expected total fits: a smaller top is better than starving every rung.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mediadesk.engine.encoders import VideoEncoder
from mediadesk.engine.hls.plan import LadderPlan, RungPlan
from mediadesk.engine.hls.quality import seekable
from mediadesk.engine.inputs import input_args
from mediadesk.engine.process import ProcessResult
from mediadesk.engine.sniff import Container
from mediadesk.errors import ErrorCode, ProcessFailed

SIMILAR = 0.85
FITS = 0.75
MAX_CHUNKS = 3
# One chunk for every this many seconds of title, up to MAX_CHUNKS.
SECONDS_PER_CHUNK = 20.0

Runner = Callable[[list[str]], ProcessResult]


@dataclass(frozen=True)
class Analysis:
    chunks: tuple[float, ...]  # start times, seconds
    chunk_s: float
    predicted_k: dict[str, int]  # expected video kb/s per rung
    kept: tuple[str, ...]
    dropped: dict[str, str]  # rung -> why, in words
    budget_bytes_per_hour: int | None

    def expected_bytes_per_hour(self) -> int:
        return bytes_per_hour(sum(self.predicted_k[name] for name in self.kept))

    def as_dict(self) -> dict[str, Any]:
        return {
            "chunks": [round(c, 3) for c in self.chunks],
            "chunk_seconds": self.chunk_s,
            "predicted_kbps": self.predicted_k,
            "kept": list(self.kept),
            "dropped": self.dropped,
            "budget_bytes_per_hour": self.budget_bytes_per_hour,
            "expected_bytes_per_hour": self.expected_bytes_per_hour(),
        }


def bytes_per_hour(kbps: float) -> int:
    return round(kbps * 1000 / 8 * 3600)


def chunk_starts(duration: float, chunk_s: float) -> list[float]:
    """Starts of the probe chunks: spread over the title, on the keyframe grid."""
    if duration <= chunk_s:
        return [0.0]
    count = max(1, min(MAX_CHUNKS, round(duration / SECONDS_PER_CHUNK)))
    room = duration - chunk_s
    starts = []
    for k in range(count):
        at = room * (k + 0.5) / count
        starts.append(math.floor(at / chunk_s) * chunk_s)
    return sorted(set(starts))


def probe_argv(
    ffmpeg: str,
    source: Path,
    container: Container,
    plan: LadderPlan,
    rungs: tuple[RungPlan, ...],
    start: float,
    chunk_s: float,
    outputs: list[Path],
    encoder: VideoEncoder,
) -> list[str]:
    """One chunk, decoded once, encoded at each of ``rungs`` to raw H.264 files."""
    if seekable(container) or start <= 0:
        inputs = ["-ss", f"{start:g}", "-t", f"{chunk_s:g}", *input_args(source, container)]
        head = ""
    else:
        # No index to seek with (MPEG-TS): decode up to the chunk and cut it there.
        inputs = ["-t", f"{start + chunk_s:g}", *input_args(source, container)]
        head = f"trim=start={start:g},"
    n = len(rungs)
    graph = [
        f"[0:v:0]{head}fps=fps={plan.frame_rate}"
        + (f",split={n}" if n > 1 else "")
        + "".join(f"[c{i}]" for i in range(n))
    ]
    maps: list[str] = []
    for i, (rung, out) in enumerate(zip(rungs, outputs, strict=True)):
        graph.append(f"[c{i}]scale=w={rung.width}:h={rung.height},setsar=1,format=yuv420p[o{i}]")
        options = encoder.options(plan.x264_preset, plan.gop_frames, plan.keyframe_expr, True)
        options.update(
            encoder.rung_options(0, rung.crf, rung.video_bitrate_k, rung.maxrate_k, rung.bufsize_k)
        )
        flat = [x for k, v in options.items() for x in (f"-{k}", v)]
        maps += ["-map", f"[o{i}]", *flat, "-an", "-f", "h264", str(out)]
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-y",
        "-v",
        "error",
        *inputs,
        "-filter_complex",
        ";".join(graph),
        *maps,
    ]


def interpolate(
    top: RungPlan, top_k: float, bottom: RungPlan, bottom_k: float, rung: RungPlan
) -> float:
    """Bitrate on the log-log line through (pixels, kb/s) of the top and bottom rungs."""
    p_top, p_bottom = top.width * top.height, bottom.width * bottom.height
    p = rung.width * rung.height
    if p_top == p_bottom or top_k <= 0 or bottom_k <= 0:
        return top_k
    slope = math.log(top_k / bottom_k) / math.log(p_top / p_bottom)
    return float(bottom_k * (p / p_bottom) ** slope)


def choose(
    rungs: tuple[RungPlan, ...], predicted: dict[str, int], budget: int | None
) -> tuple[list[RungPlan], dict[str, str]]:
    kept = [rungs[0]]
    dropped: dict[str, str] = {}
    for rung in rungs[1:]:
        above = kept[-1]
        mine, theirs = predicted[rung.name], predicted[above.name]
        if mine >= SIMILAR * theirs:
            dropped[rung.name] = f"within 15% of {above.name} ({mine} vs {theirs} kb/s)"
        elif theirs <= FITS * rung.maxrate_k:
            dropped[rung.name] = (
                f"{above.name} ({theirs} kb/s) already fits in {rung.name}'s {rung.maxrate_k} kb/s"
            )
        else:
            kept.append(rung)
    if budget is not None:
        while len(kept) > 1 and bytes_per_hour(sum(predicted[r.name] for r in kept)) > budget:
            top = kept.pop(0)
            dropped[top.name] = "over the storage budget (the top rung goes first)"
    return kept, dropped


def analyse(
    ffmpeg: str,
    source: Path,
    container: Container,
    plan: LadderPlan,
    encoder: VideoEncoder,
    run: Runner,
    work: Path,
    budget_bytes_per_hour: int | None = None,
) -> tuple[LadderPlan, Analysis]:
    """Probe, predict, choose; returns the plan with the chosen rungs."""
    rungs = plan.rungs
    chunk_s = plan.keyframe_interval_s
    starts = chunk_starts(plan.duration, chunk_s)
    probed = (rungs[0], rungs[-1]) if len(rungs) > 1 else (rungs[0],)
    work.mkdir(parents=True, exist_ok=True)
    sizes = {r.name: 0 for r in probed}
    for k, start in enumerate(starts):
        outputs = [work / f"probe-{k}-{r.name}.h264" for r in probed]
        argv = probe_argv(ffmpeg, source, container, plan, probed, start, chunk_s, outputs, encoder)
        result = run(argv)
        if result.exit_code != 0:
            raise ProcessFailed(
                f"the per-title probe encode failed: {result.last_error_line()}",
                code=ErrorCode.FFMPEG_FAILED,
            )
        for rung, out in zip(probed, outputs, strict=True):
            sizes[rung.name] += out.stat().st_size if out.is_file() else 0
    seconds = max(chunk_s * len(starts), 1e-3)
    measured = {name: size * 8 / 1000 / min(seconds, plan.duration) for name, size in sizes.items()}
    top, bottom = rungs[0], rungs[-1]
    predicted = {}
    for rung in rungs:
        if rung.name in measured:
            value = measured[rung.name]
        else:
            value = interpolate(top, measured[top.name], bottom, measured[bottom.name], rung)
        predicted[rung.name] = max(1, round(min(value, rung.maxrate_k)))
    kept, dropped = choose(rungs, predicted, budget_bytes_per_hour)
    analysis = Analysis(
        chunks=tuple(starts),
        chunk_s=chunk_s,
        predicted_k=predicted,
        kept=tuple(r.name for r in kept),
        dropped=dropped,
        budget_bytes_per_hour=budget_bytes_per_hour,
    )
    return replace(plan, rungs=tuple(kept)), analysis
