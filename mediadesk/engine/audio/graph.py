"""Preset + sources -> ffmpeg argv. Pure functions: no process, no file is touched.

Two commands make a master. ``render_argv`` builds the mix (programme audio, music
looped or trimmed to length, gains, ducking, fades) once and writes it as 32-bit float
WAV while a copy streams to the loudness meter. ``encode_argv`` applies the loudness
plan to that WAV, encodes AAC and muxes it with the programme's video, stream-copied.

The filter graphs are built with ffmpeg-python; the input options come from
``engine/inputs.py`` (the one way a file reaches ffmpeg), spliced in where
ffmpeg-python put placeholder names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

from mediadesk.engine.audio.loudness import GainMode, LoudnessPlan, ebur128_filter
from mediadesk.engine.audio.preset import AudioMasterPreset, DuckingMode, GateSensitivity, MixMode
from mediadesk.engine.audio.sources import MasterSources
from mediadesk.engine.inputs import file_url, input_args
from mediadesk.engine.sniff import M4A, MKV, MP4, WAV, Container

# Work internally at one rate and layout; every branch is converted on entry.
WORK_RATE = 48000
WORK_LAYOUT = "stereo"
WORK_CHANNELS = 2

# Speech is detected in this band, so that a bass line or hiss in the programme does
# not read as a voice.
KEY_BAND_HZ = (150, 5000)
# RMS level of the band-limited programme above which it counts as speech.
GATE_THRESHOLD_DB = {
    GateSensitivity.SENSITIVE: -45.0,
    GateSensitivity.NORMAL: -35.0,
    GateSensitivity.STRICT: -25.0,
}


@dataclass(frozen=True)
class DuckTiming:
    """Milliseconds; ffmpeg's time constants are a quarter of these (samples * sr / 4000)."""

    gate_attack: float
    gate_release: float
    attack: float
    release: float


DUCK_TIMING = {
    # In both the gate holds through the dips between syllables. Rolling: the
    # compressor glides down in about 0.25 s and back up in about 1.5 s. Abrupt: it
    # switches within milliseconds.
    DuckingMode.ROLLING: DuckTiming(gate_attack=10, gate_release=600, attack=250, release=1600),
    DuckingMode.ABRUPT: DuckTiming(gate_attack=1, gate_release=250, attack=1, release=10),
}
COMPRESSOR_RATIO = 20.0  # the most sidechaincompress allows
FADE_S = 2.0  # music fade length, at most a quarter of the music's span

# Containers that take the programme's video by stream copy; others go to Matroska.
MP4_VIDEO_CODECS = frozenset({"h264", "hevc", "av1", "vp9", "mpeg4", "mpeg2video", "mjpeg"})

_PROGRAMME = "@programme"
_MUSIC = "@music"
_MIX = "@mix"


def _db(value: float) -> str:
    return f"{value:.2f}dB"


def _secs(value: float) -> str:
    return f"{value:.6f}"


def _lin(db: float) -> float:
    return float(10 ** (db / 20))


def duck_threshold(amount_db: float) -> float:
    """The sidechain threshold at which a full-scale key pulls the music down by ``amount_db``.

    The key is a gated constant: 1.0 while speech is present, 0.0 in the gaps. With
    a hard knee and ratio R, a key at 1.0 (0 dBFS) is reduced by -t * (1 - 1/R) dB
    for a threshold of t dBFS, so t = -amount * R / (R - 1).
    """
    threshold_db = -amount_db * COMPRESSOR_RATIO / (COMPRESSOR_RATIO - 1)
    return round(_lin(threshold_db), 6)


def music_span(preset: AudioMasterPreset, sources: MasterSources) -> float:
    """How long the music plays: the programme, or less when the preset says so."""
    span = sources.duration
    if preset.timing.duration_seconds is not None:
        span = min(span, preset.timing.duration_seconds)
    return span


def fade_length(span: float) -> float:
    return min(FADE_S, span / 4)


def output_container(sources: MasterSources) -> Container:
    video = sources.programme.info.video
    if video is None:
        return M4A
    return MP4 if video.codec in MP4_VIDEO_CODECS else MKV


def muxer(container: Container) -> tuple[str, dict[str, str]]:
    if container.extension == "m4a":
        return "ipod", {"movflags": "+faststart"}
    if container.extension == "mp4":
        return "mp4", {"movflags": "+faststart"}
    return "matroska", {}


# Building the graphs ------------------------------------------------------------------


def _normalized(stream: Any) -> Any:
    return stream.filter("aresample", WORK_RATE).filter(
        "aformat", sample_fmts="fltp", channel_layouts=WORK_LAYOUT
    )


def _programme_audio(sources: MasterSources) -> Any:
    duration = _secs(sources.duration)
    # The audio must stay where the copied video expects it: first_pts=0 pads a stream
    # that starts after the video with silence, async=1 fills gaps in its timestamps.
    audio = (
        ffmpeg.input(_PROGRAMME)["a:0"]
        .filter("aresample", WORK_RATE, first_pts=0, **{"async": 1})
        .filter("aformat", sample_fmts="fltp", channel_layouts=WORK_LAYOUT)
    )
    # Exactly the programme's length, whatever its audio stream's own length is.
    return audio.filter("apad", whole_dur=duration).filter("atrim", end=duration)


def _music(preset: AudioMasterPreset, sources: MasterSources) -> Any:
    span = music_span(preset, sources)
    music = _normalized(ffmpeg.input(_MUSIC)["a:0"]).filter("atrim", end=_secs(span))
    if preset.music_gain_db:
        music = music.filter("volume", _db(preset.music_gain_db))
    if preset.timing.fade_enabled:
        fade = fade_length(span)
        music = music.filter("afade", t="in", d=_secs(fade))
        music = music.filter("afade", t="out", st=_secs(span - fade), d=_secs(fade))
    if span < sources.duration:
        music = music.filter("apad", whole_dur=_secs(sources.duration))
    return music


def _duck(preset: AudioMasterPreset, music: Any, key_source: Any, dc_source: Any) -> Any:
    """Sidechain compression of the music, keyed on a gated constant.

    A compressor keyed on the programme itself would duck loud words more than quiet
    ones. Instead the gate turns the programme into "speech present" (a constant 1.0,
    opened and closed by the programme's voice band); the compressor, fed that
    constant, lowers the music by exactly ``amount_db`` while it is open. The gate's
    release and the compressor's attack/release make the roll.
    """
    ducking = preset.ducking
    timing = DUCK_TIMING[ducking.mode]
    low, high = KEY_BAND_HZ
    # aresample (not aformat) makes the mono copies: a format constraint after asplit
    # could be negotiated back onto the programme branch itself.
    key = (
        key_source.filter("aresample", ochl="mono")
        .filter("highpass", f=low)
        .filter("lowpass", f=high)
        # ffmpeg's gate skips its gain computation while the detector reads exactly
        # zero, leaving the gate open on digital silence: a floor far under any
        # threshold (-120 dBFS) keeps the detector alive.
        .filter("dcshift", shift=1e-6)
    )
    constant = (
        dc_source.filter("aresample", ochl="mono").filter("volume", 0).filter("dcshift", shift=1)
    )
    presence = ffmpeg.filter(
        [constant, key],
        "sidechaingate",
        threshold=round(_lin(GATE_THRESHOLD_DB[ducking.gate]), 6),
        ratio=9000,
        range=0,
        knee=1,
        detection="rms",
        attack=timing.gate_attack,
        release=timing.gate_release,
    )
    return ffmpeg.filter(
        [music, presence],
        "sidechaincompress",
        threshold=duck_threshold(ducking.amount_db),
        ratio=COMPRESSOR_RATIO,
        knee=1,
        detection="peak",
        link="maximum",
        attack=timing.attack,
        release=timing.release,
    )


def mix_stream(preset: AudioMasterPreset, sources: MasterSources) -> tuple[Any, list[str]]:
    """The mix as one stream (float, stereo, 48 kHz, programme length) and its inputs."""
    if preset.mode == MixMode.REPLACE:
        assert sources.music is not None
        return _music(preset, sources), [_MUSIC]
    programme = _programme_audio(sources)
    if sources.music is None:
        if preset.video_gain_db:
            programme = programme.filter("volume", _db(preset.video_gain_db))
        return programme, [_PROGRAMME]
    music = _music(preset, sources)
    if preset.ducking.mode != DuckingMode.NONE:
        split = programme.filter_multi_output("asplit", 3)
        programme, key_source, dc_source = split[0], split[1], split[2]
        music = _duck(preset, music, key_source, dc_source)
    if preset.video_gain_db:
        programme = programme.filter("volume", _db(preset.video_gain_db))
    mix = ffmpeg.filter(
        [programme, music],
        "amix",
        inputs=2,
        normalize=0,
        duration="first",
        dropout_transition=0,
    )
    return mix, [_PROGRAMME, _MUSIC]


@dataclass(frozen=True)
class CompiledGraph:
    inputs: list[str]  # placeholder names, in ffmpeg's input order
    filter_complex: str
    maps: dict[str, list[str]]  # output placeholder -> its ``-map`` arguments


def compile_graph(outputs: Sequence[tuple[str, Any]]) -> CompiledGraph:
    """Let ffmpeg-python name the links and order the inputs; read back what it chose."""
    nodes = [ffmpeg.output(stream, name) for name, stream in outputs]
    spec = ffmpeg.merge_outputs(*nodes) if len(nodes) > 1 else nodes[0]
    args: list[str] = ffmpeg.get_args(spec)
    names = {name for name, _ in outputs}
    inputs: list[str] = []
    filter_complex = ""
    maps: dict[str, list[str]] = {}
    pending: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-i":
            inputs.append(args[i + 1])
            i += 2
        elif arg == "-filter_complex":
            filter_complex = args[i + 1]
            i += 2
        elif arg == "-map":
            pending += ["-map", args[i + 1]]
            i += 2
        elif arg in names:
            maps[arg], pending = pending, []
            i += 1
        else:
            raise ValueError(f"unexpected argument {arg!r} from ffmpeg-python")
    return CompiledGraph(inputs, filter_complex, maps)


# Commands ---------------------------------------------------------------------------


def _head(ffmpeg_bin: str) -> list[str]:
    return [ffmpeg_bin, "-hide_banner", "-nostdin", "-y"]


def _source_args(placeholder: str, preset: AudioMasterPreset, sources: MasterSources) -> list[str]:
    if placeholder == _PROGRAMME:
        return input_args(sources.programme.path, sources.programme.container)
    assert sources.music is not None
    music = sources.music
    args = input_args(music.path, music.container)
    # Loop only when the music is shorter than its span (decoding an endless input and
    # trimming it costs nothing extra, but a needless loop changes nothing either).
    if music.duration < music_span(preset, sources) + 0.05:
        args = ["-stream_loop", "-1", *args]
    return args


def render_argv(
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    sources: MasterSources,
    mix_wav: Path,
    meter_fifo: Path,
) -> list[str]:
    """Pass 1: the mix to ``mix_wav`` (float WAV) and, raw, to the loudness meter's FIFO."""
    mix, _ = mix_stream(preset, sources)
    split = mix.filter(
        "aformat", sample_fmts="flt", channel_layouts=WORK_LAYOUT
    ).filter_multi_output("asplit", 2)
    graph = compile_graph([("@wav", split[0]), ("@meter", split[1])])
    argv = _head(ffmpeg_bin)
    for placeholder in graph.inputs:
        argv += _source_args(placeholder, preset, sources)
    argv += ["-filter_complex", graph.filter_complex]
    argv += [*graph.maps["@wav"], "-c:a", "pcm_f32le", "-rf64", "auto", "-f", "wav"]
    argv += [file_url(mix_wav)]
    argv += [*graph.maps["@meter"], "-c:a", "pcm_f32le", "-f", "f32le", file_url(meter_fifo)]
    return argv


def gain_stage(stream: Any, loudness: LoudnessPlan, sample_rate: int) -> Any:
    if loudness.mode in (GainMode.LINEAR, GainMode.LINEAR_LIMITED):
        gain = loudness.gain_db + loudness.aac_compensation_db
        stream = stream.filter("volume", f"{gain:.3f}dB")
    if loudness.mode == GainMode.LINEAR_LIMITED:
        assert loudness.limit_db is not None
        # level=0: alimiter's default "auto level" would push the output back up to
        # 0 dBFS; latency=1: without it the lookahead delays the audio against video.
        stream = stream.filter(
            "alimiter",
            limit=round(max(0.0625, _lin(loudness.limit_db)), 6),
            level=0,
            latency=1,
            attack=5,
            release=50,
        )
    if loudness.mode == GainMode.DYNAMIC:
        stream = stream.filter(
            "loudnorm",
            I=loudness.target_lufs,
            TP=loudness.true_peak_db,
            LRA=loudness.lra,
            linear="false",
            print_format="none",
        ).filter("aresample", sample_rate)  # loudnorm outputs 192 kHz otherwise
    return stream


def encode_argv(
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    sources: MasterSources,
    mix_wav: Path,
    loudness: LoudnessPlan,
    output: Path,
    verify_fifo: Path | None,
) -> list[str]:
    """Pass 2: loudness applied, AAC encoded, video copied; ADTS tee'd to the verifier."""
    out = preset.output
    layout = "stereo" if out.channels == 2 else "mono"
    audio = gain_stage(ffmpeg.input(_MIX)["a:0"], loudness, out.sample_rate).filter(
        "aformat", sample_fmts="fltp", sample_rates=out.sample_rate, channel_layouts=layout
    )
    graph = compile_graph([("@out", audio)])
    # The mix is input 0 (ffmpeg-python numbered it so); the programme, when its video
    # is copied, is input 1 and also lends the output its metadata.
    argv = [*_head(ffmpeg_bin), *input_args(mix_wav, WAV)]
    if sources.has_video:
        argv += input_args(sources.programme.path, sources.programme.container)
    argv += ["-filter_complex", graph.filter_complex]
    if sources.has_video:
        argv += ["-map", "1:v:0", "-c:v", "copy", "-map_metadata", "1"]
    else:
        argv += ["-map_metadata", "-1"]
    argv += [*graph.maps["@out"], *_aac_args(preset)]
    container = output_container(sources)
    fmt, options = muxer(container)
    if verify_fifo is None:
        for key, value in options.items():
            argv += [f"-{key}", value]
        argv += ["-f", fmt, file_url(output)]
        return argv
    slave_opts = "".join(f":{k}={v}" for k, v in options.items())
    argv += [
        "-f",
        "tee",
        f"[f={fmt}{slave_opts}]{file_url(output)}"
        f"|[f=adts:select=a:onfail=ignore]{file_url(verify_fifo)}",
    ]
    return argv


def tee_safe(*paths: Path) -> bool:
    """The tee muxer splits on ``|`` and reads ``[...]`` as options: refuse such paths."""
    return not any(set(str(p.resolve())) & set("|[]\\'\"") for p in paths)


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
        *_head(ffmpeg_bin),
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


# The excerpt that predicts the AAC encoder's effect on loudness: 20 slices of 3 s
# spread over the programme (all of it when that is short).
EXCERPT_SLICE_S = 3.0
EXCERPT_SLICES = 20


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
    stream = ffmpeg.input(_MIX)["a:0"]
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
        *_head(ffmpeg_bin),
        "-nostats",
        *input_args(mix_wav, WAV),
        "-filter_complex",
        graph.filter_complex,
        *graph.maps["@pcm"],
        "-f",
        "null",
        "-",
        *graph.maps["@aac"],
        *_aac_args(preset),
        "-f",
        "adts",
        file_url(adts_fifo),
    ]


def _aac_args(preset: AudioMasterPreset) -> list[str]:
    out = preset.output
    return [
        "-c:a",
        "aac",
        "-aac_coder",
        out.aac_coder,
        "-b:a",
        str(out.bitrate),
        "-ar",
        str(out.sample_rate),
        "-ac",
        str(out.channels),
    ]
