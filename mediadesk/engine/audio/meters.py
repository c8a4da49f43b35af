"""ffmpeg commands that measure: EBU R128 meters and the AAC-shift excerpt."""

from __future__ import annotations

from pathlib import Path

import ffmpeg

from mediadesk.engine.audio.graph import MIX, aac_args, compile_graph, gain_stage, head
from mediadesk.engine.audio.loudness import LoudnessPlan, ebur128_filter
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.inputs import file_url, input_args
from mediadesk.engine.sniff import WAV


def filter_safe(*paths: Path) -> bool:
    """Paths that can stand as a filter option value without escaping."""
    return not any(set(str(p.resolve())) & set("\\'\"[],;:=%|") for p in paths)


def _metadata_log(metadata_log: Path) -> str:
    return f"metadata=1,ametadata=mode=print:key=lavfi.r128.I:file={metadata_log.resolve()}"


def meter_argv(
    ffmpeg_bin: str,
    source: list[str],
    true_peak: bool = True,
    metadata_log: Path | None = None,
    skip_samples: int = 0,
) -> list[str]:
    """Measure the first audio stream of ``source`` (input args) with ebur128.

    With ``metadata_log`` the integrated loudness of every 100 ms is also written
    there, to three decimals (see ``loudness.read_meter``). ``skip_samples`` drops the
    encoder's priming from a raw AAC stream: a player skips it (the MP4 edit list says
    so), and moving the 400 ms gating blocks by 21 ms alone moved a measurement here
    by 0.03 LU.
    """
    meter = ebur128_filter(true_peak)
    if metadata_log is not None:
        meter += ":" + _metadata_log(metadata_log)
    if skip_samples:
        meter = f"atrim=start_sample={skip_samples}," + meter
    return [
        *head(ffmpeg_bin),
        "-nostats",
        *source,
        "-map",
        "0:a:0",
        "-af",
        meter,
        "-f",
        "null",
        "-",
    ]


# ffmpeg's AAC encoder starts every stream with this many samples of priming.
AAC_PRIMING_SAMPLES = 1024


# The excerpt that predicts the AAC encoder's effect on loudness: 12 slices of 2.5 s
# spread over the programme (all of it when that is short). 30 s of encoding is
# about 5% of a 10-minute master's cost.
EXCERPT_SLICE_S = 2.5
EXCERPT_SLICES = 12


def excerpt_argv(
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    mix_wav: Path,
    loudness: LoudnessPlan,
    duration: float,
    pcm_log: Path,
    adts_fifo: Path,
) -> list[str]:
    """The planned gain on an excerpt of the mix: measured as PCM, and encoded to ``adts_fifo``."""
    out = preset.output
    stream = ffmpeg.input(MIX)["a:0"]
    if duration > EXCERPT_SLICE_S * EXCERPT_SLICES * 1.5:
        every = f"{duration / EXCERPT_SLICES:.3f}"
        # "t modulo every is under one slice", without commas (ffmpeg-python cannot
        # escape them): not(floor(phase / slice)).
        phase = f"(t-{every}*floor(t/{every}))"
        stream = stream.filter("aselect", f"not(floor({phase}/{EXCERPT_SLICE_S}))").filter(
            "asetpts", "N/SR/TB"
        )
    layout = "stereo" if out.channels == 2 else "mono"
    stream = gain_stage(stream, loudness, out.sample_rate).filter(
        "aformat", sample_fmts="fltp", sample_rates=out.sample_rate, channel_layouts=layout
    )
    split = stream.filter_multi_output("asplit", 2)
    measured = (
        split[0]
        .filter("ebur128", metadata=1, framelog="verbose")
        .filter("ametadata", mode="print", key="lavfi.r128.I", file=str(pcm_log.resolve()))
    )
    graph = compile_graph([("@pcm", measured), ("@aac", split[1])])
    return [
        *head(ffmpeg_bin),
        "-nostats",
        *input_args(mix_wav, WAV),
        "-filter_complex",
        graph.filter_complex,
        *graph.maps["@pcm"],
        "-f",
        "null",
        "-",
        *graph.maps["@aac"],
        *aac_args(preset),
        "-f",
        "adts",
        file_url(adts_fifo),
    ]
