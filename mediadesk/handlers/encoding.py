"""What the encoding handlers share: preset choice, probing via the context, and the
hardware-then-libx264 encode loop."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from mediadesk.domain.enums import ArtifactKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.encoders import (
    CODEC_OF,
    VideoEncoder,
    candidates,
    hardware_session,
    working_hardware,
)
from mediadesk.engine.hls.verify import ProbeRunner
from mediadesk.engine.preset_base import PresetBase
from mediadesk.engine.presets import load_typed
from mediadesk.engine.process import ProcessResult
from mediadesk.errors import ErrorCode, InvalidInput, ProcessFailed, VerificationFailed
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.spec import ArtifactSpec
from mediadesk.library.views import MediaFileView
from mediadesk.storage.base import walk_files

P = TypeVar("P", bound=PresetBase)
T = TypeVar("T")


def load_step_preset(
    ctx: JobContext, requested: str | None, default: str, model: type[P]
) -> tuple[str, P]:
    """The input's preset, else this library's setting for the step, else the default."""
    preset_id = requested or ctx.settings.step_presets.get(ctx.job_type) or default
    return preset_id, load_typed(preset_id, model)


def probe_of(media: MediaFileView) -> MediaInfo:
    if media.probe is None:
        raise InvalidInput("the media file has not been probed yet", code=ErrorCode.INVALID_MEDIA)
    return media.probe


def probe_runner(ctx: JobContext) -> ProbeRunner:
    def run(argv: list[str]) -> ProcessResult:
        return ctx.run(argv, capture_stdout=True, check=False, what="ffprobe")

    return run


def encode_with_fallback(
    ctx: JobContext,
    build: Callable[[VideoEncoder], list[str]],
    out_dir: Path,
    expected_duration: float,
    finish: Callable[[], T],
    progress_range: tuple[float, float] = (0.0, 90.0),
) -> T:
    """Encode with the configured encoder, then ``finish`` (verify) the outputs.

    A hardware try that fails, in ffmpeg or in verification, is retried on libx264.
    Each try starts from an empty ``out_dir``. ``ctx.encoder`` ends as the encoder
    that produced the outputs and ``ctx.details["encoders"]`` lists every try, so the
    attempt row shows a fallback and why it happened.
    """
    tries: list[dict[str, Any]] = []
    ctx.details["encoders"] = tries
    order = candidates(ctx.settings.encoder, ctx.ffmpeg)
    if ctx.settings.encoder == "auto":
        found = [CODEC_OF[f] for f in working_hardware(ctx.ffmpeg)]
        ctx.note(f"hardware encoders that passed a trial encode: {', '.join(found) or 'none'}")
    for n, encoder in enumerate(order):
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir(parents=True)
        ctx.encoder = encoder.codec
        ctx.note(f"encoding with {encoder.describe()} (setting: encoder={ctx.settings.encoder})")
        try:
            with hardware_session(encoder, ctx.settings.hw_sessions, ctx.check_cancelled):
                ctx.run(
                    build(encoder),
                    expected_duration=expected_duration,
                    progress_range=progress_range,
                    what=encoder.codec,
                )
            result = finish()
        except (ProcessFailed, VerificationFailed) as exc:
            tries.append({"encoder": encoder.codec, "ok": False, "error": exc.message})
            if not encoder.hardware or n == len(order) - 1:
                raise
            ctx.note(f"{encoder.codec} failed ({exc.message}); falling back to libx264")
            continue
        tries.append({"encoder": encoder.codec, "ok": True})
        return result
    raise AssertionError("candidates() always ends with libx264")


def preset_artifact(
    kind: ArtifactKind,
    key: str,
    path: Path,
    params: dict[str, Any],
    preset_id: str,
    preset: PresetBase,
) -> ArtifactSpec:
    """An artifact row for a file (or directory tree) made with a preset."""
    size = sum(p.stat().st_size for p in walk_files(path)) if path.is_dir() else path.stat().st_size
    return ArtifactSpec(kind, key, size, params, preset_id, preset.version)
