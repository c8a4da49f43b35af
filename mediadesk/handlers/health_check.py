"""``health_check``: decode a whole file and judge it HEALTHY or DAMAGED.

The verdict is data, not a failure: a damaged file's job completes, and the media
file carries ``health`` (HEALTHY, DAMAGED), when it was checked and the report (the
error count, the first stretches with errors and their first message, the decode
speed). Nothing is written anywhere but the row: a damaged file is never replaced,
repaired or deleted. A file missing from its folder fails the job (nothing to judge).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from mediadesk.base_types import utcnow
from mediadesk.domain.folders import HealthState
from mediadesk.engine.health import HealthReport, decode_argv, error_lines, plan_stretches
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import ApplyFn, Outcome
from mediadesk.library.models import MediaFile

HEALTH_CHECK = "health_check"


def store_health(media_id: str, state: HealthState, report: dict[str, Any]) -> ApplyFn:
    def apply(session: Session) -> None:
        row = session.get(MediaFile, media_id)
        if row is not None:
            row.health = state.value
            row.health_checked_at = utcnow()
            row.health_report = report

    return apply


class HealthCheckJob(JobType[MediaStepInput]):
    name = HEALTH_CHECK
    input_model = MediaStepInput
    base_timeout_s = 600.0
    timeout_per_media_second = 2.0  # a full decode runs at several times real time

    def run(self, ctx: JobContext, inp: MediaStepInput) -> Outcome:
        media = media_of(ctx)
        report = HealthReport()
        try:
            path, container = open_original(ctx)
        except InvalidInput as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise
            # Cut short, or no longer what it was: damaged, before decoding a frame.
            report.failed_exit = exc.message
            return self._verdict(ctx, media.id, report)
        duration = media.duration_seconds
        stretches = plan_stretches(duration)
        started = time.monotonic()
        for i, stretch in enumerate(stretches):
            ctx.check_cancelled()
            before = ctx.stderr_log.stat().st_size if ctx.stderr_log.exists() else 0
            length = stretch.length_s
            if length is None and duration:
                length = max(0.0, duration - stretch.start_s)
            result = ctx.run(
                decode_argv(ctx.ffmpeg.ffmpeg, path, container, stretch),
                expected_duration=length or None,
                progress_range=(100.0 * i / len(stretches), 100.0 * (i + 1) / len(stretches)),
                check=False,
                what="decoding",
            )
            with ctx.stderr_log.open("rb") as fh:
                fh.seek(before)
                lines = error_lines(fh.read().decode("utf-8", "replace"))
            if not result.ok and not lines:
                lines = [result.last_error_line()]
            report.add(stretch, stretch.start_s + (length or 0.0), lines)
            if not result.ok and report.failed_exit is None:
                report.failed_exit = lines[0][:300]
        report.decoded_s = duration or 0.0
        report.wall_s = time.monotonic() - started
        return self._verdict(ctx, media.id, report)

    def _verdict(self, ctx: JobContext, media_id: str, report: HealthReport) -> Outcome:
        state = HealthState.DAMAGED if report.damaged else HealthState.HEALTHY
        data = {"health": state.value, **report.as_json()}
        ctx.details["health"] = data
        ctx.note(f"{state.value}: {report.errors} decoding errors")
        ctx.report(100.0, 0.0)
        return Outcome(result=data, apply=[store_health(media_id, state, data)])
