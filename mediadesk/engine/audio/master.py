"""A master in two passes, measured twice: render + measure, then apply + encode + verify.

1. Render the mix once to float WAV while the meter (second core) measures it.
2. Plan the loudness (linear gain, limiter if the peaks need it, dynamic only where
   the range demands it), encode AAC with the video stream-copied, and measure the
   *encoded* audio as it is written (tee -> FIFO -> meter).
3. Off by more than a quarter LU, or over the peak ceiling: one corrective encode
   with the error folded back in. Then the contract holds (within 0.5 LU, peak at or
   under the ceiling) or the job fails with ``LOUDNESS_OFF_TARGET``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.audio import graph
from mediadesk.engine.audio.loudness import (
    LoudnessPlan,
    Measurement,
    correct,
    needs_correction,
    parse_summary,
    plan,
    verify,
)
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.audio.sources import MasterSources, check_sources
from mediadesk.engine.audio.tandem import Runner, make_fifo, run_tandem
from mediadesk.engine.inputs import input_args, pcm_input_args
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import AAC, Container, sniff
from mediadesk.errors import ProcessFailed, VerificationFailed

RENDER_SHARE = 30.0  # percent of the progress bar for pass 1


@dataclass
class MasterResult:
    output: Path
    container: Container
    info: MediaInfo
    mix: Measurement
    final: Measurement
    plans: list[LoudnessPlan] = field(default_factory=list)
    passes: list[Measurement] = field(default_factory=list)
    parallel_verify: bool = True

    def details(self) -> dict[str, Any]:
        """What the attempt records: every measurement and every decision."""
        return {
            "mix": self.mix.as_json(),
            "passes": [
                {"plan": p.as_json(), "result": m.as_json()}
                for p, m in zip(self.plans, self.passes, strict=True)
            ],
            "mode": str(self.plans[-1].mode),
            "output": self.final.as_json(),
            "verified_while_encoding": self.parallel_verify,
        }


def master(
    run: Runner,
    ffmpeg_bin: str,
    ffprobe_bin: str,
    preset: AudioMasterPreset,
    preset_id: str,
    sources: MasterSources,
    workdir: Path,
    output_stem: str,
) -> MasterResult:
    """Make the master in ``workdir/out/{output_stem}.{ext}``, verified; raise otherwise."""
    music = sources.music
    check_sources(
        preset,
        preset_id,
        sources.programme.info,
        sources.programme.name,
        music.info if music else None,
        music.name if music else None,
    )
    workdir.mkdir(parents=True, exist_ok=True)
    out_dir = workdir / "out"
    out_dir.mkdir(exist_ok=True)
    container = graph.output_container(sources)
    output = out_dir / f"{output_stem}.{container.extension}"
    duration = sources.duration

    # The rendered mix is big (1.4 GB an hour): it never outlives this call.
    mix_wav = workdir / "mix.wav"
    try:
        mix = _render(run, ffmpeg_bin, preset, sources, mix_wav, workdir, duration)
        norm = preset.normalization
        current = plan(mix, norm)
        result = MasterResult(output, container, MediaInfo(container="none"), mix, mix)
        for attempt in range(2):
            measured, parallel = _encode(
                run, ffmpeg_bin, preset, sources, mix_wav, current, output, workdir, duration
            )
            result.plans.append(current)
            result.passes.append(measured)
            result.parallel_verify = result.parallel_verify and parallel
            if attempt == 0 and needs_correction(measured, norm):
                current = correct(current, measured, norm)
                continue
            break
    finally:
        mix_wav.unlink(missing_ok=True)
    result.final = result.passes[-1]
    verify(result.final, norm)
    result.info = check_output(output, container, ffprobe_bin, sources)
    return result


def _render(
    run: Runner,
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    sources: MasterSources,
    mix_wav: Path,
    workdir: Path,
    duration: float,
) -> Measurement:
    fifo = workdir / "render.fifo"
    if not make_fifo(fifo):
        # No FIFOs here: write the raw copy to a file and measure it afterwards.
        raw = workdir / "render.f32"
        run(
            graph.render_argv(ffmpeg_bin, preset, sources, mix_wav, raw),
            expected_duration=duration,
            progress_range=(0.0, RENDER_SHARE),
            what="mix",
        )
        measured = measure(
            run, ffmpeg_bin, pcm_input_args(raw, graph.WORK_RATE, graph.WORK_CHANNELS)
        )
        raw.unlink(missing_ok=True)
        return measured
    try:
        tandem = run_tandem(
            run,
            graph.render_argv(ffmpeg_bin, preset, sources, mix_wav, fifo),
            graph.meter_argv(
                ffmpeg_bin, pcm_input_args(fifo, graph.WORK_RATE, graph.WORK_CHANNELS)
            ),
            fifo,
            expected_duration=duration,
            progress_range=(0.0, RENDER_SHARE),
            what="mix",
        )
    finally:
        fifo.unlink(missing_ok=True)
    if tandem.meter_error is not None:
        raise tandem.meter_error
    if tandem.meter is None or tandem.meter.exit_code != 0:
        reason = tandem.meter.last_error_line() if tandem.meter else "it did not run"
        raise ProcessFailed(f"measuring the mix failed: {reason}")
    return parse_summary(tandem.meter.stderr_tail)


def _encode(
    run: Runner,
    ffmpeg_bin: str,
    preset: AudioMasterPreset,
    sources: MasterSources,
    mix_wav: Path,
    loudness: LoudnessPlan,
    output: Path,
    workdir: Path,
    duration: float,
) -> tuple[Measurement, bool]:
    """Encode once; the measurement of the encoded audio, and whether it ran alongside."""
    fifo = workdir / "verify.fifo"
    if graph.tee_safe(output, fifo) and make_fifo(fifo):
        try:
            tandem = run_tandem(
                run,
                graph.encode_argv(ffmpeg_bin, preset, sources, mix_wav, loudness, output, fifo),
                graph.meter_argv(ffmpeg_bin, input_args(fifo, AAC)),
                fifo,
                expected_duration=duration,
                progress_range=(RENDER_SHARE, 100.0),
                what="encode",
            )
        finally:
            fifo.unlink(missing_ok=True)
        meter = tandem.meter
        if tandem.meter_error is None and meter is not None and meter.exit_code == 0:
            try:
                return parse_summary(meter.stderr_tail), True
            except ProcessFailed:
                pass  # measured below, from the file
    else:
        run(
            graph.encode_argv(ffmpeg_bin, preset, sources, mix_wav, loudness, output, None),
            expected_duration=duration,
            progress_range=(RENDER_SHARE, 100.0),
            what="encode",
        )
    return measure_file(run, ffmpeg_bin, output), False


def measure(run: Runner, ffmpeg_bin: str, source: list[str]) -> Measurement:
    result = run(graph.meter_argv(ffmpeg_bin, source), capture_stdout=True, what="loudness meter")
    return parse_summary(result.stderr_tail)


def measure_file(
    run: Runner, ffmpeg_bin: str, path: Path, container: Container | None = None
) -> Measurement:
    """EBU R128 of a file's first audio stream: integrated, true peak, range."""
    return measure(run, ffmpeg_bin, input_args(path, container or sniff(path)))


# Allowed difference between the programme's and the master's duration: one AAC frame
# of priming either way, plus the containers' rounding.
DURATION_SLACK_S = 0.1


def check_output(
    path: Path, container: Container, ffprobe_bin: str, sources: MasterSources
) -> MediaInfo:
    """The master is readable, has its streams, and lasts as long as the programme."""
    info = probe_file(path, ffprobe_bin, container)
    if info.audio is None:
        raise VerificationFailed(f"{path.name}: the master has no audio stream")
    if sources.has_video and info.video is None:
        raise VerificationFailed(f"{path.name}: the programme's video stream was lost")
    expected = sources.duration
    got = info.duration or 0.0
    if abs(got - expected) > max(DURATION_SLACK_S, expected * 0.002):
        raise VerificationFailed(
            f"{path.name}: the master lasts {got:.3f} s, the programme {expected:.3f} s"
        )
    return info
