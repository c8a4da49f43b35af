"""Plans to ffmpeg argv (pure functions, covered by golden files).

One ffmpeg process makes the whole ladder: the source is decoded once, converted to a
constant frame rate, split, and each branch is scaled and encoded; the audio is
encoded once and muxed as its own rendition. The HLS muxer writes one directory per
rendition (``{out}/{name}/index.m3u8`` and its segments); the master playlist is
written afterwards from what was actually produced (see ``master.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ffmpeg

from mediadesk.engine.encoders import VideoEncoder
from mediadesk.engine.graph import compile_graph, source
from mediadesk.engine.hls.plan import AudioPlan, LadderPlan
from mediadesk.engine.hls.presets import SegmentFormat
from mediadesk.engine.sniff import Container

PLAYLIST = "index.m3u8"
INIT_NAME = "init.mp4"
SEGMENT_EXT = {"mpegts": "ts", "fmp4": "m4s"}


def _num(value: float) -> str:
    return f"{value:g}"


def hls_options(
    out_dir: Path, segment_seconds: float, segment_format: SegmentFormat, stream_map: str
) -> dict[str, str]:
    options = {
        "f": "hls",
        "hls_time": _num(segment_seconds),
        "hls_playlist_type": "vod",
        "hls_list_size": "0",
        "hls_flags": "independent_segments",
        "hls_segment_type": segment_format,
        "hls_segment_filename": str(out_dir / "%v" / f"seg_%05d.{SEGMENT_EXT[segment_format]}"),
        "var_stream_map": stream_map,
        # Published outputs carry no source metadata (phones put GPS positions there).
        "map_metadata": "-1",
        "map_chapters": "-1",
        "max_muxing_queue_size": "4096",
    }
    if segment_format == "fmp4":
        options["hls_fmp4_init_filename"] = INIT_NAME
    return options


def audio_options(plan: AudioPlan) -> dict[str, str]:
    return {
        "c:a": "aac",
        "b:a": f"{plan.bitrate_k}k",
        "ac": str(plan.channels),
        "ar": str(plan.sample_rate),
    }


def tracks_options(tracks: tuple[AudioPlan, ...]) -> dict[str, str]:
    """One track: the plain options (as before multi-track); several: per stream."""
    if len(tracks) == 1:
        return audio_options(tracks[0])
    options = {"c:a": "aac"}
    for i, track in enumerate(tracks):
        options[f"b:a:{i}"] = f"{track.bitrate_k}k"
        options[f"ac:a:{i}"] = str(track.channels)
        options[f"ar:a:{i}"] = str(track.sample_rate)
    return options


def _audio_branches(src: Any, tracks: tuple[AudioPlan, ...], duration: float) -> list[Any]:
    """Each source stream padded once, split when it feeds stereo and surround.

    Padded with silence to the picture's length: an audio track that ends early would
    leave its rendition shorter than the source.
    """
    uses: dict[int, int] = {}
    for track in tracks:
        uses[track.stream_index] = uses.get(track.stream_index, 0) + 1
    heads: dict[int, list[Any]] = {}
    for index, count in uses.items():
        padded = src[str(index)].filter("apad", whole_dur=_num(duration))
        if count == 1:
            heads[index] = [padded]
        else:
            split = padded.filter_multi_output("asplit", count)
            heads[index] = [split[i] for i in range(count)]
    return [heads[track.stream_index].pop(0) for track in tracks]


def _video_branches(src: Any, plan: LadderPlan, encoder: VideoEncoder) -> list[Any]:
    """fps -> scale(rung 0) -> split -> scale(rung 1) -> split -> ...

    Each rung is scaled from the one above it, not from the full picture: 720p to
    480p reads 44% of the pixels 1080p to 480p would. Rungs are at most 1.5x apart,
    where bicubic loses nothing visible.
    """
    current = src[str(plan.video_stream_index)].filter("fps", fps=str(plan.frame_rate))
    branches = []
    for i, rung in enumerate(plan.rungs):
        current = current.filter("scale", w=str(rung.width), h=str(rung.height))
        if i + 1 < len(plan.rungs):
            split = current.filter_multi_output("split", 2)
            head, current = split[0], split[1]
        else:
            head = current
        branch = head.filter("setsar", "1").filter("format", pix_fmts=encoder.pix_fmt)
        for name, opts in encoder.upload_filters():
            branch = branch.filter(name, **opts)
        branches.append(branch)
    return branches


def ladder_argv(
    ffmpeg_bin: str,
    path: Path,
    container: Container,
    plan: LadderPlan,
    out_dir: Path,
    encoder: VideoEncoder,
) -> list[str]:
    src = source()
    streams = _video_branches(src, plan, encoder)
    entries = [f"v:{i},name:{rung.name}" for i, rung in enumerate(plan.rungs)]
    options = encoder.options(plan.x264_preset, plan.gop_frames, plan.keyframe_expr)
    for i, rung in enumerate(plan.rungs):
        options[f"b:v:{i}"] = f"{rung.video_bitrate_k}k"
        options[f"maxrate:v:{i}"] = f"{rung.maxrate_k}k"
        options[f"bufsize:v:{i}"] = f"{rung.bufsize_k}k"
        options[f"profile:v:{i}"] = rung.profile
    if plan.audio is not None:
        tracks = plan.tracks.encoded or (plan.audio,)
        streams += _audio_branches(src, tracks, plan.duration)
        for i, track in enumerate(tracks):
            entries.append(f"a:{i},name:{track.name}")
        options.update(tracks_options(tracks))
    options.update(
        hls_options(out_dir, plan.segment_seconds, plan.segment_format, " ".join(entries))
    )
    output = ffmpeg.output(*streams, str(out_dir / "%v" / PLAYLIST), **options)
    before = ["-t", _num(plan.max_duration_s)] if plan.max_duration_s else []
    return compile_graph(
        ffmpeg_bin, output, path, container, before_input=before, global_args=encoder.global_args()
    )


def audio_argv(
    ffmpeg_bin: str,
    path: Path,
    container: Container,
    plan: AudioPlan,
    out_dir: Path,
    segment_seconds: float,
    segment_format: SegmentFormat,
) -> list[str]:
    """Audio-only HLS: the one audio stream to AAC; cover art and the rest are ignored."""
    options = audio_options(plan)
    options.update(hls_options(out_dir, segment_seconds, segment_format, f"a:0,name:{plan.name}"))
    stream = source()[str(plan.stream_index)]
    output = ffmpeg.output(stream, str(out_dir / "%v" / PLAYLIST), **options)
    return compile_graph(ffmpeg_bin, output, path, container)
