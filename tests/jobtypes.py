"""Job types used to exercise the job machinery itself, on real processes.

They are test code, registered only into test runtimes: the machinery (claims,
leases, retries, cancel, recovery, publishing) is what is under test, and every one
of them runs a real ffmpeg or does real file I/O.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pydantic import Field

from mediadesk.domain.enums import ArtifactKind
from mediadesk.handlers import default_registry
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobInput, JobRegistry, JobType
from mediadesk.jobs.spec import ArtifactSpec, Outcome, PublishSpec


class EncodeInput(JobInput):
    seconds: float = Field(default=4.0, gt=0)
    label: str = "x"
    realtime: bool = True  # -re: the encode takes as long as the clip
    raw: bool = False  # rawvideo in NUT: a big output (about 0.5 MB a second)


class EncodeTestJob(JobType[EncodeInput]):
    """Encodes lavfi test video at real-time pace (-re), so it runs for ``seconds``."""

    name = "test_encode"
    input_model = EncodeInput
    needs_media = False
    base_timeout_s = 120.0

    def run(self, ctx: JobContext, inp: EncodeInput) -> Outcome:
        out_dir = ctx.scratch / "out"
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / ("out.nut" if inp.raw else "out.mp4")
        source = f"testsrc2=size=160x90:rate=25:duration={inp.seconds}"
        codec = ["-c:v", "rawvideo", "-pix_fmt", "yuv420p"] if inp.raw else [
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25"
        ]  # fmt: skip
        ctx.run(
            [
                ctx.ffmpeg.ffmpeg,
                "-hide_banner",
                "-nostdin",
                "-y",
                *(["-re"] if inp.realtime else []),
                "-f",
                "lavfi",
                "-i",
                source,
                *codec,
                str(target),
            ],
            expected_duration=inp.seconds,
        )
        prefix = f"test/{ctx.job_id}"
        return Outcome(
            result={"label": inp.label, "bytes": target.stat().st_size},
            publish=[PublishSpec(out_dir, prefix)],
            artifacts=[
                ArtifactSpec(
                    ArtifactKind.MEZZANINE, f"{prefix}/{target.name}", target.stat().st_size
                )
            ]
            if ctx.media
            else [],
        )


class FailInput(JobInput):
    label: str = "x"


class AlwaysFailsJob(JobType[FailInput]):
    """Runs a real ffmpeg that fails (unknown encoder): a retryable process failure."""

    name = "test_fail"
    input_model = FailInput
    needs_media = False
    max_attempts = 3

    def run(self, ctx: JobContext, inp: FailInput) -> Outcome:
        ctx.run(
            [
                ctx.ffmpeg.ffmpeg,
                "-hide_banner",
                "-nostdin",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=duration=0.2",
                "-c:v",
                "no_such_encoder_x",
                str(ctx.scratch / "o.mp4"),
            ]
        )
        return Outcome()


class CountInput(JobInput):
    ledger: str
    sleep_s: float = 0.0


class CountingJob(JobType[CountInput]):
    """Appends its job id to a ledger file: counts real executions of the handler."""

    name = "test_count"
    input_model = CountInput
    needs_media = False

    def run(self, ctx: JobContext, inp: CountInput) -> Outcome:
        if inp.sleep_s:
            ctx.cancel.wait(inp.sleep_s)
        fd = os.open(inp.ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{ctx.job_id}\n".encode())
        finally:
            os.close(fd)
        return Outcome(result={"ok": True})


def machinery_registry() -> JobRegistry:
    registry = default_registry()
    for job_type in (EncodeTestJob(), AlwaysFailsJob(), CountingJob()):
        registry.register(job_type)
    return registry


def worker_main() -> None:
    """A worker process with the test job types: ``python -m tests.jobtypes``."""
    from mediadesk.cli.cmd_run import wait_for_signal
    from mediadesk.runtime import Runtime
    from mediadesk.settings import load_settings
    from tests.conftest import FAST

    rt = Runtime(load_settings(FAST), registry=machinery_registry()).open()
    rt.start_workers()
    Path(sys.argv[1]).write_text(str(os.getpid()))  # "ready" marker for the test
    try:
        wait_for_signal()
    finally:
        rt.stop(grace=5)


if __name__ == "__main__":
    worker_main()
