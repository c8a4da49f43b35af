"""Encoder choice and the hardware session cap (no trial encodes run here)."""

from __future__ import annotations

import threading
import time

from mediadesk.engine.binaries import FFmpegInfo
from mediadesk.engine.encoders import (
    CPU_ENCODER,
    Family,
    VideoEncoder,
    candidates,
    hardware_session,
    trial_argv,
)

# An ffmpeg that lists no hardware encoder: nothing to trial.
SOFTWARE_ONLY = FFmpegInfo("ffmpeg", "ffprobe", "5.1", frozenset({"libx264", "aac"}), frozenset())


def test_cpu_setting_is_libx264_only() -> None:
    assert candidates("cpu", SOFTWARE_ONLY) == [CPU_ENCODER]


def test_auto_without_hardware_is_libx264() -> None:
    assert candidates("auto", SOFTWARE_ONLY) == [CPU_ENCODER]


def test_forced_family_is_tried_first_then_libx264() -> None:
    order = candidates("nvenc", SOFTWARE_ONLY)
    assert [e.codec for e in order] == ["h264_nvenc", "libx264"]
    assert [e.codec for e in candidates("qsv", SOFTWARE_ONLY)] == ["h264_qsv", "libx264"]


def test_trial_uses_the_same_upload_chain() -> None:
    argv = trial_argv("ffmpeg", VideoEncoder(Family.VAAPI, "/dev/dri/renderD129"))
    assert argv[argv.index("-vaapi_device") + 1] == "/dev/dri/renderD129"
    assert argv[argv.index("-vf") + 1] == "format=nv12,hwupload"
    assert argv[argv.index("-c:v") + 1] == "h264_vaapi"


def test_hardware_sessions_are_capped() -> None:
    encoder = VideoEncoder(Family.NVENC)
    inside, peak, lock = 0, 0, threading.Lock()
    two_inside = threading.Event()

    def encode() -> None:
        nonlocal inside, peak
        with hardware_session(encoder, 2):
            with lock:
                inside += 1
                peak = max(peak, inside)
                if inside == 2:
                    two_inside.set()
            # Hold the session until a second encode is in too: without a cap, more
            # threads would pile in meanwhile.
            two_inside.wait(timeout=5)
            time.sleep(0.01)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=encode) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert peak == 2


def test_cpu_encodes_are_not_capped() -> None:
    entered = threading.Barrier(3, timeout=5)

    def encode() -> None:
        with hardware_session(CPU_ENCODER, 1):
            entered.wait()  # would time out if only one could be inside

    threads = [threading.Thread(target=encode) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not entered.broken
