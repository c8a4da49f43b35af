"""``trickplay``: scrub-preview sheets every 10 seconds with a WebVTT index."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from mediadesk.domain.enums import ArtifactKind
from mediadesk.engine.hls.images import (
    IMAGES_PLAYLIST,
    image_playlist,
    image_stream_line,
    with_image_stream,
)
from mediadesk.engine.hls.master import MASTER
from mediadesk.engine.sniff import MP4, MPEGTS
from mediadesk.engine.trickplay import (
    INDEX_NAME,
    Tile,
    TrickplayPlan,
    TrickplayPreset,
    build_sheets,
    frames_argv,
    image_sheets,
    plan_trickplay,
    verify_sheets,
)
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.derived import copy_rendition, joined, published_ladder
from mediadesk.handlers.encoding import load_step_preset, preset_artifact, probe_of
from mediadesk.handlers.inputs import PresetInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import Outcome, PublishSpec
from mediadesk.storage import keys


def image_rendition(
    ctx: JobContext,
    media_id: str,
    out: Path,
    tiles: list[Tile],
    plan: TrickplayPlan,
    preset: TrickplayPreset,
) -> PublishSpec:
    """``hls/{id}/thumbs/`` (an image media playlist over the same sheets) and, when the
    ladder is there, its master with the ``#EXT-X-IMAGE-STREAM-INF`` entry."""
    tree = ctx.scratch / "hls"
    images = tree / keys.leaf(keys.hls_images_dir(media_id))
    images.mkdir(parents=True, exist_ok=True)
    sheets = image_sheets(out, tiles, plan, preset)
    for sheet in sheets:
        os.link(out / sheet.uri, images / sheet.uri)  # same bytes, no copy
    (images / IMAGES_PLAYLIST).write_text(image_playlist(sheets, plan.width, plan.height))
    line = image_stream_line(sheets, plan.width, plan.height)
    entry: list[str] = []
    # The main master and each burned-in subtitle's (they seek with the same pictures).
    for name in (MASTER, *burned_masters(ctx)):
        master_key = f"{keys.hls_dir(media_id)}/{name}"
        if not ctx.storage.exists(master_key):
            continue
        with ctx.storage.open_read(master_key) as fh:
            text = fh.read().decode("utf-8")
        (tree / name).write_text(with_image_stream(text, line), "utf-8")
        entry.append(name)
    return PublishSpec(tree, keys.hls_dir(media_id), entry_last=tuple(entry))


def burned_masters(ctx: JobContext) -> list[str]:
    """``master.burned_N.m3u8`` names of the ladder the media file has now."""
    media = ctx.media
    return [
        keys.leaf(a.storage_key)
        for a in (media.artifacts or [] if media is not None else [])
        if a.kind == ArtifactKind.BURNED_SUBTITLES
    ]


class TrickplayJob(JobType[PresetInput]):
    name = "trickplay"
    input_model = PresetInput
    exclusive = keys.MASTER_WRITERS
    base_timeout_s = 300.0
    timeout_per_media_second = 2.0

    def run(self, ctx: JobContext, inp: PresetInput) -> Outcome:
        media = media_of(ctx)
        info = probe_of(media)
        preset_id, preset = load_step_preset(ctx, inp.preset, "trickplay/tiles_v1", TrickplayPreset)
        plan = plan_trickplay(info, preset)
        keyframes_only = preset.keyframes_only
        ladder = published_ladder(ctx, media.id)
        if ladder is not None:
            # The smallest rung instead of the full-size source, keyframes only: the
            # ladder's keyframes sit every 2 s, on the multiples of the interval. Its
            # pictures are already deinterlaced and tone-mapped.
            rung = ladder.smallest
            rung_dir = ctx.scratch / "rung"
            playlist = copy_rendition(ctx, media.id, rung.uri, rung_dir)
            fmp4 = playlist.init_uri is not None
            source = joined(rung_dir, playlist, ctx.scratch / ("rung.mp4" if fmp4 else "rung.ts"))
            container = MP4 if fmp4 else MPEGTS
            plan = replace(plan, video_stream_index=0, deinterlace=None, tonemap=())
            keyframes_only = True
            ctx.note(f"frames from the {rung.width}x{rung.height} rendition, keyframes only")
        else:
            source, container = open_original(ctx)
        frames, out = ctx.scratch / "frames", ctx.scratch / "out"
        frames.mkdir(parents=True, exist_ok=True)
        ctx.encoder = "mjpeg"
        argv = frames_argv(ctx.ffmpeg.ffmpeg, source, container, plan, frames, keyframes_only)
        ctx.run(argv, expected_duration=plan.duration, progress_range=(0.0, 90.0))
        tiles = build_sheets(frames, out, plan, preset)
        sheets = verify_sheets(out, tiles, plan)
        ctx.report(100.0, 0.0)
        prefix = keys.trickplay_dir(media.id)
        params = {
            "interval_s": plan.interval_s,
            "tile_width": plan.width,
            "tile_height": plan.height,
            "columns": preset.columns,
            "rows": preset.rows,
            "thumbnails": len(tiles),
            "sheets": sheets,
        }
        return Outcome(
            result=params,
            publish=[
                PublishSpec(out, prefix, entry_last=(INDEX_NAME,)),
                image_rendition(ctx, media.id, out, tiles, plan, preset),
            ],
            artifacts=[
                preset_artifact(
                    ArtifactKind.TRICKPLAY, f"{prefix}/{INDEX_NAME}", out, params, preset_id, preset
                )
            ],
            replaces=(ArtifactKind.TRICKPLAY,),
        )
