"""The only module that starts external processes.

Every process runs in its own session (so cancel can signal the whole group), with
stdin closed, argv as a list (no shell), stderr teed to a log file and a bounded tail
kept for error messages, and ffmpeg's ``-progress`` stream turned into percent and
ETA. Cancel and timeout both mean: SIGTERM to the group, a grace period, SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from mediadesk.engine.progress import Progress, ProgressParser
from mediadesk.errors import ErrorCode, MediaDeskError, ProcessFailed, TransientError

# What ffmpeg prints when a write fails for want of room: ENOSPC, EFBIG (the file size
# limit, RLIMIT_FSIZE, with SIGXFSZ ignored) and EDQUOT.
DISK_FULL_MESSAGES = ("No space left on device", "File too large", "Disk quota exceeded")
TAIL_LINES = 40
TAIL_LINE_CHARS = 400
POLL_S = 0.05


class CancelToken:
    """Set from any thread; every process started with it is stopped."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "cancelled") -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


@dataclass
class ProcessResult:
    argv: list[str]
    exit_code: int
    duration_s: float
    pid: int
    stderr_tail: str = ""
    stdout: bytes | None = None
    stderr_log: Path | None = None
    progress_log: Path | None = None
    cancelled: bool = False
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.cancelled and not self.timed_out

    def last_error_line(self) -> str:
        lines = [ln for ln in self.stderr_tail.splitlines() if ln.strip()]
        return lines[-1] if lines else f"exit code {self.exit_code}"

    @property
    def disk_full(self) -> bool:
        """The process stopped for want of room: killed by SIGXFSZ (it went over
        RLIMIT_FSIZE), or it said a write failed with ENOSPC, EFBIG or EDQUOT."""
        if self.exit_code == -signal.SIGXFSZ:
            return True
        return self.exit_code != 0 and any(m in self.stderr_tail for m in DISK_FULL_MESSAGES)

    def failure(self, what: str) -> MediaDeskError:
        """The error for a non-zero exit: DISK_FULL (retry once there is room) or
        FFMPEG_FAILED, both retryable."""
        if self.disk_full:
            return TransientError(
                f"{what} ran out of disk space: {self.last_error_line()}", code=ErrorCode.DISK_FULL
            )
        return ProcessFailed(f"{what} failed: {self.last_error_line()}")


@dataclass
class ProcessHooks:
    """Callbacks for a running process (all optional, called from helper threads)."""

    on_start: Callable[[int], None] | None = None
    on_progress: Callable[[Progress], None] | None = None
    stdout_sink: Callable[[IO[bytes]], None] | None = None
    extra: dict[str, object] = field(default_factory=dict)


def run_process(
    argv: Sequence[str],
    *,
    log_dir: Path | None = None,
    log_name: str = "process",
    timeout: float | None = None,
    cancel: CancelToken | None = None,
    hooks: ProcessHooks | None = None,
    expected_duration: float | None = None,
    capture_stdout: bool = False,
    grace: float = 3.0,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ProcessResult:
    """Run ``argv`` to completion, cancellation or timeout; never raises for exit codes.

    With ``hooks.on_progress`` the program must be ffmpeg: ``-progress pipe:1
    -nostats`` is inserted right after the program name and stdout is parsed.
    ``hooks.stdout_sink`` instead receives stdout as a stream (e.g. PCM samples).
    """
    hooks = hooks or ProcessHooks()
    argv = list(argv)
    if hooks.on_progress is not None:
        argv[1:1] = ["-progress", "pipe:1", "-nostats"]
    stderr_log = progress_log = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        stderr_log = log_dir / f"{log_name}.stderr.log"
        if hooks.on_progress is not None:
            # ffmpeg's stdout is its -progress stream; the attempt row points at this name.
            progress_log = log_dir / f"{log_name}.stdout.log"

    started = time.monotonic()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=dict(env) if env is not None else None,
        cwd=cwd,
    )
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    stdout_box: list[bytes] = []
    readers = [
        threading.Thread(target=_pump_stderr, args=(proc, argv, stderr_log, tail), daemon=True),
        threading.Thread(
            target=_pump_stdout,
            args=(proc, hooks, progress_log, expected_duration, capture_stdout, stdout_box),
            daemon=True,
        ),
    ]
    for reader in readers:
        reader.start()
    if hooks.on_start is not None:
        hooks.on_start(proc.pid)

    cancelled = timed_out = False
    try:
        while proc.poll() is None:
            if cancel is not None and cancel.cancelled:
                cancelled = True
                break
            if timeout is not None and time.monotonic() - started > timeout:
                timed_out = True
                break
            time.sleep(POLL_S)
        if cancelled or timed_out:
            terminate_group(proc, grace)
    except BaseException:
        terminate_group(proc, 0.5)
        raise
    finally:
        proc.wait()
        for reader in readers:
            reader.join(timeout=5)

    return ProcessResult(
        argv=argv,
        exit_code=proc.returncode,
        duration_s=time.monotonic() - started,
        pid=proc.pid,
        stderr_tail="\n".join(tail),
        stdout=stdout_box[0] if stdout_box else None,
        stderr_log=stderr_log,
        progress_log=progress_log,
        cancelled=cancelled,
        timed_out=timed_out,
    )


def terminate_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the process group, wait ``grace`` seconds, then SIGKILL it."""
    signal_group(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)
    signal_group(proc.pid, signal.SIGKILL)


def signal_group(pgid: int, sig: signal.Signals) -> bool:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _pump_stderr(
    proc: subprocess.Popen[bytes], argv: list[str], log: Path | None, tail: deque[str]
) -> None:
    assert proc.stderr is not None
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(log, "ab")) if log else None
        if out is not None:
            out.write(f"$ {shlex.join(argv)}\n".encode())
            out.flush()
        for raw in iter(proc.stderr.readline, b""):
            if out is not None:
                out.write(raw)
                out.flush()  # live viewers tail this file
            for piece in raw.replace(b"\r", b"\n").split(b"\n"):
                text = piece.decode("utf-8", "replace").rstrip()
                if text:
                    tail.append(text[:TAIL_LINE_CHARS])
        if out is not None:
            proc.wait()
            out.write(f"[exit code {proc.returncode}]\n".encode())


def _pump_stdout(
    proc: subprocess.Popen[bytes],
    hooks: ProcessHooks,
    log: Path | None,
    expected_duration: float | None,
    capture: bool,
    box: list[bytes],
) -> None:
    assert proc.stdout is not None
    if hooks.stdout_sink is not None:
        hooks.stdout_sink(proc.stdout)
        proc.stdout.read()  # drain whatever the sink left
        return
    if capture:
        box.append(proc.stdout.read())
        return
    parser = ProgressParser(expected_duration)
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(log, "ab")) if log else None
        for raw in iter(proc.stdout.readline, b""):
            if out is not None:
                out.write(raw)
            update = parser.feed(raw.decode("utf-8", "replace"))
            if update is not None and hooks.on_progress is not None:
                if out is not None:
                    out.flush()
                hooks.on_progress(update)
