"""From a preset and a probed source to the exact renditions to make (pure).

Rules: no upscaling (a rung whose box is larger than the source is dropped, but at
least one rung is always kept, at the source size); the source's display aspect ratio
is kept (rotation and non-square pixels included) with even dimensions; one constant
output frame rate, so a fixed GOP means the same keyframes on every rung.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from mediadesk.domain.languages import language_tag, track_label
from mediadesk.domain.mediainfo import MediaInfo, StreamInfo, parse_rate
from mediadesk.domain.vocabulary import SUBTITLE_TRACK, rung_label
from mediadesk.engine.hls.presets import (
    AudioHlsPreset,
    BurnInSpec,
    LadderPreset,
    RungSpec,
    SegmentFormat,
)
from mediadesk.engine.hls.tonemap import hdr_transfer, tonemap_steps
from mediadesk.engine.hls.tracks import NO_TRACKS, AudioPlan, AudioTracks, plan_audio_tracks
from mediadesk.errors import ErrorCode, InvalidInput

__all__ = [
    "AudioPlan",
    "AudioTracks",
    "BurnedRung",
    "LadderPlan",
    "RungPlan",
    "plan_burn_in",
    "plan_ladder",
    "subtitle_placement",
]

# Rates a probed average is snapped to when within 1% (VFR phone clips average 29.87).
STANDARD_RATES = (
    Fraction(24000, 1001),
    Fraction(24),
    Fraction(25),
    Fraction(30000, 1001),
    Fraction(30),
    Fraction(48),
    Fraction(50),
    Fraction(60000, 1001),
    Fraction(60),
)
FALLBACK_RATE = Fraction(25)
UPSCALE_TOLERANCE = 1.005  # rounding noise, not a real upscale


@dataclass(frozen=True)
class RungPlan:
    name: str
    width: int
    height: int
    video_bitrate_k: int
    maxrate_k: int
    bufsize_k: int
    profile: str
    codec: Literal["h264", "hevc"] = "h264"
    crf: int | None = None  # capped CRF when set, else a target bitrate
    ssim_floor: float | None = None


@dataclass(frozen=True)
class BurnedRung:
    """A picture subtitle stream drawn into a copy of one rung (its own master)."""

    rung: RungPlan  # named burned_N, the size and settings of the rung it copies
    source_rung: str  # the rung it is split from
    stream_index: int  # the subtitle stream in the source
    label: str  # "Deutsch (burned in)"
    language: str | None
    forced: bool
    # Where the subtitle's canvas lands in the rung: (width, height, x, y), or None
    # when the canvas has the picture's shape and is stretched over the whole rung.
    placement: tuple[int, int, int, int] | None = None

    @property
    def name(self) -> str:
        return self.rung.name

    @property
    def master(self) -> str:
        """Its master playlist, beside the main one (``master.burned_1.m3u8``)."""
        return f"master.{self.rung.name}.m3u8"


@dataclass(frozen=True)
class LadderPlan:
    video_stream_index: int
    rungs: tuple[RungPlan, ...]
    frame_rate: Fraction
    gop_frames: int
    keyframe_interval_s: float
    segment_seconds: float
    segment_format: SegmentFormat
    x264_preset: str
    audio: AudioPlan | None
    duration: float  # what the renditions must last
    max_duration_s: float | None
    deinterlace: Literal["tff", "bff"] | None = None  # bwdif parity, before scaling
    # HDR to SDR BT.709 filters (engine/hls/tonemap.py), empty for SDR sources.
    tonemap: tuple[tuple[str, dict[str, str]], ...] = ()
    # HEVC Main10 rungs that stay HDR (the preset's hdr_rungs, HDR sources only).
    hdr_rungs: tuple[RungPlan, ...] = ()
    hdr_transfer: str | None = None  # smpte2084 (PQ) or arib-std-b67 (HLG)
    # Picture subtitles burned into copies of one rung, each for a master of its own.
    burned: tuple[BurnedRung, ...] = ()

    @property
    def all_rungs(self) -> tuple[RungPlan, ...]:
        """In stream order: the H.264 rungs, then the HDR ones (not the burned ones)."""
        return self.rungs + self.hdr_rungs

    @property
    def encoded_rungs(self) -> tuple[RungPlan, ...]:
        """Every video stream of the encode, in stream order: ``all_rungs`` then burned."""
        return self.all_rungs + tuple(b.rung for b in self.burned)

    # Every audio rendition; ``audio`` is the default one (``tracks.stereo[0]``).
    tracks: AudioTracks = NO_TRACKS

    @property
    def keyframe_expr(self) -> str:
        return f"expr:gte(t,n_forced*{_num(self.keyframe_interval_s)})"


def _num(value: float) -> str:
    return f"{value:g}"


def even(value: float, limit: int) -> int:
    """Nearest even integer, never above ``limit`` rounded down to even, at least 2."""
    cap = max(2, limit - limit % 2)
    return max(2, min(cap, round(value / 2) * 2))


def display_size(video: StreamInfo) -> tuple[int, int]:
    """What a player shows: rotation applied, non-square pixels stretched to square."""
    size = video.display_size
    if size is None or size[0] <= 0 or size[1] <= 0:
        raise InvalidInput(
            "the video stream has no usable dimensions", code=ErrorCode.INVALID_MEDIA
        )
    width, height = size
    sar = _sar(video.sample_aspect_ratio)
    if sar != 1:
        if video.rotation % 180 == 90:
            height = round(height * sar)
        else:
            width = round(width * sar)
    return width, height


def _sar(text: str | None) -> Fraction:
    if not text or ":" not in text:
        return Fraction(1)
    num, _, den = text.partition(":")
    try:
        value = Fraction(int(num), int(den))
    except (ValueError, ZeroDivisionError):
        return Fraction(1)
    return value if Fraction(1, 4) <= value <= 4 else Fraction(1)


def choose_rungs(rungs: list[RungSpec], width: int, height: int) -> list[RungPlan]:
    portrait = height > width
    kept: list[RungPlan] = []
    for rung in rungs:
        box_w, box_h = (rung.height, rung.width) if portrait else (rung.width, rung.height)
        scale = min(box_w / width, box_h / height)
        if scale > UPSCALE_TOLERANCE:
            continue
        scale = min(scale, 1.0)
        kept.append(_rung(rung, even(width * scale, width), even(height * scale, height)))
    if not kept:
        # A source smaller than every box still needs one rendition: the smallest rung's
        # settings at the source's own size.
        kept.append(_rung(rungs[-1], even(width, width), even(height, height)))
    unique: dict[tuple[int, int], RungPlan] = {}
    for plan in kept:
        unique.setdefault((plan.width, plan.height), plan)
    return list(unique.values())


def _rung(spec: RungSpec, width: int, height: int) -> RungPlan:
    return RungPlan(
        # Named by what it holds, in the one vocabulary: a 640x272 scope picture from the
        # "360p" box is 272p, the preview of a 640x360 source is 360p, not the box's name.
        name=rung_label(width, height),
        width=width,
        height=height,
        video_bitrate_k=spec.video_bitrate_k,
        maxrate_k=spec.maxrate,
        bufsize_k=spec.bufsize,
        profile=spec.profile,
        crf=spec.crf,
        ssim_floor=spec.ssim_floor,
    )


def choose_frame_rate(video: StreamInfo, max_rate: float) -> Fraction:
    measured = parse_rate(video.avg_frame_rate) or parse_rate(video.r_frame_rate)
    if measured is None or not 1.0 <= measured <= 1000.0:
        return FALLBACK_RATE
    rate = Fraction(measured).limit_denominator(1001)
    # 120 fps becomes 60 and 119.88 becomes 59.94: halving keeps the cadence smooth.
    while rate > Fraction(max_rate).limit_denominator(1001) + Fraction(1, 1000):
        rate /= 2
    nearest = min(STANDARD_RATES, key=lambda s: abs(rate - s))
    if abs(rate - nearest) / nearest < Fraction(1, 100):
        return nearest
    return Fraction(round(float(rate) * 1000), 1000).limit_denominator(1001)


def plan_audio(info: MediaInfo, preset: AudioHlsPreset) -> AudioPlan | None:
    audio = info.audio
    if audio is None:
        return None
    language = language_tag(audio.language)
    return AudioPlan(
        stream_index=audio.index,
        bitrate_k=preset.bitrate_k,
        channels=min(preset.channels, audio.channels or preset.channels),
        sample_rate=preset.sample_rate,
        group_id=preset.group_id,
        name=preset.name,
        language=language,
    )


def expected_duration(info: MediaInfo, max_duration_s: float | None) -> float:
    duration = info.duration or 0.0
    if duration <= 0:
        raise InvalidInput("the source has no known duration", code=ErrorCode.INVALID_MEDIA)
    return min(duration, max_duration_s) if max_duration_s else duration


def plan_ladder(
    preset: LadderPreset,
    audio_preset: AudioHlsPreset | None,
    info: MediaInfo,
    digests: dict[int, str] | None = None,
) -> LadderPlan:
    video = info.video
    if video is None:
        raise InvalidInput("no video stream to make a ladder from", code=ErrorCode.NO_VIDEO_STREAM)
    width, height = display_size(video)
    rate = choose_frame_rate(video, preset.max_frame_rate)
    gop = max(1, math.ceil(float(rate) * preset.keyframe_interval_s - 1e-6))
    tracks = plan_audio_tracks(info, audio_preset, digests) if audio_preset else NO_TRACKS
    return LadderPlan(
        video_stream_index=video.index,
        rungs=tuple(choose_rungs(preset.rungs, width, height)),
        frame_rate=rate,
        gop_frames=gop,
        keyframe_interval_s=preset.keyframe_interval_s,
        segment_seconds=preset.segment_seconds,
        segment_format=preset.segment_format,
        x264_preset=preset.x264_preset,
        audio=tracks.stereo[0] if tracks.stereo else None,
        duration=expected_duration(info, preset.max_duration_s),
        max_duration_s=preset.max_duration_s,
        deinterlace=info.deinterlace,
        tonemap=_tonemap(video),
        hdr_rungs=_hdr_rungs(preset, video, width, height),
        hdr_transfer=hdr_transfer(video),
        tracks=tracks,
    )


def _hdr_rungs(
    preset: LadderPreset, video: StreamInfo, width: int, height: int
) -> tuple[RungPlan, ...]:
    if not preset.hdr_rungs or hdr_transfer(video) is None:
        return ()
    return tuple(
        replace(rung, name=f"{rung.name}_hdr", codec="hevc", profile="main10")
        for rung in choose_rungs(preset.hdr_rungs, width, height)
    )


def _tonemap(video: StreamInfo) -> tuple[tuple[str, dict[str, str]], ...]:
    transfer = hdr_transfer(video)
    return tuple(tonemap_steps(video, transfer)) if transfer else ()


# Subtitle codecs ffmpeg decodes to pictures (bitmaps with a palette and a canvas).
PICTURE_SUBTITLE_CODECS = frozenset({"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"})


def _wanted(spec: BurnInSpec, stream: StreamInfo) -> bool:
    if (stream.codec or "") not in PICTURE_SUBTITLE_CODECS:
        return False
    if spec.tracks == "forced" and not stream.forced:
        return False
    if spec.languages:
        wanted = {language_tag(lang) or lang.lower() for lang in spec.languages}
        return language_tag(stream.language) in wanted
    return True


def plan_burn_in(plan: LadderPlan, spec: BurnInSpec, info: MediaInfo) -> LadderPlan:
    """The plan with the picture subtitle streams the preset burns in, each into a copy
    of the largest kept rung whose short side is at most ``max_height`` (the smallest
    rung when none is). Chosen after the per-title step, from the rungs it kept."""
    if spec.tracks == "off" or not plan.rungs:
        return plan
    streams = [s for s in info.subtitle_streams if _wanted(spec, s)][: spec.max_tracks]
    if not streams:
        return plan
    fitting = [r for r in plan.rungs if min(r.width, r.height) <= spec.max_height]
    base = fitting[0] if fitting else plan.rungs[-1]
    burned = tuple(
        BurnedRung(
            rung=replace(base, name=f"burned_{n}", ssim_floor=None),
            source_rung=base.name,
            stream_index=stream.index,
            label=track_label(
                language_tag(stream.language),
                unknown=SUBTITLE_TRACK,
                title=stream.title,
                forced=stream.forced,
                burned_in=True,
            ),
            language=language_tag(stream.language),
            forced=stream.forced,
            placement=subtitle_placement(
                (stream.width, stream.height), _video_size(info), (base.width, base.height)
            ),
        )
        for n, stream in enumerate(streams, start=1)
    )
    return replace(plan, burned=burned)


def _video_size(info: MediaInfo) -> tuple[int | None, int | None]:
    video = info.video
    return (video.width, video.height) if video is not None else (None, None)


def subtitle_placement(
    canvas: tuple[int | None, int | None],
    video: tuple[int | None, int | None],
    rung: tuple[int, int],
) -> tuple[int, int, int, int] | None:
    """Where a picture subtitle's canvas goes in a rung, its shape kept.

    A canvas is authored in the picture's own pixels, so it is scaled as the picture
    is. One of another shape (a 1920x1080 Blu-ray canvas over a video cropped to
    1920x800) is fitted inside the rung and centred, as MPC-HC draws it: the subtitle
    comes out smaller but undistorted and inside the picture, where stretching the
    canvas over the rung would squeeze its letters. None: same shape, or sizes unknown
    (ffmpeg then uses the video's size), so the canvas covers the rung.
    """
    (cw, ch), (vw, vh) = canvas, video
    width, height = rung
    if not (cw and ch and vw and vh):
        return None
    scaled_w, scaled_h = cw * width / vw, ch * height / vh
    k = min(width / scaled_w, height / scaled_h)
    w, h = min(width, round(scaled_w * k)), min(height, round(scaled_h * k))
    if abs(w - width) <= 1 and abs(h - height) <= 1:
        return None
    return (w, h, (width - w) // 2, (height - h) // 2)
