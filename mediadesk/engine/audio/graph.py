"""Preset + sources -> ffmpeg argv. Pure functions: no process, no file is touched.

Two commands make a master. ``render_argv`` builds the mix (programme audio, music
looped or trimmed to length, gains, ducking (``ducking.py``), fades) once and writes it
as 32-bit float WAV while a copy streams to the loudness meter (``meters.py``).
``encode_argv`` applies the loudness plan to that WAV, encodes AAC and muxes it with
the programme's video, stream-copied.

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

from mediadesk.engine.audio.ducking import duck, lin
from mediadesk.engine.audio.loudness import GainMode, LoudnessPlan
from mediadesk.engine.audio.preset import AudioMasterPreset, DuckingMode, MixMode
from mediadesk.engine.audio.sources import MasterSources
from mediadesk.engine.inputs import file_url, input_args
from mediadesk.engine.sniff import M4A, MKV, MP4, WAV, Container

# Work internally at one rate and layout; every branch is converted on entry.
WORK_RATE = 48000
WORK_LAYOUT = "stereo"
WORK_CHANNELS = 2

FADE_S = 2.0  # music fade length, at most a quarter of the music's span
FADE_S = 2.0  # music fade length, at most a quarter of the music's span

# Containers that take the programme's video by stream copy; others go to Matroska.
MP4_VIDEO_CODECS = frozenset({"h264", "hevc", "av1", "vp9", "mpeg4", "mpeg2video", "mjpeg"})

_PROGRAMME = "@programme"
_MUSIC = "@music"
MIX = "@mix"


def _db(value: float) -> str:
    return f"{value:.2f}dB"


def _secs(value: float) -> str:
    return f"{value:.6f}"


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
    # faststart rewrites the whole file to move its index to the front: cheap for an
    # M4A, a second copy of every video byte for an MP4 (whose playback is HLS anyway).
    if container.extension == "m4a":
        return "ipod", {"movflags": "+faststart"}
    if container.extension == "mp4":
        return "mp4", {}
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
        music = duck(preset, music, key_source, dc_source)
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


def head(ffmpeg_bin: str) -> list[str]:
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
    argv = head(ffmpeg_bin)
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
            limit=round(max(0.0625, lin(loudness.limit_db)), 6),
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
    audio = gain_stage(ffmpeg.input(MIX)["a:0"], loudness, out.sample_rate).filter(
        "aformat", sample_fmts="fltp", sample_rates=out.sample_rate, channel_layouts=layout
    )
    graph = compile_graph([("@out", audio)])
    # The mix is input 0 (ffmpeg-python numbered it so); the programme, when its video
    # is copied, is input 1 and also lends the output its metadata.
    argv = [*head(ffmpeg_bin), *input_args(mix_wav, WAV)]
    if sources.has_video:
        argv += input_args(sources.programme.path, sources.programme.container)
    argv += ["-filter_complex", graph.filter_complex]
    if sources.has_video:
        argv += ["-map", "1:v:0", "-c:v", "copy", "-map_metadata", "1"]
    else:
        argv += ["-map_metadata", "-1"]
    argv += [*graph.maps["@out"], *aac_args(preset)]
    return argv + output_args(sources, output, verify_fifo)


def output_args(sources: MasterSources, output: Path, verify_fifo: Path | None) -> list[str]:
    """The master's muxer, and with ``verify_fifo`` a tee of the AAC to the verifier."""
    fmt, options = muxer(output_container(sources))
    if verify_fifo is None:
        return [*(a for k, v in options.items() for a in (f"-{k}", v)), "-f", fmt, file_url(output)]
    slave_opts = "".join(f":{k}={v}" for k, v in options.items())
    return [
        "-f",
        "tee",
        f"[f={fmt}{slave_opts}]{file_url(output)}"
        f"|[f=adts:select=a:onfail=ignore]{file_url(verify_fifo)}",
    ]


def tee_safe(*paths: Path) -> bool:
    """The tee muxer splits on ``|`` and reads ``[...]`` as options: refuse such paths."""
    return not any(set(str(p.resolve())) & set("|[]\\'\"") for p in paths)


def aac_args(preset: AudioMasterPreset) -> list[str]:
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
