"""``image_variants``: 1200, 600 and 150 px WebP from an image, orientation applied."""

from __future__ import annotations

from mediadesk.domain.enums import ArtifactKind
from mediadesk.engine.images import ImageVariantsPreset, make_variants
from mediadesk.engine.verify_image import image_size
from mediadesk.errors import ErrorCode, VerificationFailed
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.encoding import load_step_preset, preset_artifact
from mediadesk.handlers.inputs import PresetInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import Outcome, PublishSpec
from mediadesk.storage import keys


class ImageVariantsJob(JobType[PresetInput]):
    name = "image_variants"
    input_model = PresetInput
    base_timeout_s = 120.0

    def run(self, ctx: JobContext, inp: PresetInput) -> Outcome:
        media = media_of(ctx)
        preset_id, preset = load_step_preset(ctx, inp.preset, "images/webp_v1", ImageVariantsPreset)
        source, container = open_original(ctx)
        out = ctx.scratch / "out"
        ctx.encoder = "libwebp"
        variants = make_variants(source, container, preset, out)
        for v in variants:
            if image_size(v.path) != (v.width, v.height):
                raise VerificationFailed(
                    f"{v.path.name} is not {v.width}x{v.height}", code=ErrorCode.VERIFY_FAILED
                )
        ctx.report(100.0, 0.0)
        prefix = keys.images_dir(media.id)
        return Outcome(
            result={
                "variants": [
                    {"size": v.size, "width": v.width, "height": v.height} for v in variants
                ]
            },
            publish=[PublishSpec(out, prefix)],
            artifacts=[
                preset_artifact(
                    ArtifactKind.IMAGE_VARIANT,
                    f"{prefix}/{v.path.name}",
                    v.path,
                    {"size": v.size, "width": v.width, "height": v.height, "format": "webp"},
                    preset_id,
                    preset,
                )
                for v in variants
            ],
            replaces=(ArtifactKind.IMAGE_VARIANT,),
        )
