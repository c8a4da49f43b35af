"""``hls`` (the adaptive ladder) and ``preview`` (its first 30 seconds as a small HLS)."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field

from mediadesk.domain.enums import ArtifactKind
from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.images import IMAGES_PLAYLIST, line_from_playlist, with_image_stream
from mediadesk.engine.hls.ladder import HlsOutput
from mediadesk.engine.hls.master import MASTER
from mediadesk.engine.hls.plan import LadderPlan, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.hls.quality import RungQuality
from mediadesk.engine.presets import load_typed
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.derived import preview_from_ladder
from mediadesk.handlers.encoding import load_step_preset, preset_artifact, probe_of
from mediadesk.handlers.inputs import PresetInput
from mediadesk.handlers.ladder_quality import encode_ladder, per_title
from mediadesk.handlers.probe import step_spec
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import ArtifactSpec, Outcome, PublishSpec
from mediadesk.library.views import MediaFileView
from mediadesk.storage import keys


@dataclass(frozen=True)
class LadderResult:
    """One finished, verified ladder and how it was made."""

    preset_id: str
    preset: LadderPreset
    plan: LadderPlan
    output: HlsOutput
    quality: dict[str, RungQuality]

    def artifact(
        self, kind: ArtifactKind, key: str, name: str, params: dict[str, Any]
    ) -> ArtifactSpec:
        path = self.output.out_dir / name
        return preset_artifact(kind, key, path, params, self.preset_id, self.preset)

    def summary(self) -> dict[str, Any]:
        plan, output = self.plan, self.output
        return {
            "preset": self.preset_id,
            "preset_version": self.preset.version,
            "segment_format": plan.segment_format,
            "frame_rate": round(float(plan.frame_rate), 3),
            "gop_frames": plan.gop_frames,
            "duration": round(plan.duration, 3),
            "rungs": [
                {
                    "name": r.name,
                    "width": r.first.width,
                    "height": r.first.height,
                    "segments": len(r.playlist.segments),
                    "duration": round(r.duration, 3),
                    **(
                        {"quality": self.quality[r.name].as_params()}
                        if r.name in self.quality
                        else {}
                    ),
                }
                for r in output.rungs
            ],
            "variants": [
                {"uri": v.uri, "bandwidth": v.bandwidth, "codecs": v.codecs}
                for v in output.variants
            ],
            "audio": output.audio is not None,
        }


def publish_spec(output: HlsOutput, prefix: str, keep: tuple[str, ...] = ()) -> PublishSpec:
    """Rendition directories, then the master: the ladder under ``hls/{id}`` and the
    preview under ``hls/{id}/preview`` swap only their own entries. Rungs an earlier
    run published and this one did not (a replay with another preset) are removed;
    ``keep`` names what other jobs publish under the same prefix."""
    return PublishSpec(output.out_dir, prefix, entry_last=(MASTER,), prune=True, keep=keep)


def quality_params(done: LadderResult, name: str) -> dict[str, Any]:
    """The rendition's measured quality and its floor, for the artifact row."""
    measured = done.quality.get(name)
    if measured is None:
        return {}
    floor = next((r.ssim_floor for r in done.plan.rungs if r.name == name), None)
    crf = next((r.crf for r in done.plan.rungs if r.name == name), None)
    return {"quality": {**measured.as_params(), "ssim_floor": floor, "crf": crf}}


class LadderInput(PresetInput):
    # Pipeline steps that read the ladder's output, started once it has committed.
    then: list[str] = Field(default_factory=list)


class LadderJob(JobType[LadderInput]):
    """Shared by ``hls`` and ``preview``: plan, encode (hardware then CPU), verify."""

    input_model = LadderInput
    default_preset: ClassVar[str]
    base_timeout_s = 600.0
    # About 1x realtime for a 1080p ladder on two cores; ten times that is a stall.
    timeout_per_media_second = 10.0
    # Measure each rendition's quality against the source (the preview does not).
    measure_quality: ClassVar[bool] = True

    def run(self, ctx: JobContext, inp: LadderInput) -> Outcome:
        media = media_of(ctx)
        info = probe_of(media)
        preset_id, preset = load_step_preset(ctx, inp.preset, self.default_preset, LadderPreset)
        audio_preset = load_typed(preset.audio, AudioHlsPreset) if preset.audio else None
        plan = plan_ladder(preset, audio_preset, info)
        source, container = open_original(ctx)
        plan = per_title(ctx, preset, plan, source, container)
        ctx.note(
            "rungs: "
            + ", ".join(f"{r.name} {r.width}x{r.height}" for r in plan.rungs)
            + f"; {float(plan.frame_rate):.3f} fps, GOP {plan.gop_frames}"
            + ("; shared audio rendition" if plan.audio else "; no audio")
        )
        done = encode_ladder(ctx, preset, plan, source, container, self.measure_quality)
        self.amend_master(ctx, media, done.output)
        ctx.report(100.0, 0.0)
        outcome = self.outcome(
            media, LadderResult(preset_id, preset, done.plan, done.output, done.quality)
        )
        outcome.follow_ups += [step_spec(media.id, step, []) for step in inp.then]
        return outcome

    def amend_master(self, ctx: JobContext, media: MediaFileView, output: HlsOutput) -> None:
        """Add to the written master what other steps published beside the ladder."""

    @abstractmethod
    def outcome(self, media: MediaFileView, done: LadderResult) -> Outcome:
        """What to publish and record for this step."""


class HlsJob(LadderJob):
    name = "hls"
    default_preset = "hls/ladder_v2"

    def amend_master(self, ctx: JobContext, media: MediaFileView, output: HlsOutput) -> None:
        # A ladder made again after the trickplay keeps advertising its image playlist.
        images = keys.hls_images_dir(media.id)
        playlist_key = f"{images}/{IMAGES_PLAYLIST}"
        if not ctx.storage.exists(playlist_key):
            return
        with ctx.storage.open_read(playlist_key) as fh:
            text = fh.read().decode("utf-8")
        sizes = {
            keys.leaf(o.key): o.size
            for o in ctx.storage.list(images)
            if o.key.startswith(images + "/")
        }
        line = line_from_playlist(text, sizes)
        if line is not None:
            output.master.write_text(with_image_stream(output.master.read_text("utf-8"), line))

    def outcome(self, media: MediaFileView, done: LadderResult) -> Outcome:
        output = done.output
        prefix = keys.hls_dir(media.id)
        artifacts = [
            done.artifact(
                ArtifactKind.HLS_MASTER,
                f"{prefix}/{MASTER}",
                MASTER,
                {"rungs": [r.name for r in output.rungs], "audio": output.audio is not None},
            )
        ]
        for rung, variant in zip(output.rungs, output.variants, strict=True):
            artifacts.append(
                done.artifact(
                    ArtifactKind.HLS_VARIANT,
                    f"{prefix}/{rung.name}/{PLAYLIST}",
                    rung.name,
                    {
                        "name": rung.name,
                        "width": rung.first.width,
                        "height": rung.first.height,
                        "bandwidth": variant.bandwidth,
                        "average_bandwidth": variant.average_bandwidth,
                        "codecs": variant.codecs,
                        "frame_rate": round(float(done.plan.frame_rate), 3),
                        "segments": len(rung.playlist.segments),
                        "duration": round(rung.duration, 3),
                        **quality_params(done, rung.name),
                    },
                )
            )
        if output.audio is not None:
            audio = output.audio
            artifacts.append(
                done.artifact(
                    ArtifactKind.AUDIO_HLS,
                    f"{prefix}/{audio.name}/{PLAYLIST}",
                    audio.name,
                    {
                        "channels": audio.first.channels,
                        "bandwidth": audio.peak_bps,
                        "average_bandwidth": audio.average_bps,
                        "duration": round(audio.duration, 3),
                    },
                )
            )
        return Outcome(
            result=done.summary(),
            # The preview job publishes under the ladder's prefix: not the ladder's to prune.
            publish=[
                publish_spec(
                    output,
                    prefix,
                    keep=(
                        keys.leaf(keys.preview_dir(media.id)),
                        keys.leaf(keys.hls_images_dir(media.id)),
                    ),
                )
            ],
            artifacts=artifacts,
            replaces=(ArtifactKind.HLS_MASTER, ArtifactKind.HLS_VARIANT, ArtifactKind.AUDIO_HLS),
        )


class PreviewJob(LadderJob):
    name = "preview"
    default_preset = "hls/preview_v1"
    base_timeout_s = 300.0
    timeout_per_media_second = 0.0
    measure_quality = False

    def timeout(self, inp: PresetInput, media: MediaFileView | None) -> float:
        duration = (media.duration_seconds or 0.0) if media else 0.0
        return self.base_timeout_s + 10.0 * min(duration, 60.0)

    def run(self, ctx: JobContext, inp: LadderInput) -> Outcome:
        # With a ladder published, the preview is its first segments: no second encode.
        media = media_of(ctx)
        preset_id, preset = load_step_preset(ctx, inp.preset, self.default_preset, LadderPreset)
        derived = preview_from_ladder(ctx, media.id, probe_of(media), preset)
        if derived is None:
            return super().run(ctx, inp)
        plan, output = derived
        ctx.report(100.0, 0.0)
        return self.outcome(media, LadderResult(preset_id, preset, plan, output, {}))

    def outcome(self, media: MediaFileView, done: LadderResult) -> Outcome:
        output = done.output
        prefix = keys.preview_dir(media.id)
        params = {
            "duration": round(done.plan.duration, 3),
            "rungs": [r.name for r in output.rungs],
            "audio": output.audio is not None,
        }
        return Outcome(
            result=done.summary(),
            publish=[publish_spec(output, prefix)],
            artifacts=[
                preset_artifact(
                    ArtifactKind.PREVIEW,
                    f"{prefix}/{MASTER}",
                    output.out_dir,
                    params,
                    done.preset_id,
                    done.preset,
                )
            ],
            replaces=(ArtifactKind.PREVIEW,),
        )
