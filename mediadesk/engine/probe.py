"""ffprobe into a typed :class:`MediaInfo`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mediadesk.domain.mediainfo import (
    CATALOGUE_TAGS,
    Chapter,
    MediaInfo,
    StreamInfo,
    parse_rate,
)
from mediadesk.engine.inputs import input_args
from mediadesk.engine.process import run_process
from mediadesk.engine.sniff import Container, sniff
from mediadesk.engine.timeline import close_gaps
from mediadesk.errors import ErrorCode, InvalidInput, TransientError

PROBE_TIMEOUT_S = 120.0


def probe_argv(ffprobe: str, path: Path, container: Container) -> list[str]:
    return [
        ffprobe,
        "-hide_banner",
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "-show_chapters",
        *input_args(path, container),
    ]


def probe_file(path: Path, ffprobe: str, container: Container | None = None) -> MediaInfo:
    """Probe an untrusted local file; :class:`InvalidInput` when it is not usable media."""
    container = container or sniff(path)
    result = run_process(
        probe_argv(ffprobe, path, container), capture_stdout=True, timeout=PROBE_TIMEOUT_S
    )
    if result.timed_out:
        raise TransientError(f"{path.name}: ffprobe timed out", code=ErrorCode.TIMEOUT)
    if result.exit_code != 0:
        raise InvalidInput(
            f"{path.name}: not readable as {container.extension} media "
            f"({result.last_error_line()})",
            code=ErrorCode.INVALID_MEDIA,
        )
    try:
        document = json.loads(result.stdout or b"{}")
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path.name}: ffprobe returned unreadable output", code=ErrorCode.INVALID_MEDIA
        ) from exc
    info = parse_probe(document)
    if not info.streams:
        raise InvalidInput(
            f"{path.name}: the file holds no audio, video or image stream",
            code=ErrorCode.INVALID_MEDIA,
        )
    if info.kind is None:
        raise InvalidInput(
            f"{path.name}: no playable audio or video (duration unknown or zero)",
            code=ErrorCode.UNSUPPORTED_MEDIA,
        )
    return close_gaps(info, ffprobe, path, container)


def parse_probe(document: dict[str, Any]) -> MediaInfo:
    fmt = document.get("format", {})
    streams = [_stream(s) for s in document.get("streams", [])]
    return MediaInfo(
        container=str(fmt.get("format_name", "unknown")),
        container_long=fmt.get("format_long_name"),
        duration=_float(fmt.get("duration")),
        start_time=_float(fmt.get("start_time")),
        bit_rate=_int(fmt.get("bit_rate")),
        size=_int(fmt.get("size")),
        streams=streams,
        tags=_catalogue_tags(fmt, document.get("streams") or []),
        chapters=_chapters(document.get("chapters") or []),
    )


MAX_CHAPTERS = 500


def _chapters(raw: list[dict[str, Any]]) -> list[Chapter]:
    """Chapters in time order; ones of no length or with no time are dropped."""
    chapters = []
    for item in raw[:MAX_CHAPTERS]:
        start, end = _float(item.get("start_time")), _float(item.get("end_time"))
        if start is None or end is None or end <= start or start < 0:
            continue
        title = str((item.get("tags") or {}).get("title") or "").strip()[:200] or None
        chapters.append(Chapter(start=start, end=end, title=title))
    return sorted(chapters, key=lambda c: c.start)


def _catalogue_tags(fmt: dict[str, Any], streams: list[dict[str, Any]]) -> dict[str, str]:
    lowered = _lowered(fmt.get("tags") or {})
    if fmt.get("format_name") == "ogg":
        # Vorbis and Opus comments are the audio stream's tags, not the container's
        # (a Matroska track's title, by contrast, names the track, not the song).
        for stream in streams:
            if stream.get("codec_type") == "audio":
                lowered = {**_lowered(stream.get("tags") or {}), **lowered}
                break
    return {k: lowered[k].strip() for k in CATALOGUE_TAGS if lowered.get(k, "").strip()}


def _lowered(tags: dict[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(v)[:512] for k, v in tags.items()}


def _stream(raw: dict[str, Any]) -> StreamInfo:
    kind = raw.get("codec_type", "unknown")
    if kind not in ("video", "audio", "subtitle", "data", "attachment"):
        kind = "unknown"
    tags = raw.get("tags") or {}
    disposition = raw.get("disposition") or {}
    avg, real = raw.get("avg_frame_rate"), raw.get("r_frame_rate")
    return StreamInfo(
        index=int(raw.get("index", 0)),
        type=kind,
        codec=raw.get("codec_name"),
        profile=raw.get("profile"),
        width=_int(raw.get("width")),
        height=_int(raw.get("height")),
        pix_fmt=raw.get("pix_fmt"),
        sample_aspect_ratio=raw.get("sample_aspect_ratio"),
        bit_depth=_bit_depth(raw),
        frame_rate=(parse_rate(avg) or parse_rate(real)) if kind == "video" else None,
        avg_frame_rate=avg,
        r_frame_rate=real,
        rotation=_rotation(raw, tags),
        sample_rate=_int(raw.get("sample_rate")),
        channels=_int(raw.get("channels")),
        channel_layout=raw.get("channel_layout"),
        bit_rate=_int(raw.get("bit_rate")),
        duration=_float(raw.get("duration")),
        start_time=_float(raw.get("start_time")),
        frames=_int(raw.get("nb_frames")),
        language=tags.get("language"),
        attached_pic=bool(disposition.get("attached_pic")),
        default=bool(disposition.get("default")),
        color_transfer=raw.get("color_transfer"),
        field_order=raw.get("field_order"),
        color_primaries=raw.get("color_primaries"),
        color_space=raw.get("color_space"),
        color_range=raw.get("color_range"),
        dv_profile=_dv_profile(raw),
        title=(str(tags["title"])[:200] if tags.get("title") else None),
        forced=bool(disposition.get("forced")),
        commentary=bool(disposition.get("comment")),
        hearing_impaired=bool(disposition.get("hearing_impaired")),
        visual_impaired=bool(disposition.get("visual_impaired")),
    )


def _dv_profile(raw: dict[str, Any]) -> int | None:
    for side in raw.get("side_data_list") or []:
        if "dv_profile" in side:
            return _int(side["dv_profile"])
    return None


def _rotation(raw: dict[str, Any], tags: dict[str, Any]) -> int:
    """Clockwise display rotation in degrees (0, 90, 180, 270)."""
    for side in raw.get("side_data_list") or []:
        if "rotation" in side:
            # The display matrix states the counter-clockwise angle.
            return round(-float(side["rotation"])) % 360
    if "rotate" in tags:
        return int(tags["rotate"]) % 360
    return 0


def _bit_depth(raw: dict[str, Any]) -> int | None:
    bits = _int(raw.get("bits_per_raw_sample"))
    if bits:
        return bits
    match = re.search(r"p(\d{2})(le|be)$", raw.get("pix_fmt") or "")
    if match:
        return int(match.group(1))
    return 8 if raw.get("codec_type") == "video" and raw.get("pix_fmt") else None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "N/A", "") else None
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "N/A", "") else None
    except (TypeError, ValueError):
        return None
