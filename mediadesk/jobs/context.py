"""Everything a handler may use while it runs one attempt of one job."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from mediadesk.base_types import utcnow
from mediadesk.engine.binaries import FFmpegInfo
from mediadesk.engine.process import CancelToken, ProcessHooks, ProcessResult, run_process
from mediadesk.engine.progress import Progress
from mediadesk.errors import Cancelled, ErrorCode, TransientError
from mediadesk.jobs.spec import CommandRecord
from mediadesk.jobs.transfer import TransferMeter
from mediadesk.library.db import Database
from mediadesk.library.views import MediaFileView
from mediadesk.settings import Settings
from mediadesk.storage.base import Storage

log = logging.getLogger(__name__)

CANCEL_USER = "cancelled by user"
CANCEL_TIMEOUT = "timed out"
CANCEL_SHUTDOWN = "worker shutting down"

# Seconds over which a transfer's rate (and so its ETA) is measured.
TRANSFER_RATE_WINDOW_S = 5.0


class ProgressSink(Protocol):
    def __call__(
        self,
        percent: float | None,
        eta_s: float | None,
        speed: float | None,
        done: int | None = None,
        total: int | None = None,
    ) -> None: ...


@dataclass
class JobContext:
    job_id: str
    job_type: str
    attempt: int
    media: MediaFileView | None
    settings: Settings
    db: Database
    storage: Storage
    ffmpeg: FFmpegInfo
    scratch: Path
    log_dir: Path
    cancel: CancelToken
    deadline: float  # time.monotonic() value
    on_progress: ProgressSink
    on_process_start: Callable[[int], None]
    commands: list[CommandRecord] = field(default_factory=list)
    encoder: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    last_result: ProcessResult | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _transfer: TransferMeter | None = None

    @property
    def stderr_log(self) -> Path:
        return self.log_dir / "attempt.stderr.log"

    @property
    def stdout_log(self) -> Path:
        return self.log_dir / "attempt.stdout.log"

    def note(self, message: str) -> None:
        """A line of our own in the attempt's log, beside ffmpeg's output."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.stderr_log.open("a", encoding="utf-8") as fh:
            fh.write(f"# {utcnow().isoformat(timespec='seconds')} {message}\n")

    def check_cancelled(self) -> None:
        if self.cancel.cancelled:
            raise self._cancel_error()

    def _cancel_error(self) -> Exception:
        if self.cancel.reason == CANCEL_TIMEOUT:
            return TransientError(f"{self.job_type} job timed out", code=ErrorCode.TIMEOUT)
        if self.cancel.reason == CANCEL_SHUTDOWN:
            return TransientError("worker shut down", code=ErrorCode.WORKER_LOST)
        return Cancelled(f"{self.job_type} job cancelled")

    def report(self, percent: float | None, eta_s: float | None = None) -> None:
        self.on_progress(percent, eta_s, None)

    def report_bytes(self, done: int, total: int | None) -> None:
        """Progress of a copy or download: bytes, and the percent and ETA they imply."""
        if self._transfer is None:
            self._transfer = TransferMeter(TRANSFER_RATE_WINDOW_S)
        meter = self._transfer
        meter.update(done, total)
        self.on_progress(meter.percent, meter.eta_s(), meter.rate(), done, meter.total)

    def run(
        self,
        argv: Sequence[str],
        *,
        expected_duration: float | None = None,
        progress_range: tuple[float, float] = (0.0, 100.0),
        capture_stdout: bool = False,
        stdout_sink: Callable[[IO[bytes]], None] | None = None,
        check: bool = True,
        what: str = "ffmpeg",
    ) -> ProcessResult:
        """Run one process for this attempt; it is recorded, logged and cancelable."""
        self.check_cancelled()
        lo, hi = progress_range

        def progress(update: Progress) -> None:
            pct = None if update.percent is None else lo + (hi - lo) * update.percent / 100
            self.on_progress(pct, update.eta_s, update.speed)

        is_ffmpeg = Path(argv[0]).name.startswith("ffmpeg")
        hooks = ProcessHooks(
            on_start=self.on_process_start,
            on_progress=progress if is_ffmpeg and not stdout_sink and not capture_stdout else None,
            stdout_sink=stdout_sink,
        )
        started = utcnow().isoformat(timespec="milliseconds")
        result = run_process(
            argv,
            log_dir=self.log_dir,
            log_name="attempt",
            timeout=max(1.0, self.deadline - time.monotonic()),
            cancel=self.cancel,
            hooks=hooks,
            expected_duration=expected_duration,
            capture_stdout=capture_stdout,
            grace=self.settings.cancel_grace,
        )
        record = CommandRecord(
            argv=result.argv,
            exit_code=result.exit_code,
            duration_s=result.duration_s,
            started_at=started,
            cancelled=result.cancelled,
            timed_out=result.timed_out,
        )
        with self._lock:
            self.commands.append(record)
            self.last_result = result
        if result.cancelled:
            raise self._cancel_error()
        if result.timed_out:
            raise TransientError(f"{what} exceeded the job's time limit", code=ErrorCode.TIMEOUT)
        if check and result.exit_code != 0:
            raise result.failure(what)
        return result
