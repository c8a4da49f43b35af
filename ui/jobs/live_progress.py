"""Running jobs' percent and ETA, as the jobs table, the status bar and the job log
header all show it: one object on the shell, fed by the bridge's progress events.

Events come as work happens, the job row only at each heartbeat: within one attempt
the further along wins. An event belongs to the attempt that sent it, so a replayed
job's new attempt never shows the percent where the last one stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediadesk.domain.enums import JobStatus
from mediadesk.events import JobProgress
from mediadesk.jobs.views import JobView


@dataclass(frozen=True)
class _Live:
    attempt: int | None
    percent: float | None
    eta_s: float | None


class LiveProgress:
    def __init__(self) -> None:
        self._live: dict[str, _Live] = {}

    def on_progress(self, event: JobProgress) -> None:
        old = self._live.get(event.job_id)
        same = old is not None and old.attempt == event.attempt
        kept = old.percent if same and old is not None else None
        percent = event.percent if event.percent is not None else kept
        self._live[event.job_id] = _Live(event.attempt, percent, event.eta_s)

    def of(self, job: JobView) -> tuple[float | None, float | None]:
        """(percent, ETA in seconds) of ``job``; nothing for a job that is not running."""
        if job.status != JobStatus.PROCESSING:
            return None, None
        live = self._live.get(job.id)
        if live is None or live.percent is None or live.attempt not in (None, job.attempts):
            return job.progress, job.eta_seconds
        if job.progress is not None and job.progress > live.percent:
            return job.progress, job.eta_seconds  # a heartbeat from further along
        return live.percent, live.eta_s

    def forget(self, job_id: str) -> None:
        self._live.pop(job_id, None)
