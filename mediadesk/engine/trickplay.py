"""Trickplay: a frame every N seconds, tiled into JPEG sheets, indexed by WebVTT.

ffmpeg decodes once and writes small JPEGs (``fps=1/N`` then scale); Pillow tiles
them, so the number of thumbnails is exactly what was produced and the last sheet has
no padding cells. Players read the VTT: each cue names a sheet and a rectangle
(``sheet_000.jpg#xywh=x,y,w,h``), the convention of JW Player, Video.js and Jellyfin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import ffmpeg
from PIL import Image
from pydantic import Field

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.graph import compile_graph, source
from mediadesk.engine.hls.plan import display_size, even, expected_duration
from mediadesk.engine.preset_base import PresetBase
from mediadesk.engine.sniff import Container
from mediadesk.engine.verify_image import image_size
from mediadesk.errors import ErrorCode, InvalidInput, VerificationFailed

INDEX_NAME = "thumbnails.vtt"
FRAME_PATTERN = "f_%05d.jpg"


class TrickplayPreset(PresetBase):
    kind: Literal["trickplay"] = "trickplay"
    interval_s: float = Field(default=10.0, ge=1.0, le=600.0)
    tile_width: int = Field(default=320, ge=64, le=640)
    columns: int = Field(default=5, ge=1, le=20)
    rows: int = Field(default=5, ge=1, le=20)
    jpeg_quality: int = Field(default=80, ge=30, le=95)
    # Decode keyframes only: far faster on long films, frames up to a GOP off.
    keyframes_only: bool = False


@dataclass(frozen=True)
class TrickplayPlan:
    video_stream_index: int
    interval_s: float
    width: int
    height: int
    duration: float


@dataclass(frozen=True)
class Tile:
    sheet: str
    x: int
    y: int
    start: float
    end: float


def plan_trickplay(info: MediaInfo, preset: TrickplayPreset) -> TrickplayPlan:
    video = info.video
    if video is None:
        raise InvalidInput("no video stream for trickplay", code=ErrorCode.NO_VIDEO_STREAM)
    duration = expected_duration(info, None)
    width, height = display_size(video)
    # Fit a square box of tile_width: landscape tiles are tile_width wide, portrait
    # ones tile_width tall; never larger than the source.
    scale = min(1.0, preset.tile_width / max(width, height))
    return TrickplayPlan(
        video_stream_index=video.index,
        interval_s=preset.interval_s,
        width=even(width * scale, width),
        height=even(height * scale, height),
        duration=duration,
    )


def frames_argv(
    ffmpeg_bin: str,
    path: Path,
    container: Container,
    plan: TrickplayPlan,
    frames_dir: Path,
    keyframes_only: bool = False,
) -> list[str]:
    rate = Fraction(1) / Fraction(plan.interval_s).limit_denominator(1000)
    stream = (
        source()[str(plan.video_stream_index)]
        # round=up emits the frame at or just after each multiple of the interval (t=0,
        # 10, 20...); the default rounding takes frames mid-interval and emits nothing
        # at all for a clip shorter than one interval. start_time=0 anchors that grid at
        # 0: without it a video starting at 0.023 s (a remuxed mp4 in Matroska) puts the
        # first slot at 10 s, past the end of a short clip, and no frame comes out.
        .filter("fps", fps=str(rate), round="up", start_time="0")
        .filter("scale", w=str(plan.width), h=str(plan.height))
        .filter("setsar", "1")
    )
    output = ffmpeg.output(stream, str(frames_dir / FRAME_PATTERN), **{"q:v": "3", "f": "image2"})
    before = ["-skip_frame", "nokey"] if keyframes_only else []
    return compile_graph(ffmpeg_bin, output, path, container, before_input=before)


def layout(count: int, plan: TrickplayPlan, columns: int, rows: int) -> list[Tile]:
    per_sheet = columns * rows
    tiles = []
    for i in range(count):
        start = i * plan.interval_s
        if i > 0 and start >= plan.duration:
            break  # the fps filter may round one frame past the end
        end = min(plan.duration, start + plan.interval_s)
        cell = i % per_sheet
        tiles.append(
            Tile(
                sheet=f"sheet_{i // per_sheet:03d}.jpg",
                x=(cell % columns) * plan.width,
                y=(cell // columns) * plan.height,
                start=start,
                end=max(end, start + 0.001),
            )
        )
    return tiles


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def webvtt(tiles: list[Tile], width: int, height: int) -> str:
    lines = ["WEBVTT", ""]
    for tile in tiles:
        lines += [
            f"{_stamp(tile.start)} --> {_stamp(tile.end)}",
            f"{tile.sheet}#xywh={tile.x},{tile.y},{width},{height}",
            "",
        ]
    return "\n".join(lines)


def build_sheets(
    frames_dir: Path, out_dir: Path, plan: TrickplayPlan, preset: TrickplayPreset
) -> list[Tile]:
    frames = sorted(frames_dir.glob("f_*.jpg"))
    if not frames:
        raise VerificationFailed(
            "no trickplay frame was produced", code=ErrorCode.OUTPUT_UNDECODABLE
        )
    tiles = layout(len(frames), plan, preset.columns, preset.rows)
    per_sheet = preset.columns * preset.rows
    out_dir.mkdir(parents=True, exist_ok=True)
    for first in range(0, len(tiles), per_sheet):
        group = tiles[first : first + per_sheet]
        cols = min(preset.columns, len(group))
        sheet_rows = math.ceil(len(group) / preset.columns)
        sheet = Image.new("RGB", (cols * plan.width, sheet_rows * plan.height))
        for tile, frame in zip(group, frames[first : first + per_sheet], strict=True):
            with Image.open(frame, formats=["JPEG"]) as img:
                thumb = img.convert("RGB")
            if thumb.size != (plan.width, plan.height):
                thumb = thumb.resize((plan.width, plan.height))
            sheet.paste(thumb, (tile.x, tile.y))
        sheet.save(out_dir / group[0].sheet, "JPEG", quality=preset.jpeg_quality)
    (out_dir / INDEX_NAME).write_text(webvtt(tiles, plan.width, plan.height), "utf-8")
    return tiles


def verify_sheets(out_dir: Path, tiles: list[Tile], plan: TrickplayPlan) -> list[str]:
    sheets = sorted({t.sheet for t in tiles})
    for name in sheets:
        width, height = image_size(out_dir / name)
        needed = [t for t in tiles if t.sheet == name]
        if any(t.x + plan.width > width or t.y + plan.height > height for t in needed):
            raise VerificationFailed(
                f"{name} is smaller than its tiles", code=ErrorCode.OUTPUT_UNDECODABLE
            )
    if abs(tiles[-1].end - plan.duration) > plan.interval_s:
        raise VerificationFailed(
            f"trickplay covers {tiles[-1].end:.1f}s of {plan.duration:.1f}s",
            code=ErrorCode.DURATION_MISMATCH,
        )
    return sheets
