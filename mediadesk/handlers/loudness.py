"""``loudness``: measure a media file's EBU R128 loudness; no audio is written."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mediadesk.engine.audio.loudness import Measurement
from mediadesk.engine.audio.master import measure_file
from mediadesk.engine.audio.meters import filter_safe
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import ApplyFn, Outcome
from mediadesk.library.models import MediaFile


def store_loudness(media_id: str, measured: Measurement) -> ApplyFn:
    """An ``Outcome.apply`` step that writes a measurement onto a media row."""

    def apply(session: Session) -> None:
        row = session.get(MediaFile, media_id)
        if row is not None:
            row.loudness_integrated_lufs = measured.integrated_lufs
            row.loudness_true_peak_dbtp = measured.peak_db
            row.loudness_lra = measured.lra

    return apply


class LoudnessJob(JobType[MediaStepInput]):
    name = "loudness"
    input_model = MediaStepInput
    base_timeout_s = 300.0
    timeout_per_media_second = 0.5

    def run(self, ctx: JobContext, inp: MediaStepInput) -> Outcome:
        media = media_of(ctx)
        if media.probe is not None and media.probe.audio is None:
            raise InvalidInput(
                f"{media.original_filename}: no audio stream to measure",
                code=ErrorCode.NO_AUDIO_STREAM,
            )
        path, container = open_original(ctx)
        log = ctx.scratch / "loudness.r128"
        measured = measure_file(
            ctx.run, ctx.ffmpeg.ffmpeg, path, container, log if filter_safe(log) else None
        )
        ctx.details["loudness"] = measured.as_json()
        ctx.report(100.0, 0.0)
        return Outcome(result=measured.as_json(), apply=[store_loudness(media.id, measured)])
