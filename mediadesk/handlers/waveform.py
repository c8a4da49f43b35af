"""``waveform``: peaks JSON (BBC audiowaveform format) and a PNG, in one decode."""

from __future__ import annotations

from mediadesk.domain.enums import ArtifactKind
from mediadesk.engine.verify_image import image_size
from mediadesk.engine.waveform import (
    JSON_NAME,
    PNG_NAME,
    PeakAccumulator,
    WaveformPreset,
    pcm_argv,
    plan_waveform,
    render_png,
    write_json,
)
from mediadesk.errors import ErrorCode, VerificationFailed
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.encoding import load_step_preset, preset_artifact, probe_of
from mediadesk.handlers.inputs import PresetInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import Outcome, PublishSpec
from mediadesk.storage import keys


class WaveformJob(JobType[PresetInput]):
    name = "waveform"
    input_model = PresetInput
    base_timeout_s = 300.0
    timeout_per_media_second = 0.5

    def run(self, ctx: JobContext, inp: PresetInput) -> Outcome:
        media = media_of(ctx)
        info = probe_of(media)
        preset_id, preset = load_step_preset(ctx, inp.preset, "waveform/peaks_v1", WaveformPreset)
        plan = plan_waveform(info, preset)
        source, container = open_original(ctx)
        expected = max(1, round(plan.duration * plan.sample_rate))

        def progress(samples: int) -> None:
            ctx.report(min(95.0, 95.0 * samples / expected))

        peaks = PeakAccumulator(plan.samples_per_pixel, plan.bits, progress)
        ctx.run(
            pcm_argv(ctx.ffmpeg.ffmpeg, source, container, plan),
            stdout_sink=peaks.sink,
            what="ffmpeg (PCM decode)",
        )
        mins, maxs = peaks.finish()
        decoded = peaks.samples / plan.sample_rate
        if plan.duration and abs(decoded - plan.duration) > max(1.0, 0.02 * plan.duration):
            raise VerificationFailed(
                f"decoded {decoded:.2f}s of audio but the source lasts {plan.duration:.2f}s",
                code=ErrorCode.DURATION_MISMATCH,
            )
        out = ctx.scratch / "out"
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / JSON_NAME, mins, maxs, plan)
        width, height = render_png(out / PNG_NAME, mins, maxs, plan.bits, preset)
        image_size(out / PNG_NAME)
        ctx.report(100.0, 0.0)
        prefix = keys.waveform_dir(media.id)
        params = {
            "sample_rate": plan.sample_rate,
            "samples_per_pixel": plan.samples_per_pixel,
            "bits": plan.bits,
            "length": int(mins.size),
            "duration": round(decoded, 3),
        }
        return Outcome(
            result=params,
            publish=[PublishSpec(out, prefix)],
            artifacts=[
                preset_artifact(
                    ArtifactKind.WAVEFORM_JSON,
                    f"{prefix}/{JSON_NAME}",
                    out / JSON_NAME,
                    params,
                    preset_id,
                    preset,
                ),
                preset_artifact(
                    ArtifactKind.WAVEFORM_PNG,
                    f"{prefix}/{PNG_NAME}",
                    out / PNG_NAME,
                    {"width": width, "height": height},
                    preset_id,
                    preset,
                ),
            ],
            replaces=(ArtifactKind.WAVEFORM_JSON, ArtifactKind.WAVEFORM_PNG),
        )
