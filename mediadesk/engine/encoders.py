"""H.264 encoders: what each needs on the command line, which ones work here, and a cap
on concurrent hardware sessions.

Whether a hardware encoder works is a capability probe, not a guess: ffmpeg lists
``h264_nvenc`` on a machine without an NVIDIA driver, and ``h264_vaapi`` without a
render node. A one-second trial encode per candidate decides, once per ffmpeg binary.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from mediadesk.engine.binaries import FFmpegInfo
from mediadesk.engine.process import run_process

log = logging.getLogger(__name__)

TRIAL_TIMEOUT_S = 20.0
DEFAULT_RENDER_NODE = "/dev/dri/renderD128"


class Family(StrEnum):
    CPU = "cpu"
    NVENC = "nvenc"
    VAAPI = "vaapi"
    QSV = "qsv"


CODEC_OF = {
    Family.CPU: "libx264",
    Family.NVENC: "h264_nvenc",
    Family.VAAPI: "h264_vaapi",
    Family.QSV: "h264_qsv",
}
# Preference when the setting is ``auto`` and several work.
HW_ORDER = (Family.NVENC, Family.QSV, Family.VAAPI)


class QualityMode(StrEnum):
    """How a rung encoded by quality asks each encoder for it.

    x264's capped CRF has a ceiling (maxrate/bufsize); so do NVENC's constant-quality
    VBR and VAAPI's QVBR. NVENC's constant QP and QSV's ICQ/LA-ICQ have none (ffmpeg
    turns QSV into QVBR as soon as a maxrate is given, which older iGPUs refuse), so
    their rungs can exceed their label; the master playlist's BANDWIDTH is measured
    from the segments either way.
    """

    X264_CAPPED_CRF = "x264_capped_crf"
    NVENC_VBR_CQ = "nvenc_vbr_cq"
    NVENC_CONSTQP = "nvenc_constqp"
    QSV_ICQ = "qsv_icq"
    QSV_LA_ICQ = "qsv_la_icq"
    VAAPI_QVBR = "vaapi_qvbr"


QUALITY_MODES = {
    Family.CPU: (QualityMode.X264_CAPPED_CRF,),
    Family.NVENC: (QualityMode.NVENC_VBR_CQ, QualityMode.NVENC_CONSTQP),
    Family.QSV: (QualityMode.QSV_LA_ICQ, QualityMode.QSV_ICQ),
    Family.VAAPI: (QualityMode.VAAPI_QVBR,),
}


@dataclass(frozen=True)
class VideoEncoder:
    family: Family
    device: str | None = None  # VAAPI render node
    # None: the family's first mode in QUALITY_MODES.
    quality_mode: QualityMode | None = None

    def __post_init__(self) -> None:
        if self.quality_mode is not None and self.quality_mode not in QUALITY_MODES[self.family]:
            raise ValueError(f"{self.quality_mode} is not a mode of {self.codec}")

    @property
    def mode(self) -> QualityMode:
        return self.quality_mode or QUALITY_MODES[self.family][0]

    @property
    def codec(self) -> str:
        return CODEC_OF[self.family]

    @property
    def hardware(self) -> bool:
        return self.family != Family.CPU

    def global_args(self) -> list[str]:
        """Device set-up; must precede the inputs."""
        if self.family == Family.VAAPI:
            return ["-vaapi_device", self.device or DEFAULT_RENDER_NODE]
        if self.family == Family.QSV:
            return ["-init_hw_device", "qsv=hw", "-filter_hw_device", "hw"]
        return []

    @property
    def pix_fmt(self) -> str:
        """The software pixel format the scaler hands over (8-bit 4:2:0 either way)."""
        return "nv12" if self.family in (Family.VAAPI, Family.QSV) else "yuv420p"

    def upload_filters(self) -> list[tuple[str, dict[str, str]]]:
        """Filters that end each rung's chain: frames go to the device after scaling."""
        if self.family == Family.VAAPI:
            return [("hwupload", {})]
        if self.family == Family.QSV:
            return [("hwupload", {"extra_hw_frames": "64"}), ("format", {"pix_fmts": "qsv"})]
        return []

    def options(
        self, x264_preset: str, gop: int, keyframe_expr: str, by_quality: bool = False
    ) -> dict[str, str]:
        """Options shared by every video stream of one output.

        The GOP is fixed and scene-cut keyframes are off, so every rung cuts segments at
        the same frames; forced keyframes on a time grid keep that true for odd rates.
        ``by_quality`` selects the rate control of :attr:`mode` (see :meth:`rung_options`).
        """
        common = self._options(x264_preset, gop, keyframe_expr)
        if not by_quality:
            return common
        if self.mode == QualityMode.NVENC_CONSTQP:
            common["rc"] = "constqp"
        elif self.mode == QualityMode.QSV_LA_ICQ:
            common["look_ahead"] = "1"
        elif self.mode == QualityMode.VAAPI_QVBR:
            common["rc_mode"] = "QVBR"
        return common

    def rung_options(
        self, i: int, crf: int | None, bitrate_k: int, maxrate_k: int, bufsize_k: int
    ) -> dict[str, str]:
        """Rate control of the ``i``-th video stream: a target bitrate, or a quality.

        ``crf`` is on x264's scale; the hardware encoders' quality knobs (NVENC ``cq``
        and ``qp``, QSV ``global_quality``, VAAPI's QVBR quality) are 1-51 quantizer
        scales of their own and take the same number as a starting point.
        """
        cap = {f"maxrate:v:{i}": f"{maxrate_k}k", f"bufsize:v:{i}": f"{bufsize_k}k"}
        if crf is None:
            return {f"b:v:{i}": f"{bitrate_k}k", **cap}
        mode = self.mode
        if mode == QualityMode.X264_CAPPED_CRF:
            return {f"crf:v:{i}": str(crf), **cap}
        if mode == QualityMode.NVENC_VBR_CQ:
            # b:v 0 leaves the quality target alone in charge, under the ceiling.
            return {f"cq:v:{i}": str(crf), f"b:v:{i}": "0", **cap}
        if mode == QualityMode.NVENC_CONSTQP:
            return {f"qp:v:{i}": str(crf)}
        if mode in (QualityMode.QSV_ICQ, QualityMode.QSV_LA_ICQ):
            return {f"global_quality:v:{i}": str(crf)}
        # VAAPI QVBR needs a target and a ceiling besides the quality.
        return {f"global_quality:v:{i}": str(crf), f"b:v:{i}": f"{maxrate_k}k", **cap}

    def _options(self, x264_preset: str, gop: int, keyframe_expr: str) -> dict[str, str]:
        common = {"c:v": self.codec, "g": str(gop), "force_key_frames": keyframe_expr}
        if self.family == Family.CPU:
            return {
                **common,
                "preset": x264_preset,
                "keyint_min": str(gop),
                "sc_threshold": "0",
            }
        if self.family == Family.NVENC:
            return {**common, "preset": "p4", "rc": "vbr", "forced-idr": "1", "no-scenecut": "1"}
        if self.family == Family.QSV:
            return {**common, "preset": "veryfast", "forced_idr": "1"}
        return {**common, "rc_mode": "VBR"}

    def describe(self) -> str:
        return self.codec if not self.device else f"{self.codec} ({self.device})"

    def with_mode(self, mode: QualityMode | None) -> VideoEncoder:
        return VideoEncoder(self.family, self.device, mode)


CPU_ENCODER = VideoEncoder(Family.CPU)


def render_node() -> str:
    nodes = sorted(Path("/dev/dri").glob("renderD*"))
    return str(nodes[0]) if nodes else DEFAULT_RENDER_NODE


def encoder_for(family: Family) -> VideoEncoder:
    if family == Family.VAAPI:
        return VideoEncoder(family, render_node())
    return VideoEncoder(family)


def trial_argv(ffmpeg: str, encoder: VideoEncoder) -> list[str]:
    """One second of a synthetic picture through ``encoder``, discarded."""
    chain = f"format={encoder.pix_fmt}"
    for name, opts in encoder.upload_filters():
        args = ":".join(f"{k}={v}" for k, v in opts.items())
        chain += f",{name}" + (f"={args}" if args else "")
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-v",
        "error",
        *encoder.global_args(),
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=1",
        "-vf",
        chain,
        "-c:v",
        encoder.codec,
        "-frames:v",
        "25",
        "-f",
        "null",
        "-",
    ]


@functools.lru_cache(maxsize=4)
def _working(ffmpeg: str, listed: frozenset[str]) -> tuple[Family, ...]:
    working = []
    for family in HW_ORDER:
        encoder = encoder_for(family)
        if encoder.codec not in listed:
            continue
        result = run_process(trial_argv(ffmpeg, encoder), timeout=TRIAL_TIMEOUT_S)
        if result.ok:
            working.append(family)
        else:
            log.info("hardware encoder %s unavailable: %s", encoder.codec, result.last_error_line())
    return tuple(working)


_trial_lock = threading.Lock()


def working_hardware(info: FFmpegInfo) -> tuple[Family, ...]:
    """Hardware encoder families that completed a trial encode (cached per binary)."""
    listed = frozenset(c for c in (CODEC_OF[f] for f in HW_ORDER) if info.has_encoder(c))
    # Workers start their first encodes together; one of them runs the trials.
    with _trial_lock:
        return _working(info.ffmpeg, listed)


def candidates(setting: str, info: FFmpegInfo) -> list[VideoEncoder]:
    """Encoders to try, in order; libx264 is always the last resort.

    ``cpu`` never touches hardware. ``auto`` uses the best hardware encoder that passed
    its trial. A named family is tried even when its trial failed (the operator asked
    for it), and falls back to libx264 like any failed hardware attempt.
    """
    if setting == "cpu":
        return [CPU_ENCODER]
    if setting == "auto":
        found = working_hardware(info)
        return [encoder_for(found[0]), CPU_ENCODER] if found else [CPU_ENCODER]
    return [encoder_for(Family(setting)), CPU_ENCODER]


# Process-wide semaphores, one per configured limit (tests may use several settings).
_sessions: dict[int, threading.BoundedSemaphore] = {}
_sessions_lock = threading.Lock()


def _semaphore(limit: int) -> threading.BoundedSemaphore:
    with _sessions_lock:
        if limit not in _sessions:
            _sessions[limit] = threading.BoundedSemaphore(limit)
        return _sessions[limit]


@contextlib.contextmanager
def hardware_session(
    encoder: VideoEncoder, limit: int, check_cancelled: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold one of ``limit`` hardware sessions while encoding (no-op for the CPU).

    Consumer GPUs cap concurrent encode sessions; past the cap the driver fails the
    open, so jobs queue here instead.
    """
    if not encoder.hardware:
        yield
        return
    semaphore = _semaphore(limit)
    while not semaphore.acquire(timeout=0.5):
        if check_cancelled is not None:
            check_cancelled()
    try:
        yield
    finally:
        semaphore.release()
