"""The words people see for a job's state: one vocabulary for the app, the web and the CLI.

The database keeps ``PENDING``, ``PROCESSING``...; people read "Waiting", "Running"
(or what the job does: "Importing"), "Done", "Failed". A cancelled job is FAILED with
the code ``CANCELLED`` underneath and reads "Cancelled"; a job that used up its
retries (DEAD) reads "Gave up".
"""

from __future__ import annotations

from mediadesk.domain.enums import JobStatus

CANCELLED_CODE = "CANCELLED"

STATE_WORDS: dict[JobStatus, str] = {
    JobStatus.PENDING: "Waiting",
    JobStatus.PROCESSING: "Running",
    JobStatus.COMPLETED: "Done",
    JobStatus.FAILED: "Failed",
    JobStatus.DEAD: "Gave up",
}


def job_state(
    status: JobStatus,
    *,
    cancel_requested: bool = False,
    error_code: str | None = None,
    running: str = "Running",
) -> str:
    """The state in people's words; ``running`` names what a running job does."""
    if status == JobStatus.PROCESSING:
        return "Cancelling" if cancel_requested else running
    if status == JobStatus.FAILED and error_code == CANCELLED_CODE:
        return "Cancelled"
    return STATE_WORDS[status]
