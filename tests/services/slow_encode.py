"""A real ffmpeg encode that takes a few seconds, and a worker launcher that knows it.

The SIGKILL-mid-encode test needs a job that keeps ffmpeg busy long enough to kill
its worker. Until the ``hls`` ladder job exists, ``slow_encode`` is that job: it
encodes a lavfi test pattern in real time (``-re``) with libx264 and publishes the
file through the normal verify-then-publish path. ``python -m
tests.services.slow_encode worker ...`` is ``mediadesk worker ...`` with this one job
type added to the registry.
"""

from __future__ import annotations

import sys

from pydantic import Field

from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobInput, JobRegistry, JobType
from mediadesk.jobs.spec import Outcome, PublishSpec


class SlowEncodeInput(JobInput):
    seconds: float = Field(default=6.0, gt=0, le=60)
    size: str = "320x180"
    realtime: bool = True  # -re: the encode takes as long as the clip
    raw: bool = False  # rawvideo in NUT: a big output (2 MB a second at 320x180)


class SlowEncodeJob(JobType[SlowEncodeInput]):
    name = "slow_encode"
    input_model = SlowEncodeInput
    needs_media = False
    base_timeout_s = 300.0

    def run(self, ctx: JobContext, inp: SlowEncodeInput) -> Outcome:
        out = ctx.scratch / "out"
        out.mkdir(parents=True, exist_ok=True)
        source = f"testsrc2=size={inp.size}:rate=25:duration={inp.seconds}"
        target = out / ("encode.nut" if inp.raw else "encode.mp4")
        argv = [ctx.ffmpeg.ffmpeg, "-hide_banner", "-nostdin", "-y"]
        argv += ["-re"] if inp.realtime else []
        argv += ["-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p"]
        argv += ["-c:v", "rawvideo"] if inp.raw else ["-c:v", "libx264", "-preset", "veryfast"]
        ctx.run([*argv, str(target)], expected_duration=inp.seconds)
        size = target.stat().st_size
        if size == 0:
            raise RuntimeError("empty output")
        return Outcome(
            result={"bytes": size},
            publish=[PublishSpec(out, f"encodes/{ctx.job_id}")],
        )


def registry_with_slow_encode() -> JobRegistry:
    from mediadesk.handlers import default_registry

    registry = default_registry()
    if "slow_encode" not in registry.names():
        registry.register(SlowEncodeJob())
    return registry


def main() -> int:
    import mediadesk.runtime
    from mediadesk.cli.main import main as cli_main

    mediadesk.runtime.default_registry = registry_with_slow_encode  # type: ignore[assignment]
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
