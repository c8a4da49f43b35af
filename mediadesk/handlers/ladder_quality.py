"""The ladder encoded by quality: the per-title choice of rungs before the encode, the
measured quality after it, and the floor check (one re-encode at a lower CRF, then
``QUALITY_BELOW_FLOOR``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from mediadesk.engine.encoders import CPU_ENCODER, VideoEncoder
from mediadesk.engine.hls.compile import PLAYLIST, ladder_argv
from mediadesk.engine.hls.ladder import HlsOutput, finish_ladder
from mediadesk.engine.hls.pertitle import analyse
from mediadesk.engine.hls.plan import LadderPlan, RungPlan
from mediadesk.engine.hls.playlist import parse_media_playlist
from mediadesk.engine.hls.presets import LadderPreset
from mediadesk.engine.hls.quality import RungQuality, SampledRung, below_floor, measure_ladder
from mediadesk.engine.process import ProcessResult
from mediadesk.engine.sniff import Container
from mediadesk.errors import ErrorCode, VerificationFailed
from mediadesk.handlers.encoding import encode_with_fallback, probe_runner
from mediadesk.jobs.context import JobContext

GB = 1_000_000_000


@dataclass(frozen=True)
class EncodedLadder:
    plan: LadderPlan
    output: HlsOutput
    quality: dict[str, RungQuality] = field(default_factory=dict)


def per_title(
    ctx: JobContext, preset: LadderPreset, plan: LadderPlan, source: Path, container: Container
) -> LadderPlan:
    """The plan with the rungs worth making for this source (recorded in the attempt)."""
    if not preset.per_title or len(plan.rungs) < 2:
        return plan
    budget_gb = ctx.settings.ladder_budget_gb_per_hour
    budget = round(budget_gb * GB) if budget_gb else None

    def run(argv: list[str]) -> ProcessResult:
        return ctx.run(argv, check=False, what="per-title probe")

    chosen, analysis = analyse(
        ctx.ffmpeg.ffmpeg,
        source,
        container,
        plan,
        CPU_ENCODER,  # the probe predicts; libx264 is always there and quick at this size
        run,
        ctx.scratch / "analysis",
        budget,
    )
    ctx.details["analysis"] = analysis.as_dict()
    ctx.note(
        "per-title ladder: "
        + ", ".join(f"{name} ~{kbps} kb/s" for name, kbps in analysis.predicted_k.items())
        + f"; keeping {', '.join(analysis.kept)}"
        + "".join(f"; {name} dropped: {why}" for name, why in analysis.dropped.items())
    )
    return chosen


def _measure(
    ctx: JobContext, plan: LadderPlan, out: Path, source: Path, container: Container
) -> dict[str, RungQuality]:
    rungs = [
        SampledRung(
            rung,
            parse_media_playlist((out / rung.name / PLAYLIST).read_text("utf-8"), rung.name),
            out / rung.name,
        )
        for rung in plan.rungs
    ]
    return measure_ladder(
        ctx.ffmpeg.ffmpeg,
        source,
        container,
        plan,
        rungs,
        probe_runner(ctx),
        ctx.scratch / "quality",
    )


def lowered(plan: LadderPlan, rungs: list[RungPlan], step: int) -> LadderPlan:
    names = {r.name for r in rungs}
    return replace(
        plan,
        rungs=tuple(
            replace(r, crf=max(0, r.crf - step)) if r.name in names and r.crf is not None else r
            for r in plan.rungs
        ),
    )


def encode_ladder(
    ctx: JobContext,
    preset: LadderPreset,
    plan: LadderPlan,
    source: Path,
    container: Container,
    measure: bool,
) -> EncodedLadder:
    """Encode (hardware, then libx264), verify, measure; retry once under a floor."""
    out, work = ctx.scratch / "out", ctx.scratch / "verify"
    retried = False
    while True:
        current = plan

        def finish(current: LadderPlan = current) -> EncodedLadder:
            output = finish_ladder(out, current, ctx.ffmpeg.ffprobe, probe_runner(ctx), work)
            if not measure:
                return EncodedLadder(current, output)
            return EncodedLadder(current, output, _measure(ctx, current, out, source, container))

        def build(enc: VideoEncoder, current: LadderPlan = current) -> list[str]:
            return ladder_argv(ctx.ffmpeg.ffmpeg, source, container, current, out, enc)

        done = encode_with_fallback(ctx, build, out, current.duration, finish)
        if done.quality:
            ctx.details["quality"] = {k: v.as_params() for k, v in done.quality.items()}
        under = below_floor(done.plan, done.quality)
        if not under:
            return done
        words = ", ".join(
            f"{r.name} measured SSIM {done.quality[r.name].ssim:.4f} under its floor {r.ssim_floor}"
            for r in under
        )
        if retried or all(r.crf is None for r in under):
            raise VerificationFailed(words, code=ErrorCode.QUALITY_BELOW_FLOOR)
        retried = True
        step = preset.floor_retry_crf_step
        ctx.note(f"{words}; encoding once more at CRF -{step} for those rungs")
        ctx.details["floor_retry"] = {r.name: (r.crf or 0) - step for r in under}
        plan = lowered(done.plan, under, step)
