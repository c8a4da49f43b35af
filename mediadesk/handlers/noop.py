"""A job that does nothing (or sleeps): for queue benchmarks and health checks."""

from __future__ import annotations

from pydantic import Field

from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobInput, JobType
from mediadesk.jobs.spec import Outcome


class NoopInput(JobInput):
    sleep_s: float = Field(default=0.0, ge=0, le=3600)
    tag: str | None = None


class NoopJob(JobType[NoopInput]):
    name = "noop"
    input_model = NoopInput
    needs_media = False
    base_timeout_s = 3700.0

    def run(self, ctx: JobContext, inp: NoopInput) -> Outcome:
        if inp.sleep_s and ctx.cancel.wait(inp.sleep_s):
            ctx.check_cancelled()
        return Outcome(result={"slept_s": inp.sleep_s, "tag": inp.tag})
