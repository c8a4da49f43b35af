"""Encoder choice and the hardware session cap (no trial encodes run here)."""

from __future__ import annotations

import threading

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
    inside, lock = 0, threading.Lock()
    both_in, release, refused = threading.Event(), threading.Event(), threading.Event()
    seen_by_third: list[int] = []

    def encode() -> None:
        nonlocal inside
        with hardware_session(encoder, 2):
            with lock:
                inside += 1
                if inside == 2:
                    both_in.set()
            release.wait(timeout=10)
            with lock:
                inside -= 1

    def third() -> None:
        # The session loop calls this only after a wait for a free session timed out:
        # the third encode was turned away while two were inside.
        def turned_away() -> None:
            with lock:
                seen_by_third.append(inside)
            refused.set()

        with hardware_session(encoder, 2, check_cancelled=turned_away), lock:
            seen_by_third.append(inside)

    holders = [threading.Thread(target=encode) for _ in range(2)]
    for t in holders:
        t.start()
    assert both_in.wait(timeout=10)
    waiting = threading.Thread(target=third)
    waiting.start()
    assert refused.wait(timeout=10), "a third session got in past the cap of two"
    release.set()
    for t in [*holders, waiting]:
        t.join(timeout=10)
    # Turned away (maybe more than once) while two were inside; in once one left.
    assert set(seen_by_third[:-1]) == {2} and seen_by_third[-1] < 2


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
