"""``audio_hls``: an audio file (or any file's first audio track) as AAC HLS."""

from __future__ import annotations

from mediadesk.domain.enums import ArtifactKind, MediaKind
from mediadesk.engine.hls.compile import PLAYLIST, audio_argv
from mediadesk.engine.hls.ladder import Checker, finish_audio
from mediadesk.engine.hls.master import MASTER
from mediadesk.engine.hls.plan import expected_duration, plan_audio
from mediadesk.engine.hls.presets import AudioHlsPreset
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.encoding import load_step_preset, preset_artifact, probe_of, probe_runner
from mediadesk.handlers.hls import publish_spec
from mediadesk.handlers.inputs import PresetInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import Outcome
from mediadesk.storage import keys


class AudioHlsJob(JobType[PresetInput]):
    name = "audio_hls"
    input_model = PresetInput
    exclusive = keys.MASTER_WRITERS
    base_timeout_s = 300.0
    timeout_per_media_second = 1.0

    def run(self, ctx: JobContext, inp: PresetInput) -> Outcome:
        media = media_of(ctx)
        if media.kind == MediaKind.VIDEO:
            # Both would own hls/{id}/master.m3u8; a video's audio is the ladder's group.
            raise InvalidInput(
                "audio_hls is for audio files; a video's audio is part of its hls ladder",
                code=ErrorCode.INVALID_INPUT,
            )
        info = probe_of(media)
        preset_id, preset = load_step_preset(ctx, inp.preset, "hls/audio_v1", AudioHlsPreset)
        plan = plan_audio(info, preset)
        if plan is None:
            raise InvalidInput("the file has no audio stream", code=ErrorCode.NO_AUDIO_STREAM)
        duration = expected_duration(info, None)
        source, container = open_original(ctx)
        out = ctx.scratch / "out"
        out.mkdir(parents=True, exist_ok=True)
        ctx.encoder = "aac"
        argv = audio_argv(
            ctx.ffmpeg.ffmpeg,
            source,
            container,
            plan,
            out,
            preset.segment_seconds,
            preset.segment_format,
            duration,
        )
        ctx.run(argv, expected_duration=duration, progress_range=(0.0, 95.0))
        check = Checker(
            duration,
            preset.segment_seconds,
            preset.segment_format,
            ctx.ffmpeg.ffprobe,
            probe_runner(ctx),
            ctx.scratch / "verify",
        )
        output = finish_audio(out, plan, check)
        assert output.audio is not None
        audio, variant = output.audio, output.variants[0]
        ctx.report(100.0, 0.0)
        prefix = keys.hls_dir(media.id)
        return Outcome(
            result={
                "preset": preset_id,
                "preset_version": preset.version,
                "duration": round(audio.duration, 3),
                "segments": len(audio.playlist.segments),
                "bandwidth": variant.bandwidth,
                "codecs": variant.codecs,
            },
            publish=[publish_spec(output, prefix)],
            artifacts=[
                preset_artifact(
                    ArtifactKind.HLS_MASTER,
                    f"{prefix}/{MASTER}",
                    output.master,
                    {"rungs": [], "audio": True},
                    preset_id,
                    preset,
                ),
                preset_artifact(
                    ArtifactKind.AUDIO_HLS,
                    f"{prefix}/{audio.name}/{PLAYLIST}",
                    audio.directory,
                    {
                        "channels": audio.first.channels,
                        "bandwidth": variant.bandwidth,
                        "average_bandwidth": variant.average_bandwidth,
                        "codecs": variant.codecs,
                        "duration": round(audio.duration, 3),
                    },
                    preset_id,
                    preset,
                ),
            ],
            replaces=(ArtifactKind.HLS_MASTER, ArtifactKind.AUDIO_HLS),
        )
