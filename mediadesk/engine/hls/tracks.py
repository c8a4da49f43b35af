"""Which audio streams become renditions, with what names (pure).

Every audio stream becomes a stereo AAC rendition in the preset's group, in source
order with the default track first; exact duplicates (the same codec, layout, rate,
language, title, dispositions and bytes) are made once. A stream with more than two
channels also gets a 5.1 AAC rendition for the surround group; that group lists, for
each track, its surround rendition or (for a stereo track) the stereo one, so a client
that picks the surround variants still sees every language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from mediadesk.domain.languages import language_tag, track_label, unique_labels
from mediadesk.domain.mediainfo import MediaInfo, StreamInfo
from mediadesk.domain.vocabulary import AUDIO_TRACK
from mediadesk.engine.hls.presets import AudioHlsPreset
from mediadesk.engine.inputs import input_args
from mediadesk.engine.sniff import Container

SURROUND_CHANNELS = 6


@dataclass(frozen=True)
class AudioPlan:
    stream_index: int
    bitrate_k: int
    channels: int
    sample_rate: int
    group_id: str
    name: str  # the rendition's directory
    language: str | None  # RFC 5646
    label: str | None = None  # the human NAME; None: the language's name
    default: bool = True


@dataclass(frozen=True)
class AudioTracks:
    """The stereo renditions (``stereo[0]`` is the default) and the surround ones."""

    stereo: tuple[AudioPlan, ...]
    surround: tuple[AudioPlan, ...]

    @property
    def surround_group(self) -> tuple[AudioPlan, ...]:
        """The surround group: each track's 5.1 rendition, else its stereo one."""
        by_stream = {p.stream_index: p for p in self.surround}
        return tuple(by_stream.get(p.stream_index, p) for p in self.stereo)

    @property
    def encoded(self) -> tuple[AudioPlan, ...]:
        return self.stereo + self.surround


NO_TRACKS = AudioTracks((), ())


def signature(stream: StreamInfo) -> tuple[object, ...]:
    """What two streams must share to be candidates for "exact duplicate"."""
    return (
        stream.codec,
        stream.profile,
        stream.channels,
        stream.channel_layout,
        stream.sample_rate,
        stream.bit_rate,
        stream.duration,
        language_tag(stream.language),
        (stream.title or "").strip(),
        stream.commentary,
        stream.hearing_impaired,
        stream.visual_impaired,
    )


def duplicate_candidates(info: MediaInfo) -> list[int]:
    """Indexes of audio streams whose description matches another's: only these are
    worth hashing to find exact duplicates."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for stream in info.audio_streams:
        groups.setdefault(signature(stream), []).append(stream.index)
    return [i for ids in groups.values() if len(ids) > 1 for i in ids]


def digest_argv(ffmpeg: str, path: Path, container: Container, indexes: list[int]) -> list[str]:
    """Hash the packets of some streams without decoding them (one read of the file)."""
    maps = [arg for i in indexes for arg in ("-map", f"0:{i}")]
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-v",
        "error",
        *input_args(path, container),
        *maps,
        "-c",
        "copy",
        "-f",
        "streamhash",
        "-hash",
        "sha256",
        "-",
    ]


_HASH_LINE = re.compile(r"^(\d+),[a-z],SHA256=([0-9a-f]+)$")


def parse_digests(stdout: str, indexes: list[int]) -> dict[int, str]:
    """streamhash numbers the output streams in ``-map`` order."""
    found: dict[int, str] = {}
    for line in stdout.splitlines():
        match = _HASH_LINE.match(line.strip())
        if match and int(match.group(1)) < len(indexes):
            found[indexes[int(match.group(1))]] = match.group(2)
    return found


def _ordered(streams: list[StreamInfo]) -> list[StreamInfo]:
    default = next((s for s in streams if s.default), streams[0])
    return [default] + [s for s in streams if s is not default]


def plan_audio_tracks(
    info: MediaInfo,
    preset: AudioHlsPreset,
    digests: Mapping[int, str] | None = None,
) -> AudioTracks:
    """``digests``: stream index -> hash of its packets, for the duplicate candidates."""
    streams = info.audio_streams
    if not streams:
        return NO_TRACKS
    kept: list[StreamInfo] = []
    seen: set[tuple[object, ...]] = set()
    for stream in streams:
        digest = (digests or {}).get(stream.index)
        key = (*signature(stream), digest) if digest else None
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        kept.append(stream)
    kept = _ordered(kept)[: preset.max_tracks]
    labels = unique_labels(
        [
            track_label(
                language_tag(s.language),
                unknown=AUDIO_TRACK,
                title=s.title,
                commentary=s.commentary,
                hearing_impaired=s.hearing_impaired,
                descriptions=s.visual_impaired,
            )
            for s in kept
        ]
    )
    stereo = []
    for i, (stream, label) in enumerate(zip(kept, labels, strict=True)):
        stereo.append(
            AudioPlan(
                stream_index=stream.index,
                bitrate_k=preset.bitrate_k,
                channels=min(preset.channels, stream.channels or preset.channels),
                sample_rate=preset.sample_rate,
                group_id=preset.group_id,
                name=preset.name if i == 0 else f"{preset.name}_{i + 1}",
                language=language_tag(stream.language),
                label=label,
                default=i == 0,
            )
        )
    surround = []
    if preset.surround_bitrate_k:
        for plan, stream in zip(stereo, kept, strict=True):
            if (stream.channels or 0) > 2:
                surround.append(
                    replace(
                        plan,
                        bitrate_k=preset.surround_bitrate_k,
                        channels=SURROUND_CHANNELS,
                        group_id=f"{preset.group_id}_surround",
                        name=f"{plan.name}_surround",
                    )
                )
    return AudioTracks(tuple(stereo), tuple(surround))
