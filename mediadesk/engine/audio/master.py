"""A master in two passes, measured throughout: render + measure, then apply + encode + verify.

1. Render the mix once to float WAV while the meter (second core) measures it.
2. Plan the loudness: linear gain, a limiter if the peaks need one, loudnorm's dynamic
   mode only where the loudness range demands it.
3. Predict the AAC encoder's own effect on loudness (it moves it by up to 1.4 LU): the
   planned gain is applied to a 30-second excerpt, which is measured before and after
   encoding; the difference is added to the gain.
4. Encode AAC with the video stream-copied, and measure the *encoded* audio as it is
   written (tee -> FIFO -> meter on the other core).
5. Off by more than a quarter LU, or over the peak ceiling: one corrective encode with
   the error folded back in. Then the contract holds (within 0.5 LU, true peak at or
   under the ceiling) or the job fails with ``LOUDNESS_OFF_TARGET``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.audio import graph, meters
from mediadesk.engine.audio.loudness import (
    GainMode,
    LoudnessPlan,
    Measurement,
    correct,
    needs_correction,
    plan,
    precise_integrated,
    read_meter,
    verify,
)
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.audio.sources import MasterSources, check_sources
from mediadesk.engine.audio.split_encode import (
    SPLIT_MIN_S,
    SpliceRefused,
    can_split,
    encode_halves,
    mux_argv,
)
from mediadesk.engine.audio.tandem import Runner, TandemResult, make_fifo, run_tandem
from mediadesk.engine.inputs import input_args, pcm_input_args
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import AAC, Container, sniff
from mediadesk.errors import ProcessFailed, VerificationFailed

logger = logging.getLogger(__name__)

RENDER_SHARE = 30.0  # percent of the progress bar for pass 1
MUX_SHARE = 85.0  # where the halves end and the mux and verification begin
# A predicted AAC effect larger than this is not believed (the verify pass still runs).
MAX_AAC_SHIFT_LU = 1.5
# Allowed difference between the programme's and the master's duration: one AAC frame
# of priming either way, plus the containers' rounding.
DURATION_SLACK_S = 0.1


@dataclass
class MasterResult:
    output: Path
    container: Container
    info: MediaInfo
    mix: Measurement
    final: Measurement
    plans: list[LoudnessPlan] = field(default_factory=list)
    passes: list[Measurement] = field(default_factory=list)
    aac_shift_lu: float | None = None
    parallel_verify: bool = True
    encoded_in_halves: bool = False

    def details(self) -> dict[str, Any]:
        """What the attempt records: every measurement and every decision."""
        return {
            "mix": self.mix.as_json(),
            "aac_shift_lu": self.aac_shift_lu,
            "passes": [
                {"plan": p.as_json(), "result": m.as_json()}
                for p, m in zip(self.plans, self.passes, strict=True)
            ],
            "mode": str(self.plans[-1].mode),
            "output": self.final.as_json(),
            "verified_while_encoding": self.parallel_verify,
            "encoded_in_halves": self.encoded_in_halves,
        }


@dataclass(frozen=True)
class _Job:
    """What every step needs; saves passing eight arguments around."""

    run: Runner
    ffmpeg: str
    preset: AudioMasterPreset
    sources: MasterSources
    workdir: Path
    mix_wav: Path
    split_min_s: float = SPLIT_MIN_S

    @property
    def duration(self) -> float:
        return self.sources.duration

    def log(self, name: str) -> Path | None:
        """A metadata log for precise loudness, when the path can sit in a filter graph."""
        path = self.workdir / f"{name}.r128"
        path.unlink(missing_ok=True)
        return path if meters.filter_safe(path) else None


def master(
    run: Runner,
    ffmpeg_bin: str,
    ffprobe_bin: str,
    preset: AudioMasterPreset,
    preset_id: str,
    sources: MasterSources,
    workdir: Path,
    output_stem: str,
    split_min_s: float = SPLIT_MIN_S,
) -> MasterResult:
    """Make the master in ``workdir/out/{output_stem}.{ext}``, verified; raise otherwise.

    Programmes of ``split_min_s`` or more are encoded in two halves at once (see
    ``split_encode``)."""
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
    job = _Job(run, ffmpeg_bin, preset, sources, workdir, workdir / "mix.wav", split_min_s)
    norm = preset.normalization
    # The rendered mix is big (1.4 GB an hour): it never outlives this call.
    try:
        mix = _render(job)
        current = plan(mix, norm)
        result = MasterResult(output, container, MediaInfo(container="none"), mix, mix)
        if current.mode in (GainMode.LINEAR, GainMode.LINEAR_LIMITED):
            result.aac_shift_lu = _aac_shift(job, current)
            if result.aac_shift_lu is not None:
                current = replace(current, aac_compensation_db=-result.aac_shift_lu)
        for attempt in range(2):
            measured, parallel, halves = _encode(job, current, output)
            result.plans.append(current)
            result.passes.append(measured)
            result.parallel_verify = result.parallel_verify and parallel
            result.encoded_in_halves = halves
            if attempt == 0 and needs_correction(measured, norm):
                current = correct(current, measured, norm)
                continue
            break
    finally:
        job.mix_wav.unlink(missing_ok=True)
    result.final = result.passes[-1]
    verify(result.final, norm)
    result.info = check_output(output, container, ffprobe_bin, sources)
    return result


def _render(job: _Job) -> Measurement:
    fifo = job.workdir / "render.fifo"
    log = job.log("render")
    pcm = graph.WORK_RATE, graph.WORK_CHANNELS
    if not make_fifo(fifo):
        # No FIFOs here: write the raw copy to a file and measure it afterwards.
        raw = job.workdir / "render.f32"
        job.run(
            graph.render_argv(job.ffmpeg, job.preset, job.sources, job.mix_wav, raw),
            expected_duration=job.duration,
            progress_range=(0.0, RENDER_SHARE),
            what="mix",
        )
        result = job.run(
            meters.meter_argv(job.ffmpeg, pcm_input_args(raw, *pcm), False, log),
            capture_stdout=True,
            what="loudness meter",
        )
        raw.unlink(missing_ok=True)
        return read_meter(result.stderr_tail, log)
    tandem = _tandem(
        job,
        graph.render_argv(job.ffmpeg, job.preset, job.sources, job.mix_wav, fifo),
        # Sample peak here: true peak (4x oversampling) would make this meter, not the
        # mix, the slow half of pass 1; the output's true peak is what gets verified.
        meters.meter_argv(job.ffmpeg, pcm_input_args(fifo, *pcm), False, log),
        fifo,
        (0.0, RENDER_SHARE),
        "mix",
    )
    if tandem.meter_error is not None:
        raise tandem.meter_error
    if tandem.meter is None or tandem.meter.exit_code != 0:
        reason = tandem.meter.last_error_line() if tandem.meter else "it did not run"
        raise ProcessFailed(f"measuring the mix failed: {reason}")
    return read_meter(tandem.meter.stderr_tail, log)


def _tandem(
    job: _Job,
    producer: list[str],
    meter: list[str],
    fifo: Path,
    progress: tuple[float, float],
    what: str,
) -> TandemResult:
    try:
        return run_tandem(
            job.run,
            producer,
            meter,
            fifo,
            expected_duration=job.duration,
            progress_range=progress,
            what=what,
        )
    finally:
        fifo.unlink(missing_ok=True)


def _aac_meter(job: _Job, fifo: Path, log: Path | None) -> list[str]:
    """A meter for the raw AAC (ADTS) an encoder writes into ``fifo``, priming skipped."""
    return meters.meter_argv(
        job.ffmpeg,
        input_args(fifo, AAC),
        metadata_log=log,
        skip_samples=meters.AAC_PRIMING_SAMPLES,
    )


def _aac_shift(job: _Job, loudness: LoudnessPlan) -> float | None:
    """How much the encoder moves integrated loudness, from an encoded excerpt.

    The encoder's losses (quantisation, its low-pass) scale with the signal, so an
    excerpt at the planned gain predicts them for the whole. ``None`` when it cannot
    be measured here; the verify pass is the safety net either way.
    """
    fifo = job.workdir / "excerpt.fifo"
    pcm_log, aac_log = job.log("excerpt-pcm"), job.log("excerpt-aac")
    if pcm_log is None or aac_log is None or not make_fifo(fifo):
        return None
    tandem = _tandem(
        job,
        meters.excerpt_argv(
            job.ffmpeg, job.preset, job.mix_wav, loudness, job.duration, pcm_log, fifo
        ),
        _aac_meter(job, fifo, aac_log),
        fifo,
        (RENDER_SHARE, RENDER_SHARE),
        "excerpt",
    )
    if tandem.meter is None or tandem.meter.exit_code != 0:
        return None
    before, after = precise_integrated(pcm_log), precise_integrated(aac_log)
    if before is None or after is None or before <= -69.9:
        return None
    shift = round(after - before, 3)
    return shift if abs(shift) <= MAX_AAC_SHIFT_LU else None


def _encode(job: _Job, loudness: LoudnessPlan, output: Path) -> tuple[Measurement, bool, bool]:
    """Encode once; the measurement of the encoded audio, whether it ran alongside, and
    whether the AAC was encoded in two halves."""
    fifo = job.workdir / "verify.fifo"
    log = job.log("verify")
    spliced = _halves(job, loudness)
    mux_range = (MUX_SHARE, 100.0) if spliced else (RENDER_SHARE, 100.0)

    def argv(verify_fifo: Path | None) -> list[str]:
        if spliced is not None:
            return mux_argv(job.ffmpeg, job.preset, job.sources, spliced, output, verify_fifo)
        return graph.encode_argv(
            job.ffmpeg, job.preset, job.sources, job.mix_wav, loudness, output, verify_fifo
        )

    try:
        if graph.tee_safe(output, fifo) and make_fifo(fifo):
            what = "mux" if spliced else "encode"
            tandem = _tandem(job, argv(fifo), _aac_meter(job, fifo, log), fifo, mux_range, what)
            meter = tandem.meter
            if tandem.meter_error is None and meter is not None and meter.exit_code == 0:
                try:
                    return read_meter(meter.stderr_tail, log), True, spliced is not None
                except ProcessFailed:
                    pass  # measured below, from the file
        else:
            job.run(
                argv(None),
                expected_duration=job.duration,
                progress_range=mux_range,
                what="encode",
            )
    finally:
        if spliced is not None:
            spliced.unlink(missing_ok=True)
    measured = measure_file(job.run, job.ffmpeg, output, metadata_log=job.log("verify-file"))
    return measured, False, spliced is not None


def _halves(job: _Job, loudness: LoudnessPlan) -> Path | None:
    """The AAC encoded on two cores and spliced, or ``None`` to encode in one piece."""
    if not can_split(job.duration, loudness, job.preset, job.split_min_s):
        return None
    try:
        return encode_halves(
            job.run,
            job.ffmpeg,
            job.preset,
            job.mix_wav,
            loudness,
            job.duration,
            job.workdir,
            (RENDER_SHARE, MUX_SHARE),
        )
    except SpliceRefused as exc:
        logger.warning("encoding in one piece: %s", exc)
        return None


def measure_file(
    run: Runner,
    ffmpeg_bin: str,
    path: Path,
    container: Container | None = None,
    metadata_log: Path | None = None,
) -> Measurement:
    """EBU R128 of a file's first audio stream: integrated, true peak, range."""
    source = input_args(path, container or sniff(path))
    result = run(
        meters.meter_argv(ffmpeg_bin, source, metadata_log=metadata_log),
        capture_stdout=True,
        what="loudness meter",
    )
    return read_meter(result.stderr_tail, metadata_log)


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
