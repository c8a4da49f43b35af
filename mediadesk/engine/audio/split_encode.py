"""The AAC encode on two cores: two halves encoded at once, spliced at a frame boundary.

ffmpeg's AAC encoder is single-threaded and is the floor of a long master. With a
linear gain (the usual case) nothing in pass 2 depends on more than a few milliseconds
of context, so the mix can be encoded as two halves in parallel and the packets joined:

- The split point ``S`` is a multiple of the 1024-sample AAC frame. The encoder delays
  its output by one frame (priming), so packet ``k`` decodes to samples
  ``[(k-1)*1024, k*1024)`` and its MDCT window spans ``[(k-1)*1024, (k+1)*1024)``.
- The first half is encoded from 0 to ``S`` plus a frame of post-roll and keeps packets
  ``0 .. S/1024``: the last one's window ends one frame past ``S``, on real signal.
- The second half starts ``PRE_ROLL`` frames before ``S`` (so the limiter's state and
  the encoder's block decisions have settled) and keeps packets from the one that
  decodes ``[S, S+1024)``. Both sides of the join were computed from the same samples,
  so the overlap-add cancels as it does inside one stream (a test measures the join).
- The spliced ADTS keeps the first half's priming frame; it is muxed with
  ``-itsoffset`` of minus one frame, so the container's edit list hides it as the
  encoder's own MP4 output does.

Dynamic loudnorm (a state over seconds), other sample rates, short programmes and
machines with one core take the single encode.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import ffmpeg

from mediadesk.engine.audio import graph
from mediadesk.engine.audio.loudness import GainMode, LoudnessPlan
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.audio.sources import MasterSources
from mediadesk.engine.audio.tandem import Runner
from mediadesk.engine.inputs import file_url, input_args
from mediadesk.engine.sniff import AAC, WAV

FRAME = 1024
PRE_ROLL = 8  # frames before the split the second half starts (170 ms at 48 kHz)
POST_ROLL = 2  # frames past the split the first half runs on
SPLIT_MIN_S = 300.0  # below this the second process costs more than it saves


class SpliceRefused(Exception):
    """The halves are not what the splice expects; the caller encodes in one piece."""


def can_split(
    duration: float, loudness: LoudnessPlan, preset: AudioMasterPreset, min_s: float
) -> bool:
    return (
        duration >= min_s
        and loudness.mode in (GainMode.LINEAR, GainMode.LINEAR_LIMITED)
        and preset.output.sample_rate == graph.WORK_RATE  # atrim counts the mix's samples
        and (os.cpu_count() or 1) >= 2
    )


def half_argv(
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    mix_wav: Path,
    loudness: LoudnessPlan,
    start: int | None,
    end: int | None,
    out: Path,
) -> list[str]:
    """Samples ``[start, end)`` of the mix, gain applied, AAC-encoded to ADTS."""
    bounds = {k: v for k, v in (("start_sample", start), ("end_sample", end)) if v is not None}
    stream = ffmpeg.input(graph.MIX)["a:0"].filter("atrim", **bounds)
    stream = stream.filter("asetpts", "PTS-STARTPTS")
    out_spec = preset.output
    layout = "stereo" if out_spec.channels == 2 else "mono"
    audio = graph.gain_stage(stream, loudness, out_spec.sample_rate).filter(
        "aformat", sample_fmts="fltp", sample_rates=out_spec.sample_rate, channel_layouts=layout
    )
    compiled = graph.compile_graph([("@out", audio)])
    return [
        *graph.head(ffmpeg_bin),
        *input_args(mix_wav, WAV),
        "-filter_complex",
        compiled.filter_complex,
        *compiled.maps["@out"],
        *graph.aac_args(preset),
        "-f",
        "adts",
        file_url(out),
    ]


def encode_halves(
    run: Runner,
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    mix_wav: Path,
    loudness: LoudnessPlan,
    duration: float,
    workdir: Path,
    progress_range: tuple[float, float],
) -> Path:
    """Both halves at once, then the splice; returns the spliced ADTS file."""
    rate = preset.output.sample_rate
    split_at = int(duration * rate) // 2 // FRAME * FRAME
    first, second = workdir / "first-half.aac", workdir / "second-half.aac"
    first_argv = half_argv(
        ffmpeg_bin, preset, mix_wav, loudness, None, split_at + POST_ROLL * FRAME, first
    )
    second_argv = half_argv(
        ffmpeg_bin, preset, mix_wav, loudness, split_at - PRE_ROLL * FRAME, None, second
    )
    failure: list[BaseException] = []

    def second_half() -> None:
        try:
            run(second_argv, what="encode (second half)")
        except BaseException as exc:  # re-raised on the calling thread
            failure.append(exc)

    other = threading.Thread(target=second_half, name="encode-second-half", daemon=True)
    other.start()
    try:
        run(
            first_argv,
            expected_duration=split_at / rate,
            progress_range=progress_range,
            what="encode (first half)",
        )
    finally:
        other.join()
    if failure:
        raise failure[0]
    spliced = workdir / "spliced.aac"
    try:
        splice(first, second, split_at // FRAME + 1, PRE_ROLL + 1, spliced)
    finally:
        first.unlink(missing_ok=True)
        second.unlink(missing_ok=True)
    return spliced


def adts_frames(path: Path) -> Iterator[bytes]:
    """The ADTS frames of ``path``, one raw data block each (as ffmpeg writes them)."""
    with path.open("rb") as fh:
        while header := fh.read(7):
            if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
                raise SpliceRefused(f"{path.name}: not an ADTS frame")
            if header[6] & 0x03:
                raise SpliceRefused(f"{path.name}: several raw data blocks in one frame")
            length = ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5)
            body = fh.read(length - 7)
            if length < 7 or len(body) != length - 7:
                raise SpliceRefused(f"{path.name}: truncated frame")
            yield header + body


def splice(first: Path, second: Path, keep_first: int, skip_second: int, out: Path) -> int:
    """The first ``keep_first`` frames of ``first``, then ``second`` after ``skip_second``."""
    written = 0
    with out.open("wb") as dst:
        for index, frame in enumerate(adts_frames(first)):
            if index == keep_first:
                break
            dst.write(frame)
            written += 1
        if written < keep_first:
            raise SpliceRefused(f"the first half has {written} frames, {keep_first} needed")
        for index, frame in enumerate(adts_frames(second)):
            if index >= skip_second:
                dst.write(frame)
                written += 1
    if written <= keep_first:
        raise SpliceRefused("the second half has no frames past its pre-roll")
    return written


def mux_argv(
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    sources: MasterSources,
    spliced: Path,
    output: Path,
    verify_fifo: Path | None,
) -> list[str]:
    """The spliced AAC (priming hidden by the edit list) beside the programme's video."""
    priming = f"-{FRAME / preset.output.sample_rate:.9f}"
    argv = [*graph.head(ffmpeg_bin), "-itsoffset", priming, *input_args(spliced, AAC)]
    if sources.has_video:
        argv += input_args(sources.programme.path, sources.programme.container)
        argv += ["-map", "1:v:0", "-map", "0:a:0", "-map_metadata", "1"]
    else:
        argv += ["-map", "0:a:0", "-map_metadata", "-1"]
    argv += ["-c", "copy"]
    return argv + graph.output_args(sources, output, verify_fifo)
