"""The master playlist, written from what was produced rather than what was asked for.

ffmpeg 5.1's own master lacks AVERAGE-BANDWIDTH, FRAME-RATE and
``#EXT-X-INDEPENDENT-SEGMENTS``, and derives BANDWIDTH from the requested bitrates.
Here BANDWIDTH is the measured peak segment bitrate of the rung plus that of the
audio rendition (RFC 8216 4.3.4.2), AVERAGE-BANDWIDTH the measured averages, and
CODECS comes from the encoded streams' profile and level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.playlist import INDEPENDENT
from mediadesk.engine.hls.verify import FirstSegment, Rendition

MASTER = "master.m3u8"
_SUBTITLES_ATTR = re.compile(r',SUBTITLES="[^"]*"')

# profile_idc and the constraint flags x264 writes for each profile.
_AVC_PROFILES = {
    "constrained baseline": "42C0",
    "baseline": "4200",
    "main": "4D40",
    "extended": "5800",
    "high": "6400",
    "high 10": "6E00",
    "high 4:2:2": "7A00",
    "high 4:4:4 predictive": "F400",
}
_AAC = {"he-aac": "mp4a.40.5", "he-aacv2": "mp4a.40.29"}


@dataclass(frozen=True)
class AudioEntry:
    group_id: str
    name: str
    uri: str
    channels: int
    language: str | None = None
    default: bool = True


@dataclass(frozen=True)
class SubtitleEntry:
    group_id: str
    name: str
    uri: str
    language: str | None = None
    default: bool = False
    forced: bool = False


@dataclass(frozen=True)
class VariantEntry:
    uri: str
    bandwidth: int
    average_bandwidth: int
    codecs: str
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    audio_group: str | None = None
    video_range: str | None = None  # SDR, PQ or HLG: said when a ladder mixes them


def avc_codec(first: FirstSegment) -> str:
    profile = _AVC_PROFILES.get((first.profile or "").lower(), "6400")
    level = first.level if first.level and first.level > 0 else 40
    return f"avc1.{profile}{level:02X}"


def hevc_codec(first: FirstSegment) -> str:
    """RFC 6381 for HEVC: Main 10 is profile 2 (compatibility flags 0x4), Main is 1 (0x6);
    ffprobe's level is general_level_idc (level x 30), main tier, no constraint bytes."""
    main10 = "10" in (first.profile or "")
    level = first.level if first.level and first.level > 0 else 120
    return f"hvc1.{'2.4' if main10 else '1.6'}.L{level}.B0"


def video_codec(first: FirstSegment) -> str:
    return hevc_codec(first) if first.codec == "hevc" else avc_codec(first)


def aac_codec(first: FirstSegment) -> str:
    return _AAC.get((first.profile or "").lower(), "mp4a.40.2")


def ladder_variants(
    rungs: Sequence[Rendition],
    audio: Rendition | Sequence[Rendition] | None,
    audio_group: str | None,
    rate: Fraction,
) -> list[VariantEntry]:
    """One variant per rung for one audio group. With several renditions in the group,
    BANDWIDTH counts the heaviest (a client may pick any of them) and
    AVERAGE-BANDWIDTH the default (first) one."""
    group = [audio] if isinstance(audio, Rendition) else list(audio or ())
    entries = []
    for rung in rungs:
        codecs = video_codec(rung.first)
        peak, average = rung.peak_bps, rung.average_bps
        if group:
            codecs += "," + aac_codec(group[0].first)
            peak += max(a.peak_bps for a in group)
            average += group[0].average_bps
        entries.append(
            VariantEntry(
                uri=f"{rung.name}/{PLAYLIST}",
                bandwidth=peak,
                average_bandwidth=average,
                codecs=codecs,
                width=rung.first.width,
                height=rung.first.height,
                frame_rate=rate,
                audio_group=audio_group if group else None,
            )
        )
    return entries


def audio_only_variant(audio: Rendition) -> VariantEntry:
    return VariantEntry(
        uri=f"{audio.name}/{PLAYLIST}",
        bandwidth=audio.peak_bps,
        average_bandwidth=audio.average_bps,
        codecs=aac_codec(audio.first),
    )


def _quote(value: str) -> str:
    return '"' + value.replace('"', "'") + '"'


def _audio_line(audio: AudioEntry) -> str:
    media = ["TYPE=AUDIO", f"GROUP-ID={_quote(audio.group_id)}", f"NAME={_quote(audio.name)}"]
    if audio.language:
        media.append(f"LANGUAGE={_quote(audio.language)}")
    media += [
        "AUTOSELECT=YES",
        f"DEFAULT={'YES' if audio.default else 'NO'}",
        f"CHANNELS={_quote(str(audio.channels))}",
        f"URI={_quote(audio.uri)}",
    ]
    return "#EXT-X-MEDIA:" + ",".join(media)


def _subtitle_line(sub: SubtitleEntry) -> str:
    media = ["TYPE=SUBTITLES", f"GROUP-ID={_quote(sub.group_id)}", f"NAME={_quote(sub.name)}"]
    if sub.language:
        media.append(f"LANGUAGE={_quote(sub.language)}")
    # RFC 8216 4.3.4.1: FORCED=YES only with AUTOSELECT=YES; all ours auto-select.
    media += [
        f"DEFAULT={'YES' if sub.default else 'NO'}",
        "AUTOSELECT=YES",
        f"FORCED={'YES' if sub.forced else 'NO'}",
        f"URI={_quote(sub.uri)}",
    ]
    return "#EXT-X-MEDIA:" + ",".join(media)


def master_playlist(
    variants: Sequence[VariantEntry],
    audio: AudioEntry | Sequence[AudioEntry] | None = None,
    version: int = 6,
    subtitles: Sequence[SubtitleEntry] = (),
) -> str:
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{version}", INDEPENDENT]
    tracks = [audio] if isinstance(audio, AudioEntry) else list(audio or ())
    lines += [_audio_line(a) for a in tracks]
    lines += [_subtitle_line(s) for s in subtitles]
    subtitle_group = subtitles[0].group_id if subtitles else None
    for v in variants:
        attrs = [f"BANDWIDTH={v.bandwidth}", f"AVERAGE-BANDWIDTH={v.average_bandwidth}"]
        if v.width and v.height:
            attrs.append(f"RESOLUTION={v.width}x{v.height}")
        if v.frame_rate:
            attrs.append(f"FRAME-RATE={float(v.frame_rate):.3f}")
        attrs.append(f"CODECS={_quote(v.codecs)}")
        if v.video_range:
            attrs.append(f"VIDEO-RANGE={v.video_range}")
        if v.audio_group:
            attrs.append(f"AUDIO={_quote(v.audio_group)}")
        if subtitle_group and v.width:
            attrs.append(f"SUBTITLES={_quote(subtitle_group)}")
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attrs), v.uri]
    return "\n".join(lines) + "\n"


def with_subtitles(text: str, subtitles: Sequence[SubtitleEntry]) -> str:
    """A written master with its subtitle renditions replaced by ``subtitles``.

    Used after the ladder and by a subtitles-only rebuild, which must not touch what the
    encode measured (BANDWIDTH, CODECS): only ``TYPE=SUBTITLES`` lines and the
    ``SUBTITLES`` attribute of video variants change.
    """
    lines = [ln for ln in text.splitlines() if not ln.startswith("#EXT-X-MEDIA:TYPE=SUBTITLES")]
    out: list[str] = []
    group = subtitles[0].group_id if subtitles else None
    media_at = max(
        (i + 1 for i, ln in enumerate(lines) if ln.startswith("#EXT-X-MEDIA:")), default=0
    )
    if not media_at:
        media_at = next((i + 1 for i, ln in enumerate(lines) if ln == INDEPENDENT), 1)
    for i, line in enumerate(lines):
        if i == media_at:
            out += [_subtitle_line(s) for s in subtitles]
        if line.startswith("#EXT-X-STREAM-INF:"):
            line = _SUBTITLES_ATTR.sub("", line)
            if group and "RESOLUTION=" in line:
                line += f",SUBTITLES={_quote(group)}"
        out.append(line)
    if media_at >= len(lines):
        out += [_subtitle_line(s) for s in subtitles]
    return "\n".join(out) + "\n"
