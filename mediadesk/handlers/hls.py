"""``hls`` (the adaptive ladder) and ``preview`` (its first 30 seconds as a small HLS)."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from mediadesk.domain.enums import ArtifactKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.images import IMAGES_PLAYLIST, line_from_playlist, with_image_stream
from mediadesk.engine.hls.ladder import HlsOutput
from mediadesk.engine.hls.master import MASTER
from mediadesk.engine.hls.plan import LadderPlan, plan_burn_in, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.hls.quality import RungQuality
from mediadesk.engine.hls.tracks import digest_argv, duplicate_candidates, parse_digests
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import Container
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.derived import preview_from_ladder
from mediadesk.handlers.encoding import load_step_preset, preset_artifact, probe_of
from mediadesk.handlers.inputs import PresetInput
from mediadesk.handlers.ladder_quality import encode_ladder, per_title
from mediadesk.handlers.probe import step_spec
from mediadesk.handlers.subtitle_handoff import late_subtitles
from mediadesk.handlers.subtitles import TextTracks, make_text_tracks
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
    text: TextTracks | None = None

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
            "burned_in": [
                {
                    "name": b.plan.name,
                    "master": b.plan.master,
                    "label": b.plan.label,
                    "language": b.plan.language,
                    "stream_index": b.plan.stream_index,
                    "rung": b.plan.source_rung,
                }
                for b in output.burned
            ],
            "audio_tracks": [
                {
                    "name": made.name,
                    "label": track.label,
                    "language": track.language,
                    "channels": made.first.channels,
                    "default": track.default,
                    "group": track.group_id,
                }
                for track, made in output.tracks
            ],
        }


def publish_spec(output: HlsOutput, prefix: str, keep: tuple[str, ...] = ()) -> PublishSpec:
    """Rendition directories, then the master: the ladder under ``hls/{id}`` and the
    preview under ``hls/{id}/preview`` swap only their own entries. Rungs an earlier
    run published and this one did not (a replay with another preset) are removed;
    ``keep`` names what other jobs publish under the same prefix."""
    burned = tuple(b.plan.master for b in output.burned)
    return PublishSpec(output.out_dir, prefix, entry_last=(*burned, MASTER), prune=True, keep=keep)


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
        source, container = open_original(ctx)
        digests = exact_duplicates(ctx, info, source, container) if audio_preset else {}
        plan = plan_ladder(preset, audio_preset, info, digests)
        plan = per_title(ctx, preset, plan, source, container)
        # From the rungs the per-title step kept: a copy of one of them per burned track.
        plan = plan_burn_in(plan, preset.burn_in, info)
        ctx.note(
            "rungs: "
            + ", ".join(f"{r.name} {r.width}x{r.height}" for r in plan.rungs)
            + f"; {float(plan.frame_rate):.3f} fps, GOP {plan.gop_frames}"
            + (f"; audio: {_describe(plan)}" if plan.audio else "; no audio")
            + "".join(f"; {b.label} on {b.source_rung}" for b in plan.burned)
        )
        done = encode_ladder(ctx, preset, plan, source, container, self.measure_quality)
        text = self.text_tracks(ctx, media, info, source, container, done.output)
        # After the subtitles' lines: the master is written whole before this amends it.
        self.amend_master(ctx, media, done.output)
        ctx.report(100.0, 0.0)
        outcome = self.outcome(
            media, LadderResult(preset_id, preset, done.plan, done.output, done.quality, text)
        )
        outcome.follow_ups += [step_spec(media.id, step, []) for step in inp.then]
        if text is not None:
            used = {f.id for f in media.subtitle_files or []}
            outcome.apply.append(late_subtitles(media.id, used))
        return outcome

    def amend_master(self, ctx: JobContext, media: MediaFileView, output: HlsOutput) -> None:
        """Add to the written master what other steps published beside the ladder."""

    def text_tracks(
        self,
        ctx: JobContext,
        media: MediaFileView,
        info: MediaInfo,
        source: Path,
        container: Container,
        output: HlsOutput,
    ) -> TextTracks | None:
        """Subtitles and chapters beside the ladder (the preview has none)."""
        return None

    @abstractmethod
    def outcome(self, media: MediaFileView, done: LadderResult) -> Outcome:
        """What to publish and record for this step."""


def exact_duplicates(
    ctx: JobContext, info: MediaInfo, source: Path, container: Container
) -> dict[int, str]:
    """Hashes of the audio streams that look alike (only those are read)."""
    indexes = duplicate_candidates(info)
    if not indexes:
        return {}
    argv = digest_argv(ctx.ffmpeg.ffmpeg, source, container, indexes)
    result = ctx.run(argv, capture_stdout=True, check=False, what="ffmpeg-streamhash")
    if result.exit_code != 0:
        return {}  # no hashes: every stream is kept, which is never wrong
    return parse_digests((result.stdout or b"").decode("ascii", "replace"), indexes)


def _describe(plan: LadderPlan) -> str:
    names = [t.label or t.name for t in plan.tracks.stereo] or [
        plan.audio.name if plan.audio else ""
    ]
    text = ", ".join(names)
    if plan.tracks.surround:
        text += f"; {len(plan.tracks.surround)} in 5.1"
    return text


class HlsJob(LadderJob):
    name = "hls"
    default_preset = "hls/ladder_v2"
    exclusive = keys.MASTER_WRITERS

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
        if line is None:
            return
        # Every master: a burned-in subtitle's version seeks with the same thumbnails.
        for master in (output.master, *(output.out_dir / b.plan.master for b in output.burned)):
            master.write_text(with_image_stream(master.read_text("utf-8"), line), "utf-8")

    def text_tracks(
        self,
        ctx: JobContext,
        media: MediaFileView,
        info: MediaInfo,
        source: Path,
        container: Container,
        output: HlsOutput,
    ) -> TextTracks | None:
        rung = output.rungs[0]
        return make_text_tracks(
            ctx,
            media,
            info,
            source,
            container,
            output.out_dir,
            rung.directory,
            rung.playlist,
            self.segment_format(output),
        )

    @staticmethod
    def segment_format(output: HlsOutput) -> str:
        return "fmp4" if output.rungs[0].playlist.init_uri else "mpegts"

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
        # With a surround group each rung is listed twice; its stereo variant comes first.
        stereo_variants = output.variants[: len(output.rungs)]
        for rung, variant in zip(output.rungs, stereo_variants, strict=True):
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
        tracks = output.tracks or (
            ((done.plan.audio, output.audio),) if done.plan.audio and output.audio else ()
        )
        for track, audio in tracks:
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
                        "stream_index": track.stream_index,
                        "language": track.language,
                        "label": track.label,
                        "default": track.default,
                        "group": track.group_id,
                    },
                )
            )
        for burned in output.burned:
            artifacts.append(
                done.artifact(
                    ArtifactKind.BURNED_SUBTITLES,
                    f"{prefix}/{burned.plan.master}",
                    burned.plan.name,
                    {
                        "label": burned.plan.label,
                        "language": burned.plan.language,
                        "forced": burned.plan.forced,
                        "stream_index": burned.plan.stream_index,
                        "rung": burned.plan.source_rung,
                        "width": burned.rendition.first.width,
                        "height": burned.rendition.first.height,
                        "bandwidth": burned.variant.bandwidth,
                        "codecs": burned.variant.codecs,
                    },
                )
            )
        if done.text is not None:
            artifacts += done.text.artifacts(media.id, output.out_dir)
        summary = done.summary()
        if done.text is not None:
            summary.update(done.text.summary())
        return Outcome(
            result=summary,
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
            replaces=(
                ArtifactKind.HLS_MASTER,
                ArtifactKind.HLS_VARIANT,
                ArtifactKind.AUDIO_HLS,
                ArtifactKind.SUBTITLES,
                ArtifactKind.CHAPTERS,
                ArtifactKind.BURNED_SUBTITLES,
            ),
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
