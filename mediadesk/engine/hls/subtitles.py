"""Text subtitles to segmented WebVTT renditions (plan, argv and writing; no database).

ffmpeg converts each text track (subrip, ass/ssa, mov_text, webvtt streams and sidecar
files) to one WebVTT file with the source's own timestamps (``-copyts``). Python then
cuts it at the video rung's segment boundaries: every segment file starts with
``X-TIMESTAMP-MAP=MPEGTS:<pts>,LOCAL:00:00:00.000``, where ``pts`` is the 90 kHz
time the rendition gives to source time 0, measured from the first video segment, so
cues line up with the picture whatever offset the muxer added (1.4 s in MPEG-TS).
A full ``all.vtt`` beside the segments, with times from the first frame, serves players
that do not read subtitle renditions (mpv over Debian's ffmpeg 5.1 skips them).
Picture subtitles (PGS, VobSub, DVB) cannot become text: they are listed, not made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mediadesk.domain.languages import language_tag, track_label, unique_labels
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.domain.vocabulary import SUBTITLE_TRACK
from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.plan import PICTURE_SUBTITLE_CODECS
from mediadesk.engine.inputs import input_args
from mediadesk.engine.sniff import Container

TEXT_CODECS = frozenset({"subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"})
# Listed with a note; a ladder preset's ``burn_in`` may draw them into a variant.
PICTURE_CODECS = PICTURE_SUBTITLE_CODECS
GROUP_ID = "subs"
FULL_VTT = "all.vtt"
MPEG_TICKS = 90_000


@dataclass(frozen=True)
class SubtitleTrack:
    """One text track to make: an embedded stream or a sidecar file (UTF-8 by now)."""

    name: str  # its directory
    label: str
    language: str | None
    forced: bool = False
    default: bool = False
    hearing_impaired: bool = False
    stream_index: int | None = None
    file: Path | None = None
    file_container: Container | None = None
    # Seconds from a sidecar's time 0 to the source's (the container's start time).
    offset: float = 0.0


@dataclass(frozen=True)
class PictureSubtitle:
    stream_index: int
    codec: str
    label: str
    language: str | None


@dataclass(frozen=True)
class SidecarSubtitle:
    """A subtitle file kept with a media file, decoded to UTF-8 in ``path``."""

    path: Path
    container: Container
    language: str | None
    forced: bool = False
    hearing_impaired: bool = False
    title: str | None = None


def plan_subtitles(
    info: MediaInfo, sidecars: Sequence[SidecarSubtitle] = ()
) -> tuple[list[SubtitleTrack], list[PictureSubtitle]]:
    streams = info.subtitle_streams
    text = [s for s in streams if (s.codec or "") in TEXT_CODECS]
    pictures = [
        PictureSubtitle(
            s.index,
            s.codec or "unknown",
            track_label(language_tag(s.language), unknown=SUBTITLE_TRACK, forced=s.forced),
            language_tag(s.language),
        )
        for s in streams
        if (s.codec or "") not in TEXT_CODECS
    ]
    described = [
        (
            language_tag(s.language),
            s.title,
            s.forced,
            s.hearing_impaired,
            s.default,
            s.index,
            None,
        )
        for s in text
    ] + [
        (language_tag(f.language), f.title, f.forced, f.hearing_impaired, False, None, f)
        for f in sidecars
    ]
    labels = unique_labels(
        [
            track_label(
                lang, unknown=SUBTITLE_TRACK, title=title, forced=forced, hearing_impaired=sdh
            )
            for lang, title, forced, sdh, *_ in described
        ]
    )
    start = info.start_time or 0.0
    tracks: list[SubtitleTrack] = []
    has_default = False
    for i, ((lang, _, forced, sdh, default, index, sidecar), label) in enumerate(
        zip(described, labels, strict=True)
    ):
        is_default = default and not has_default
        has_default = has_default or is_default
        tracks.append(
            SubtitleTrack(
                name=f"subs_{i + 1}",
                label=label,
                language=lang,
                forced=forced,
                default=is_default,
                hearing_impaired=sdh,
                stream_index=index,
                file=sidecar.path if sidecar else None,
                file_container=sidecar.container if sidecar else None,
                offset=start if sidecar else 0.0,
            )
        )
    return tracks, pictures


def extract_argv(
    ffmpeg: str, source: Path, container: Container, tracks: Sequence[SubtitleTrack], out: Path
) -> list[str]:
    """One ffmpeg: every embedded text stream and sidecar to ``{out}/{name}.vtt``.

    ``-copyts`` keeps the source's timestamps, so cue times are source times; only the
    subtitle streams are mapped, so nothing is decoded but text.
    """
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-y", "-v", "error", "-copyts"]
    embedded = [t for t in tracks if t.stream_index is not None]
    files = [t for t in tracks if t.file is not None and t.file_container is not None]
    if embedded:
        argv += input_args(source, container)
    for track in files:
        assert track.file is not None and track.file_container is not None
        argv += ["-sub_charenc", "UTF-8", *input_args(track.file, track.file_container)]
    outputs: list[str] = []
    for track in embedded:
        outputs += ["-map", f"0:{track.stream_index}"]
        outputs += ["-c:s", "webvtt", "-f", "webvtt", str(out / f"{track.name}.vtt")]
    first_file = 1 if embedded else 0
    for n, track in enumerate(files):
        outputs += ["-map", f"{first_file + n}:0"]
        outputs += ["-c:s", "webvtt", "-f", "webvtt", str(out / f"{track.name}.vtt")]
    return argv + outputs


# --- WebVTT ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


_TIMING = re.compile(
    r"^((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})"
)
_TAG = re.compile(r"</?([a-zA-Z]+)(?:[.\s][^>]*)?>")


def parse_time(text: str) -> float:
    parts = text.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return hours * 3600 + minutes * 60 + seconds


def format_time(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def plain_text(text: str) -> str:
    """Styling reduced to text and italics: ASS colours, bold and positions are gone."""
    kept = _TAG.sub(lambda m: m.group(0) if m.group(1).lower() == "i" else "", text)
    lines = [ln.strip() for ln in kept.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def parse_vtt(text: str) -> list[Cue]:
    cues: list[Cue] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for block in blocks:
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            match = _TIMING.match(line.strip())
            if match:
                body = plain_text("\n".join(lines[i + 1 :]))
                start, end = parse_time(match.group(1)), parse_time(match.group(2))
                if body and end > start:
                    cues.append(Cue(start, end, body))
                break
    return sorted(cues, key=lambda c: (c.start, c.end))


def _cue_block(cue: Cue, shift: float = 0.0) -> str:
    return f"{format_time(cue.start + shift)} --> {format_time(cue.end + shift)}\n{cue.text}\n"


def write_rendition(
    directory: Path,
    cues: Sequence[Cue],
    segment_durations: Sequence[float],
    video_start: float,
    mpegts: int,
) -> None:
    """Segment files cut like the video rung, their playlist, and the full file.

    ``video_start``: the source time of the rung's first frame (segment 0 starts
    there); ``mpegts``: the 90 kHz rendition time of source time 0.
    """
    directory.mkdir(parents=True, exist_ok=True)
    header = f"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:{mpegts},LOCAL:00:00:00.000\n\n"
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{max(1, round(max(segment_durations)))}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
    ]
    begin = video_start
    for i, duration in enumerate(segment_durations):
        end = begin + duration
        last = i == len(segment_durations) - 1
        inside = [c for c in cues if c.end > begin and (c.start < end or last)]
        name = f"seg_{i:05d}.vtt"
        body = "\n".join(_cue_block(c) for c in inside)
        (directory / name).write_text(header + body, "utf-8")
        lines += [f"#EXTINF:{duration:.6f},", name]
        begin = end
    lines.append("#EXT-X-ENDLIST")
    (directory / PLAYLIST).write_text("\n".join(lines) + "\n", "utf-8")
    full = "WEBVTT\n\n" + "\n".join(_cue_block(c, -video_start) for c in cues)
    (directory / FULL_VTT).write_text(full, "utf-8")


CHAPTERS_VTT = "chapters.vtt"


def chapters_vtt(chapters: Sequence[tuple[float, float, str]], video_start: float) -> str:
    """A WebVTT chapters track (``kind="chapters"``): one cue per chapter, times from
    the first frame like the full subtitle files."""
    blocks = [
        f"{i + 1}\n{format_time(start - video_start)} --> {format_time(end - video_start)}\n"
        f"{title}\n"
        for i, (start, end, title) in enumerate(chapters)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)
