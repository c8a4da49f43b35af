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
from mediadesk.engine.hls.plan import AudioPlan, BurnedRung, LadderPlan
from mediadesk.engine.hls.presets import SegmentFormat
from mediadesk.engine.hls.timing import aligned_audio
from mediadesk.engine.hls.tonemap import SDR_TAGS
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
    leave its rendition shorter than the source. A stream feeding stereo and surround
    is resampled at the first track's rate (the preset gives both one rate).
    """
    uses: dict[int, int] = {}
    rates: dict[int, int] = {}
    for track in tracks:
        uses[track.stream_index] = uses.get(track.stream_index, 0) + 1
        rates.setdefault(track.stream_index, track.sample_rate)
    heads: dict[int, list[Any]] = {}
    for index, count in uses.items():
        # Starts with the picture (no AAC priming lead) and lasts as long (engine/hls/timing.py).
        padded = aligned_audio(src[str(index)], rates[index], duration)
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
    # start_time=0: the picture starts at 0 like the audio (see timing.py), even when the
    # source's video starts a little later (0.023 s in a remuxed Matroska).
    current = src[str(plan.video_stream_index)]
    if plan.deinterlace:
        # Fields are woven back into frames before any scaling mixes their lines;
        # one frame per frame keeps the rate (25i gives 25p).
        current = current.filter("bwdif", mode="send_frame", parity=plan.deinterlace, deint="all")
    current = current.filter("fps", fps=str(plan.frame_rate), start_time="0")
    hdr_source = None
    if plan.hdr_rungs:
        split = current.filter_multi_output("split", 2)
        current, hdr_source = split[0], split[1]
    for name, filter_options in plan.tonemap:  # HDR: to SDR BT.709 before any scaling
        current = current.filter(name, **filter_options)
    branches = []
    burned: list[Any] = []
    for i, rung in enumerate(plan.rungs):
        current = current.filter("scale", w=str(rung.width), h=str(rung.height))
        copies = [b for b in plan.burned if b.source_rung == rung.name]
        more = i + 1 < len(plan.rungs)
        heads = [current]
        if copies or more:
            split = current.filter_multi_output("split", 1 + len(copies) + int(more))
            heads = [split[k] for k in range(1 + len(copies) + int(more))]
            if more:
                current = heads.pop()
        branches.append(_encodable(heads[0], encoder))
        for copy, head in zip(copies, heads[1:], strict=True):
            burned.append(_encodable(_burn(src, head, copy), encoder))
    if hdr_source is not None:
        branches += hdr_branches(hdr_source, plan)
    return branches + burned


def _encodable(branch: Any, encoder: VideoEncoder) -> Any:
    branch = branch.filter("setsar", "1").filter("format", pix_fmts=encoder.pix_fmt)
    for name, opts in encoder.upload_filters():
        branch = branch.filter(name, **opts)
    return branch


def _burn(src: Any, picture: Any, burned: BurnedRung) -> Any:
    """The subtitle stream drawn over a copy of the rung's picture.

    ffmpeg turns a subtitle stream used in a filter graph into pictures of its canvas
    (the stream's size, else the video's) in source time, like the picture after
    ``fps`` (which keeps source time); the canvas is scaled to the rung, so the
    subtitle lands where it was authored whatever the rung's size, non-square pixels
    included; a canvas of another shape than the picture keeps its own, fitted inside
    (``plan.subtitle_placement``). ``eof_action=pass``: after the last subtitle the
    picture goes on alone.
    """
    rung = burned.rung
    w, h, x, y = burned.placement or (rung.width, rung.height, 0, 0)
    subtitle = src[str(burned.stream_index)].filter("scale", w=str(w), h=str(h))
    return ffmpeg.filter([picture, subtitle], "overlay", x=str(x), y=str(y), eof_action="pass")


def hdr_branches(current: Any, plan: LadderPlan) -> list[Any]:
    """The HDR rungs: the untouched picture scaled the same way, 10-bit, for libx265."""
    branches = []
    for i, rung in enumerate(plan.hdr_rungs):
        current = current.filter("scale", w=str(rung.width), h=str(rung.height))
        if i + 1 < len(plan.hdr_rungs):
            split = current.filter_multi_output("split", 2)
            head, current = split[0], split[1]
        else:
            head = current
        branches.append(head.filter("setsar", "1").filter("format", pix_fmts="yuv420p10le"))
    return branches


def hdr_options(plan: LadderPlan, first: int) -> dict[str, str]:
    """Per-stream options of the HEVC Main10 rungs (stream indexes from ``first``):
    a closed, fixed GOP like the H.264 rungs so segments line up, the source's HDR
    signalling kept (colour tags, HDR10 SEI), and ``hvc1`` as Apple's players need."""
    gop = str(plan.gop_frames)
    transfer = plan.hdr_transfer or "smpte2084"
    params = [
        f"keyint={gop}",
        f"min-keyint={gop}",
        "scenecut=0",
        "open-gop=0",
        "repeat-headers=1",
        "colorprim=bt2020",
        f"transfer={transfer}",
        "colormatrix=bt2020nc",
        "log-level=error",
    ]
    if transfer == "smpte2084":
        params.append("hdr10=1")
    options: dict[str, str] = {}
    for j, rung in enumerate(plan.hdr_rungs, start=first):
        options.update(
            {
                f"c:v:{j}": "libx265",
                f"preset:v:{j}": plan.x264_preset,
                f"profile:v:{j}": "main10",
                f"tag:v:{j}": "hvc1",
                f"forced-idr:v:{j}": "1",
                f"x265-params:v:{j}": ":".join(params),
                f"b:v:{j}": f"{rung.video_bitrate_k}k",
                f"maxrate:v:{j}": f"{rung.maxrate_k}k",
                f"bufsize:v:{j}": f"{rung.bufsize_k}k",
                f"color_primaries:v:{j}": "bt2020",
                f"color_trc:v:{j}": transfer,
                f"colorspace:v:{j}": "bt2020nc",
            }
        )
    return options


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
    entries = [f"v:{i},name:{rung.name}" for i, rung in enumerate(plan.encoded_rungs)]
    by_quality = any(rung.crf is not None for rung in plan.rungs)
    options = encoder.options(plan.x264_preset, plan.gop_frames, plan.keyframe_expr, by_quality)
    if plan.tonemap:
        options.update(SDR_TAGS)  # what the pictures now are, so players do not guess
    for i, rung in enumerate(plan.rungs):
        options.update(
            encoder.rung_options(i, rung.crf, rung.video_bitrate_k, rung.maxrate_k, rung.bufsize_k)
        )
        options[f"profile:v:{i}"] = rung.profile
    options.update(hdr_options(plan, len(plan.rungs)))
    # Burned copies are encoded like the rung they copy (the global codec: H.264).
    for j, copy in enumerate(plan.burned, start=len(plan.all_rungs)):
        rung = copy.rung
        options.update(
            encoder.rung_options(j, rung.crf, rung.video_bitrate_k, rung.maxrate_k, rung.bufsize_k)
        )
        options[f"profile:v:{j}"] = rung.profile
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
    duration: float,
) -> list[str]:
    """Audio-only HLS: the one audio stream to AAC; cover art and the rest are ignored.

    Timed like a ladder's audio (``timing.py``): the first packet, priming included, at
    0 and the last ending at ``duration``, not 21 ms later in a segment of its own.
    """
    options = audio_options(plan)
    options.update(hls_options(out_dir, segment_seconds, segment_format, f"a:0,name:{plan.name}"))
    stream = aligned_audio(source()[str(plan.stream_index)], plan.sample_rate, duration)
    output = ffmpeg.output(stream, str(out_dir / "%v" / PLAYLIST), **options)
    return compile_graph(ffmpeg_bin, output, path, container)
