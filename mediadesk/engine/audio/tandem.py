"""Two ffmpegs at once: one writes a stream into a FIFO, the other measures it.

Measuring costs a second decode; run beside the producer it uses the second core and
adds almost nothing to the wall time (the AAC encoder is single-threaded). The FIFO
has two ways to hang, and both are closed here:

- the producer fails before it opens the FIFO: the meter waits in ``open()`` forever.
  Afterwards we open the write end ourselves and close it: the meter reads EOF.
- the meter fails before (or while) reading: the producer blocks on a full pipe, or
  in ``open()``. A drain thread then takes the reader's place until the producer ends.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mediadesk.engine.process import ProcessResult

POLL_S = 0.02
CHUNK = 1 << 16


class Runner(Protocol):
    """Runs one process (``JobContext.run`` is one; the benchmark has its own)."""

    def __call__(
        self,
        argv: Sequence[str],
        *,
        expected_duration: float | None = None,
        progress_range: tuple[float, float] = (0.0, 100.0),
        capture_stdout: bool = False,
        check: bool = True,
        what: str = "ffmpeg",
    ) -> ProcessResult: ...


@dataclass
class TandemResult:
    producer: ProcessResult
    meter: ProcessResult | None  # None when the meter could not run at all
    meter_error: BaseException | None = None


def make_fifo(path: Path) -> bool:
    """Create a FIFO at ``path``; False where the platform or filesystem cannot."""
    path.unlink(missing_ok=True)
    try:
        os.mkfifo(path, 0o600)
    except (OSError, AttributeError, NotImplementedError):
        return False
    return True


def run_tandem(
    run: Runner,
    producer: Sequence[str],
    meter: Sequence[str],
    fifo: Path,
    *,
    expected_duration: float | None,
    progress_range: tuple[float, float],
    what: str,
) -> TandemResult:
    """Run ``producer`` (it writes into ``fifo``) and ``meter`` (it reads it) together.

    The producer's failure is raised like any ``run``; the meter's is returned, so the
    caller can fall back to measuring the finished file.
    """
    meter_box: dict[str, object] = {}
    producer_done = threading.Event()

    def measure() -> None:
        try:
            meter_box["result"] = run(meter, capture_stdout=True, check=False, what=f"{what} meter")
        except BaseException as exc:  # re-raised (or reported) by the caller's thread
            meter_box["error"] = exc

    def drain_when_meter_quits() -> None:
        meter_thread.join()
        if not producer_done.is_set():
            _drain(fifo, producer_done)

    meter_thread = threading.Thread(target=measure, name="tandem-meter", daemon=True)
    watchdog = threading.Thread(target=drain_when_meter_quits, name="tandem-drain", daemon=True)
    meter_thread.start()
    watchdog.start()
    try:
        result = run(
            producer,
            expected_duration=expected_duration,
            progress_range=progress_range,
            what=what,
        )
    finally:
        producer_done.set()
        _release_reader(fifo, meter_thread)
        meter_thread.join()
        watchdog.join()
    error = meter_box.get("error")
    meter_result = meter_box.get("result")
    return TandemResult(
        producer=result,
        meter=meter_result if isinstance(meter_result, ProcessResult) else None,
        meter_error=error if isinstance(error, BaseException) else None,
    )


def _release_reader(fifo: Path, meter_thread: threading.Thread) -> None:
    """Give EOF to a meter still waiting for a writer (the producer never opened)."""
    while meter_thread.is_alive():
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno not in (errno.ENXIO, errno.ENOENT):
                return
        else:
            os.close(fd)
        meter_thread.join(POLL_S)


def _drain(fifo: Path, producer_done: threading.Event) -> None:
    """Read and discard the FIFO so that the producer never blocks on it."""
    try:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        while True:
            try:
                data = os.read(fd, CHUNK)
            except BlockingIOError:
                data = None
            if not data:
                if producer_done.is_set():
                    return
                producer_done.wait(POLL_S)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
