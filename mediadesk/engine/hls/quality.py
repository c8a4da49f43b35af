"""Quality of each rendition measured on the output: SSIM and PSNR against the source.

A few segments are sampled per ladder. For each sampled segment one ffmpeg decodes
that stretch of the source once, scales it to every rung with the scaler the encode
used (``scale``'s default bicubic, square pixels, 8-bit 4:2:0) and compares it with
each rung's segment through the ``ssim`` and ``psnr`` filters (libvmaf is not in
Debian's ffmpeg). Which source frame a segment's first frame shows is not left to
timestamps: ffmpeg counts time from the container's start, the HLS muxer's constant
frame rate fills the gap before a video stream that starts after its audio (an
MPEG-TS source whose video starts 23 ms late gets its first frame twice), and what
an input ``-ss`` does to timestamps depends on the inputs. So each sampled segment is
first aligned: its first frames, small, against the source shifted by -2..+2 frames,
and the best match is the offset used. A comparison that saw no frame is an error,
never a silent perfect score.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from mediadesk.engine.hls.plan import LadderPlan, RungPlan
from mediadesk.engine.hls.playlist import MediaPlaylist
from mediadesk.engine.inputs import input_args
from mediadesk.engine.process import ProcessResult
from mediadesk.engine.sniff import MP4, MPEGTS, Container
from mediadesk.errors import ErrorCode, VerificationFailed

Runner = Callable[[list[str]], ProcessResult]
DEFAULT_SAMPLES = 3
# A mean squared error of zero (identical pictures) reads as this many dB.
PSNR_CAP_DB = 100.0
# Alignment: the first frames of a segment, small, against the source shifted by up
# to this many frames either way.
ALIGN_RANGE = 2
ALIGN_FRAMES = 8
ALIGN_SIZE = (320, 180)
SEEKABLE = frozenset({"mov", "matroska", "avi", "flv", "asf", "mxf"})


@dataclass(frozen=True)
class RungQuality:
    name: str
    ssim: float  # mean over the compared frames, all planes
    psnr: float  # dB, from the mean squared error over the compared frames
    frames: int
    segments: tuple[int, ...]
    offsets: tuple[int, ...] = ()  # frames the source was shifted by, per sample

    def as_params(self) -> dict[str, float | int | list[int]]:
        return {
            "ssim": round(self.ssim, 5),
            "psnr": round(self.psnr, 2),
            "frames": self.frames,
            "segments": list(self.segments),
        }


@dataclass(frozen=True)
class SampledRung:
    rung: RungPlan
    playlist: MediaPlaylist
    directory: Path


def sample_segments(durations: Sequence[float], count: int = DEFAULT_SAMPLES) -> list[int]:
    """Indexes of up to ``count`` segments spread over the title: first, last full, between.

    A last segment much shorter than the others is skipped when there is another.
    """
    n = len(durations)
    if n == 0:
        return []
    full = [i for i, d in enumerate(durations) if d >= max(durations) / 2] or list(range(n))
    if len(full) <= count:
        return full
    picks = {full[round(k * (len(full) - 1) / (count - 1))] for k in range(count)}
    return sorted(picks)


def filter_path(path: Path) -> str:
    """A path as a filter option value inside a filtergraph (both escaping levels)."""
    value = str(path)
    for ch in "\\':":
        value = value.replace(ch, "\\" + ch)
    out = []
    for ch in value:
        out.append("\\" + ch if ch in "\\'[],;" else ch)
    return "".join(out)


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


# What the encode does to the picture before scaling, as (before fps, after fps) filter
# chains: deinterlacing and the HDR tone-map. Measured against the raw source, a
# tone-mapped rung would score an SSIM of 0.6 for looking right.
View = tuple[str, str]
RAW: View = ("", "")


def encode_view(plan: LadderPlan) -> View:
    before = (
        f"bwdif=mode=send_frame:parity={plan.deinterlace}:deint=all," if plan.deinterlace else ""
    )
    after = "".join(
        "," + name + "=" + ":".join(f"{k}={v}" for k, v in options.items())
        for name, options in plan.tonemap
    )
    return before, after


def _ref_chain(
    frame_rate: Fraction, offset: int, cut: float | None = None, view: View = RAW
) -> str:
    """The source as the encode saw it; ``cut`` trims to a start time when the input
    could not be seeked."""
    chain = f"trim=start={_num(cut)}," if cut else ""
    chain += f"{view[0]}fps=fps={frame_rate},setpts=PTS-STARTPTS{view[1]}"
    if offset > 0:
        chain += f",trim=start_frame={offset},setpts=PTS-STARTPTS"
    return chain


def _dist_chain(offset: int) -> str:
    chain = "setpts=PTS-STARTPTS"
    if offset < 0:
        chain += f",trim=start_frame={-offset},setpts=PTS-STARTPTS"
    return chain


def _head(ffmpeg: str) -> list[str]:
    return [ffmpeg, "-hide_banner", "-nostdin", "-y", "-v", "error"]


def seekable(container: Container) -> bool:
    """Containers with an index: an input ``-ss`` lands where asked. MPEG-TS and
    program streams have none, and ffmpeg 5.1's byte-estimated seek there lands
    seconds off or past the end, so those are decoded from the start."""
    return container.demuxer in SEEKABLE


def _source_input(
    source: Path, container: Container, start: float, duration: float, frame_rate: Fraction
) -> tuple[list[str], float | None]:
    """Input options for the stretch ``start``..``start+duration`` (a few frames more,
    for the alignment), and the time the filter must cut at when not seeked."""
    extra = (ALIGN_RANGE + 1) / float(frame_rate)
    if seekable(container) or start <= 0:
        read = ["-ss", _num(start), "-t", _num(duration + extra)]
        return [*read, *input_args(source, container)], None
    return ["-t", _num(start + duration + extra), *input_args(source, container)], start


def align_argv(
    ffmpeg: str,
    source: Path,
    container: Container,
    start: float,
    frame_rate: Fraction,
    segment: tuple[Path, Container],
    offset: int,
    stats: Path,
    view: View = RAW,
) -> list[str]:
    """The first frames of a segment against the source shifted by ``offset`` frames."""
    frames = ALIGN_FRAMES
    graph = (
        f"[0:v:0]{_ref_chain(frame_rate, offset, None, view)},trim=end_frame={frames},"
        f"scale=w={ALIGN_SIZE[0]}:h={ALIGN_SIZE[1]},setsar=1,format=yuv420p[r];"
        f"[1:v:0]{_dist_chain(offset)},trim=end_frame={frames},"
        f"scale=w={ALIGN_SIZE[0]}:h={ALIGN_SIZE[1]},setsar=1,format=yuv420p[d];"
        f"[d][r]psnr=stats_file={filter_path(stats)}:shortest=1[p]"
    )
    duration = (frames + ALIGN_RANGE) / float(frame_rate)
    inputs, cut = _source_input(source, container, start, duration, frame_rate)
    graph = graph.replace(
        "[0:v:0]" + _ref_chain(frame_rate, offset, None, view),
        "[0:v:0]" + _ref_chain(frame_rate, offset, cut, view),
        1,
    )
    return [
        *_head(ffmpeg),
        *inputs,
        *input_args(*segment),
        "-filter_complex",
        graph,
        "-map",
        "[p]",
        "-f",
        "null",
        "-",
    ]


def compare_argv(
    ffmpeg: str,
    source: Path,
    container: Container,
    start: float,
    duration: float,
    frame_rate: Fraction,
    segments: Sequence[tuple[RungPlan, Path, Container]],
    stats: Sequence[tuple[Path, Path]],
    offset: int = 0,
    view: View = RAW,
) -> list[str]:
    """One stretch of the source against the same stretch of every rung.

    ``offset`` frames (found by :func:`align_argv`) are dropped from the start of the
    source (positive) or of the segments (negative) so that the pictures line up.
    """
    n = len(segments)
    inputs, cut = _source_input(source, container, start, duration, frame_rate)
    graph = [
        f"[0:v:0]{_ref_chain(frame_rate, offset, cut, view)}"
        + (f",split={n}" if n > 1 else "")
        + "".join(f"[ref{i}]" for i in range(n))
    ]
    for i, ((rung, segment, seg_container), (ssim_log, psnr_log)) in enumerate(
        zip(segments, stats, strict=True)
    ):
        inputs += input_args(segment, seg_container)
        graph.append(
            f"[ref{i}]scale=w={rung.width}:h={rung.height},setsar=1,format=yuv420p,"
            f"split[r{i}a][r{i}b]"
        )
        graph.append(f"[{i + 1}:v:0]{_dist_chain(offset)},setsar=1,format=yuv420p[d{i}]")
        # ssim passes its first input through: psnr measures the same frames after it.
        graph.append(f"[d{i}][r{i}a]ssim=stats_file={filter_path(ssim_log)}:shortest=1[s{i}]")
        graph.append(f"[s{i}][r{i}b]psnr=stats_file={filter_path(psnr_log)}:shortest=1[p{i}]")
    maps: list[str] = []
    for i in range(n):
        maps += ["-map", f"[p{i}]"]
    return [*_head(ffmpeg), *inputs, "-filter_complex", ";".join(graph), *maps, "-f", "null", "-"]


def _fields(line: str) -> dict[str, str]:
    return dict(part.split(":", 1) for part in line.split() if ":" in part)


def parse_ssim(text: str) -> list[float]:
    """Per-frame ``All`` SSIM from the ssim filter's stats file."""
    values = []
    for line in text.splitlines():
        value = _fields(line).get("All")
        if value is not None:
            values.append(float(value))
    return values


def parse_psnr_mse(text: str) -> list[float]:
    """Per-frame mean squared error (all planes) from the psnr filter's stats file."""
    values = []
    for line in text.splitlines():
        value = _fields(line).get("mse_avg")
        if value is not None:
            values.append(float(value))
    return values


def psnr_from_mse(mse: float) -> float:
    if mse <= 0:
        return PSNR_CAP_DB
    return min(PSNR_CAP_DB, 10 * math.log10(255.0**2 / mse))


def _segment_file(playlist: MediaPlaylist, directory: Path, index: int, work: Path) -> Path:
    segment = directory / playlist.segments[index].uri
    if not playlist.init_uri:
        return segment
    # A CMAF media segment decodes only after its initialisation segment.
    joined = work / f"{directory.name}-q{index}.mp4"
    with joined.open("wb") as out:
        for part in (directory / playlist.init_uri, segment):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out)
    return joined


def measure_ladder(
    ffmpeg: str,
    source: Path,
    container: Container,
    plan: LadderPlan,
    rungs: Sequence[SampledRung],
    run: Runner,
    work: Path,
    samples: int = DEFAULT_SAMPLES,
) -> dict[str, RungQuality]:
    """Mean SSIM and PSNR of every rung over the same sampled segments."""
    if not rungs:
        return {}
    work.mkdir(parents=True, exist_ok=True)
    reference = rungs[0].playlist
    durations = [s.duration for s in reference.segments]
    picks = sample_segments(durations, samples)
    ssim: dict[str, list[float]] = {r.rung.name: [] for r in rungs}
    mse: dict[str, list[float]] = {r.rung.name: [] for r in rungs}
    offsets: list[int] = []
    view = encode_view(plan)
    for index in picks:
        start = sum(durations[:index])
        segments = []
        stats = []
        for r in rungs:
            seg_container = MP4 if r.playlist.init_uri else MPEGTS
            segments.append(
                (r.rung, _segment_file(r.playlist, r.directory, index, work), seg_container)
            )
            stats.append(
                (work / f"ssim-{r.rung.name}-{index}.log", work / f"psnr-{r.rung.name}-{index}.log")
            )
        offset = align(
            ffmpeg, source, container, start, plan.frame_rate, segments[0], run, work, index, view
        )
        offsets.append(offset)
        argv = compare_argv(
            ffmpeg,
            source,
            container,
            start,
            durations[index],
            plan.frame_rate,
            segments,
            stats,
            offset,
            view,
        )
        result = run(argv)
        if result.exit_code != 0:
            raise VerificationFailed(
                f"measuring the quality of segment {index} failed: {result.last_error_line()}",
                code=ErrorCode.VERIFY_FAILED,
            )
        for r, (ssim_log, psnr_log) in zip(rungs, stats, strict=True):
            ssim[r.rung.name] += parse_ssim(_read(ssim_log))
            mse[r.rung.name] += parse_psnr_mse(_read(psnr_log))
    out = {}
    for r in rungs:
        name = r.rung.name
        if not ssim[name] or not mse[name]:
            raise VerificationFailed(
                f"no frame of {name} could be compared with the source",
                code=ErrorCode.VERIFY_FAILED,
            )
        out[name] = RungQuality(
            name=name,
            ssim=sum(ssim[name]) / len(ssim[name]),
            psnr=psnr_from_mse(sum(mse[name]) / len(mse[name])),
            frames=len(ssim[name]),
            segments=tuple(picks),
            offsets=tuple(offsets),
        )
    return out


def align(
    ffmpeg: str,
    source: Path,
    container: Container,
    start: float,
    frame_rate: Fraction,
    segment: tuple[RungPlan, Path, Container],
    run: Runner,
    work: Path,
    index: int,
    view: View = RAW,
) -> int:
    """The shift (in frames) that best lines the source up with a segment's start."""
    best: tuple[float, int] | None = None
    for offset in sorted(range(-ALIGN_RANGE, ALIGN_RANGE + 1), key=abs):
        stats = work / f"align-{index}-{offset}.log"
        argv = align_argv(
            ffmpeg, source, container, start, frame_rate, segment[1:], offset, stats, view
        )
        result = run(argv)
        values = parse_psnr_mse(_read(stats)) if result.exit_code == 0 else []
        if not values:
            continue
        mse = sum(values) / len(values)
        if best is None or mse < best[0]:
            best = (mse, offset)
    if best is None:
        raise VerificationFailed(
            f"no frame of segment {index} could be compared with the source",
            code=ErrorCode.VERIFY_FAILED,
        )
    return best[1]


def _read(path: Path) -> str:
    return path.read_text("utf-8") if path.is_file() else ""


def below_floor(plan: LadderPlan, measured: dict[str, RungQuality]) -> list[RungPlan]:
    """Rungs whose measured SSIM is under their floor."""
    return [
        rung
        for rung in plan.rungs
        if rung.ssim_floor is not None
        and rung.name in measured
        and measured[rung.name].ssim < rung.ssim_floor
    ]
