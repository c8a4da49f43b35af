"""``trickplay``: scrub-preview sheets every 10 seconds with a WebVTT index."""

from __future__ import annotations

from mediadesk.domain.enums import ArtifactKind
from mediadesk.engine.trickplay import (
    INDEX_NAME,
    TrickplayPreset,
    build_sheets,
    frames_argv,
    plan_trickplay,
    verify_sheets,
)
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.encoding import load_step_preset, preset_artifact, probe_of
from mediadesk.handlers.inputs import PresetInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import Outcome, PublishSpec
from mediadesk.storage import keys


class TrickplayJob(JobType[PresetInput]):
    name = "trickplay"
    input_model = PresetInput
    base_timeout_s = 300.0
    timeout_per_media_second = 2.0

    def run(self, ctx: JobContext, inp: PresetInput) -> Outcome:
        media = media_of(ctx)
        info = probe_of(media)
        preset_id, preset = load_step_preset(ctx, inp.preset, "trickplay/tiles_v1", TrickplayPreset)
        plan = plan_trickplay(info, preset)
        source, container = open_original(ctx)
        frames, out = ctx.scratch / "frames", ctx.scratch / "out"
        frames.mkdir(parents=True, exist_ok=True)
        ctx.encoder = "mjpeg"
        argv = frames_argv(
            ctx.ffmpeg.ffmpeg, source, container, plan, frames, preset.keyframes_only
        )
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
            publish=[PublishSpec(out, prefix, entry_last=(INDEX_NAME,))],
            artifacts=[
                preset_artifact(
                    ArtifactKind.TRICKPLAY, f"{prefix}/{INDEX_NAME}", out, params, preset_id, preset
                )
            ],
            replaces=(ArtifactKind.TRICKPLAY,),
        )
