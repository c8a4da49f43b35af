"""A :class:`~mediadesk.engine.audio.tandem.Runner` outside the job machinery.

For the benchmark and engine tests: the same ``run_process`` jobs use, logging into a
directory, failing with the same errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mediadesk.engine.process import ProcessResult, run_process


class LocalRunner:
    def __init__(self, log_dir: Path | None = None, timeout: float = 3600.0) -> None:
        self.log_dir = log_dir
        self.timeout = timeout
        self.commands: list[ProcessResult] = []
        self.steps: list[tuple[str, float]] = []  # (what, seconds) per process

    def __call__(
        self,
        argv: Sequence[str],
        *,
        expected_duration: float | None = None,
        progress_range: tuple[float, float] = (0.0, 100.0),
        capture_stdout: bool = False,
        check: bool = True,
        what: str = "ffmpeg",
    ) -> ProcessResult:
        result = run_process(
            argv,
            log_dir=self.log_dir,
            log_name="run",
            timeout=self.timeout,
            capture_stdout=capture_stdout,
        )
        self.commands.append(result)
        self.steps.append((what, result.duration_s))
        if check and not result.ok:
            raise result.failure(what)
        return result
