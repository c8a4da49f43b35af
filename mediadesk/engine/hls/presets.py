"""Preset models for HLS outputs (``presets/hls/*.json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mediadesk.engine.preset_base import PresetBase

SegmentFormat = Literal["mpegts", "fmp4"]
X264Preset = Literal[
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower"
]
# Directory names the ladder must leave alone (the preview and the audio group).
RESERVED_NAMES = frozenset({"preview", "audio"})


class RungSpec(BaseModel):
    """One video rendition, described for a landscape source.

    ``width`` x ``height`` is the box the picture must fit in; portrait sources use
    the box turned on its side, so "1080p" means 1080 pixels on the short side.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]{1,16}$")
    width: int = Field(ge=64, le=7680)
    height: int = Field(ge=64, le=4320)
    video_bitrate_k: int = Field(ge=50, le=100_000)
    maxrate_k: int | None = Field(default=None, ge=50, le=200_000)
    bufsize_k: int | None = Field(default=None, ge=50, le=400_000)
    profile: Literal["baseline", "main", "high"] = "high"
    # Capped CRF: a constant quality (x264 CRF; the hardware encoders' equivalents are
    # mapped in engine/encoders.py) with ``video_bitrate_k`` as the ceiling. None keeps
    # the rung at a target bitrate (ladder_v1).
    crf: int | None = Field(default=None, ge=0, le=51)
    # The least mean SSIM the rung may measure against the source scaled to its size.
    ssim_floor: float | None = Field(default=None, gt=0, lt=1)

    @property
    def maxrate(self) -> int:
        if self.crf is not None:
            # By quality, the rung's bitrate is its ceiling.
            return self.maxrate_k or self.video_bitrate_k
        # A 7% ceiling over the target keeps peaks (and BANDWIDTH) close to the label.
        return self.maxrate_k or round(self.video_bitrate_k * 1.07)

    @property
    def bufsize(self) -> int:
        if self.crf is not None:
            # One second at the ceiling: any run of segments lasting 0.5-1.5 target
            # durations (RFC 8216 4.3.4.2's window, 3-9 s for 6 s segments) then
            # averages at most maxrate * (1 + 1/3), a 6 s segment maxrate * 1.17.
            return self.bufsize_k or self.maxrate
        return self.bufsize_k or round(self.video_bitrate_k * 1.5)


class BurnInSpec(BaseModel):
    """Picture subtitles (PGS, VobSub, DVB) burned into the picture of an extra variant.

    They cannot become WebVTT, so a player can only show them drawn into the picture.
    Each burned track gets a master playlist of its own (one rung plus the ladder's
    audio), never a variant of the main master: ABR must not switch between subtitled
    and clean pictures.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Which picture subtitle streams: none, those flagged forced (signs and foreign
    # dialogue people need to follow the film), or every one.
    tracks: Literal["off", "forced", "all"] = "off"
    # Only streams in these languages (RFC 5646 tags or ISO 639-2 codes: "de", "ger");
    # empty: any language.
    languages: list[str] = Field(default_factory=list, max_length=16)
    # Each burned track is one more encode of a rung: the cost is capped.
    max_tracks: int = Field(default=2, ge=1, le=8)
    # The burned picture is the largest kept rung whose short side is at most this.
    max_height: int = Field(default=720, ge=144, le=2160)


class AudioHlsPreset(PresetBase):
    """AAC for audio-only HLS and for the shared audio group of a ladder."""

    kind: Literal["audio_hls"] = "audio_hls"
    codec: Literal["aac"] = "aac"
    bitrate_k: int = Field(default=128, ge=32, le=512)
    channels: int = Field(default=2, ge=1, le=2)
    sample_rate: int = Field(default=48_000, ge=8_000, le=96_000)
    segment_seconds: float = Field(default=6.0, ge=1.0, le=30.0)
    segment_format: SegmentFormat = "mpegts"
    group_id: str = Field(default="aud", pattern=r"^[a-z0-9_]{1,32}$")
    name: str = Field(default="audio", pattern=r"^[a-z0-9_]{1,32}$")
    # Audio tracks a ladder keeps (the default first, then in source order).
    max_tracks: int = Field(default=8, ge=1, le=16)
    # A source track with more than two channels also gets a 5.1 AAC rendition at this
    # rate in a group of its own; 0 leaves surround out.
    surround_bitrate_k: int = Field(default=384, ge=0, le=1024)


class LadderPreset(PresetBase):
    """An adaptive ladder: H.264 rungs plus one shared audio rendition."""

    kind: Literal["hls_ladder"] = "hls_ladder"
    rungs: list[RungSpec] = Field(min_length=1, max_length=12)
    # An ``audio_hls`` preset id for the audio group, or None for video only.
    audio: str | None = "hls/audio_v1"
    segment_seconds: float = Field(default=6.0, ge=1.0, le=30.0)
    keyframe_interval_s: float = Field(default=2.0, ge=0.5, le=10.0)
    segment_format: SegmentFormat = "mpegts"
    x264_preset: X264Preset = "veryfast"
    max_frame_rate: float = Field(default=60.0, ge=10.0, le=120.0)
    # Encode only the first N seconds (the preview); None encodes everything.
    max_duration_s: float | None = Field(default=None, gt=0)
    # HEVC Main10 rungs kept in HDR (PQ or HLG, hvc1) for clients that can show them,
    # made only for HDR sources, beside the tone-mapped H.264 rungs. fMP4 segments only
    # (Apple's HLS authoring specification: HEVC in fMP4).
    hdr_rungs: list[RungSpec] = Field(default_factory=list, max_length=6)
    # Per-title ladder: probe encodes of sampled chunks predict each rung's bitrate and
    # rungs that would give a player nothing are dropped (engine/hls/pertitle.py).
    per_title: bool = False
    # A rendition under its ``ssim_floor`` is encoded once more at CRF minus this.
    floor_retry_crf_step: int = Field(default=4, ge=1, le=20)
    # Picture subtitles burned into extra variants (off unless the preset says so).
    burn_in: BurnInSpec = Field(default_factory=BurnInSpec)

    @model_validator(mode="after")
    def _consistent(self) -> LadderPreset:
        names = [r.name for r in self.rungs]
        if len(set(names)) != len(names):
            raise ValueError("rung names must be unique")
        if RESERVED_NAMES & set(names):
            raise ValueError(f"rung names may not be {sorted(RESERVED_NAMES)}")
        heights = [r.height for r in self.rungs]
        if heights != sorted(heights, reverse=True) or len(set(heights)) != len(heights):
            raise ValueError("rungs must be listed from the tallest down, heights distinct")
        if self.hdr_rungs and self.segment_format != "fmp4":
            raise ValueError("hdr_rungs need segment_format fmp4 (HEVC in HLS is fMP4)")
        if self.burn_in.tracks != "off" and self.max_duration_s:
            raise ValueError("burn_in is for full ladders, not a preview (max_duration_s)")
        if self.per_title and any(r.crf is None for r in self.rungs):
            raise ValueError("a per-title ladder needs a crf on every rung")
        ratio = self.segment_seconds / self.keyframe_interval_s
        if abs(ratio - round(ratio)) > 1e-6:
            raise ValueError("segment_seconds must be a multiple of keyframe_interval_s")
        return self
