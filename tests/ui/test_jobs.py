"""The jobs view and the log viewer, against real ffmpeg jobs on real workers."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import JobStatus
from mediadesk.errors import ErrorCode
from mediadesk.events import JobProgress
from mediadesk.jobs.spec import JobSpec
from tests.jobtypes import EncodeInput, FailInput
from tests.waiting import wait_until
from ui.main_window import JOBS_TAB

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]

WAIT_MS = 60_000


def submit_encode(window, seconds: float = 30.0) -> str:  # type: ignore[no-untyped-def]
    view = window.shell.runtime.jobs.submit(
        JobSpec(type="test_encode", input=EncodeInput(seconds=seconds, label="ui"))
    )
    return view.id


def row_status(jobs_view, job_id: str) -> JobStatus | None:  # type: ignore[no-untyped-def]
    row = jobs_view.model.row_of(job_id)
    job = jobs_view.model.job(row) if row is not None else None
    return job.status if job is not None else None


def header_agrees(jobs_view) -> bool:  # type: ignore[no-untyped-def]
    """The count above the table says what the rows say (read with them, not apart)."""
    model = jobs_view.model
    states = [model.job(r).status for r in range(model.rowCount())]
    said = {
        part.split(" ", 1)[1]: int(part.split(" ", 1)[0])
        for part in jobs_view.counts.text().split(" · ")
        if part
    }
    shown = {words.job_status(s).lower(): states.count(s) for s in set(states)}
    return said == shown


def test_cancel_a_running_job_from_the_jobs_view(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(JOBS_TAB)
    jobs_view = window.jobs
    job_id = submit_encode(window)
    qtbot.waitUntil(lambda: row_status(jobs_view, job_id) == JobStatus.PROCESSING, timeout=WAIT_MS)
    assert header_agrees(jobs_view) and jobs_view.counts.text() == "1 running"
    # Progress arrives through events and shows in the row (percent and ETA).
    row = jobs_view.model.row_of(job_id)
    qtbot.waitUntil(lambda: jobs_view.model.index(row, 2).data() not in ("", None), timeout=WAIT_MS)
    assert jobs_view.model.index(row, 2).data().endswith("%")

    assert jobs_view.select_job(job_id)
    assert jobs_view.buttons["Cancel"].isEnabled()
    assert not jobs_view.buttons["Retry"].isEnabled()
    jobs_view.buttons["Cancel"].click()
    qtbot.waitUntil(lambda: row_status(jobs_view, job_id) == JobStatus.FAILED, timeout=WAIT_MS)
    assert header_agrees(jobs_view) and jobs_view.counts.text() == "1 failed"
    job = window.shell.runtime.jobs.get(job_id)
    assert job.error_code == ErrorCode.CANCELLED
    assert "Cancel: 1 job" in jobs_view.message.text()

    # A cancelled job can be retried and the filters narrow the list.
    qtbot.waitUntil(lambda: jobs_view.buttons["Retry"].isEnabled(), timeout=5_000)
    jobs_view.state_filter.setCurrentIndex(jobs_view.state_filter.findData(JobStatus.COMPLETED))
    assert jobs_view.model.row_of(job_id) is None
    jobs_view.state_filter.setCurrentIndex(jobs_view.state_filter.findData(JobStatus.FAILED))
    assert jobs_view.model.row_of(job_id) is not None
    jobs_view.type_filter.setCurrentIndex(jobs_view.type_filter.findData("probe"))
    assert jobs_view.model.rowCount() == 0


def test_a_heartbeat_does_not_take_the_row_back_to_older_progress(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Events carry progress as it happens, the job row only at each heartbeat: a
    ladder verifying its output after 90% of events read 0% in the table while the
    status bar said 90%. The row keeps the further along of the two."""
    window.tabs.setCurrentIndex(JOBS_TAB)
    model = window.jobs.model
    jobs = window.shell.runtime.jobs
    job_id = submit_encode(window)
    qtbot.waitUntil(
        lambda: row_status(window.jobs, job_id) == JobStatus.PROCESSING, timeout=WAIT_MS
    )
    seen = model.job(model.row_of(job_id))
    status = window.status.workers
    qtbot.waitUntil(lambda: "Test encode" in status.text(), timeout=WAIT_MS)
    # An event further along than any heartbeat so far, delivered as the bridge delivers
    # it; Qt events are not processed again until the row has changed in the database.
    window.shell.bridge.jobProgress.emit(JobProgress(job_id, 97.0, 1.0, None))
    # One event, one number: the table and the status bar read it alike, at once.
    assert model.index(model.row_of(job_id), 2).data() == "97%"
    assert "Test encode 97%" in status.text()
    wait_until(
        lambda: jobs.get(job_id),
        "a heartbeat to change the job row",
        until=lambda v: v.heartbeat_at != seen.heartbeat_at and (v.progress or 0) < 97,
    )
    model.resync()
    assert model.index(model.row_of(job_id), 2).data() == "97%"
    jobs.cancel(job_id)
    qtbot.waitUntil(lambda: row_status(window.jobs, job_id) == JobStatus.FAILED, timeout=WAIT_MS)
    assert model.index(model.row_of(job_id), 2).data() == ""


def test_a_new_attempt_never_shows_where_the_last_one_stopped(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Each progress event names its attempt: after a retry, a late event of the first
    attempt (99%) shows nowhere; the new attempt's events show alike in the table, the
    status bar and the job log header."""
    window.tabs.setCurrentIndex(JOBS_TAB)
    model = window.jobs.model
    jobs = window.shell.runtime.jobs
    job_id = submit_encode(window, seconds=60.0)
    qtbot.waitUntil(
        lambda: row_status(window.jobs, job_id) == JobStatus.PROCESSING, timeout=WAIT_MS
    )
    jobs.cancel(job_id)
    qtbot.waitUntil(lambda: row_status(window.jobs, job_id) == JobStatus.FAILED, timeout=WAIT_MS)
    jobs.retry(job_id)
    qtbot.waitUntil(
        lambda: (
            (job := model.job(model.row_of(job_id))) is not None
            and job.status == JobStatus.PROCESSING
            and job.attempts == 2
        ),
        timeout=WAIT_MS,
    )
    status = window.status.workers
    qtbot.waitUntil(lambda: "Test encode" in status.text(), timeout=WAIT_MS)
    viewer = window.open_job_log(job_id)
    qtbot.waitUntil(lambda: viewer.job is not None and viewer.job.attempts == 2, timeout=WAIT_MS)
    bridge = window.shell.bridge
    bridge.jobProgress.emit(JobProgress(job_id, 99.0, 0.5, None, attempt=1))  # late, stale
    assert model.index(model.row_of(job_id), 2).data() != "99%"
    assert "99%" not in status.text() and "99%" not in viewer.header.text()
    bridge.jobProgress.emit(JobProgress(job_id, 98.0, 1.0, None, attempt=2))
    assert model.index(model.row_of(job_id), 2).data() == "98%"
    assert "Test encode 98%" in status.text()
    assert "98%" in viewer.header.text()
    viewer.close()
    jobs.cancel(job_id)
    qtbot.waitUntil(lambda: row_status(window.jobs, job_id) == JobStatus.FAILED, timeout=WAIT_MS)


def test_retry_replay_and_purge(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(JOBS_TAB)
    jobs_view = window.jobs
    jobs_view.confirm_purge = False
    failing = window.shell.runtime.jobs.submit(JobSpec(type="test_fail", input=FailInput())).id
    done = submit_encode(window, seconds=0.5)
    qtbot.waitUntil(lambda: row_status(jobs_view, done) == JobStatus.COMPLETED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: row_status(jobs_view, failing) == JobStatus.DEAD, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: row_status(jobs_view, done) == JobStatus.COMPLETED, timeout=WAIT_MS)

    jobs_view.select_job(done)
    jobs_view.buttons["Replay"].click()
    jobs = window.shell.runtime.jobs
    qtbot.waitUntil(
        lambda: jobs.get(done).attempts == 2 and jobs.get(done).status == JobStatus.COMPLETED,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: jobs_view.model.job(jobs_view.model.row_of(done)).attempts == 2)
    jobs_view.select_job(failing)
    jobs_view.buttons["Retry"].click()
    qtbot.waitUntil(lambda: window.shell.runtime.jobs.get(failing).attempts > 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: row_status(jobs_view, failing) == JobStatus.DEAD, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: row_status(jobs_view, done) == JobStatus.COMPLETED, timeout=WAIT_MS)

    jobs_view.select_job(done)
    assert [j.id for j in jobs_view.selected_jobs()] == [done]
    assert jobs_view.buttons["Purge"].isEnabled()
    jobs_view.buttons["Purge"].click()
    qtbot.waitUntil(lambda: "urge" in jobs_view.message.text(), timeout=WAIT_MS)
    assert jobs_view.message.text() == "Purge: 1 job"
    qtbot.waitUntil(lambda: jobs_view.model.row_of(done) is None, timeout=WAIT_MS)
    assert window.shell.runtime.jobs.list_jobs().total == 1


def test_log_viewer_follows_a_running_job(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    job_id = submit_encode(window, seconds=30)
    jobs = window.shell.runtime.jobs
    qtbot.waitUntil(lambda: jobs.get(job_id).status == JobStatus.PROCESSING, timeout=WAIT_MS)
    viewer = window.open_job_log(job_id)
    assert viewer.isVisible()
    # stdout is ffmpeg's -progress stream: it keeps growing while we watch.
    qtbot.waitUntil(lambda: "out_time=" in viewer.stdout.toPlainText(), timeout=WAIT_MS)
    first = viewer.stdout.toPlainText().count("progress=continue")
    qtbot.waitUntil(
        lambda: viewer.stdout.toPlainText().count("progress=continue") > first + 2, timeout=WAIT_MS
    )
    assert viewer.followers["stdout"].following
    assert "Following" in viewer.status.text()
    # The exact command, from the running log, copyable.
    qtbot.waitUntil(lambda: bool(viewer.command_lines()), timeout=WAIT_MS)
    assert "testsrc2" in viewer.command_lines()[0]
    viewer.copy_command()
    assert "ffmpeg" in QGuiApplication.clipboard().text()
    assert viewer.attempts.count() == 1
    assert viewer.attempts.item(0).text() == "#1 Running"  # words, as the State column

    jobs.cancel(job_id)
    qtbot.waitUntil(lambda: not viewer.followers["stdout"].following, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Log complete" in viewer.status.text(), timeout=WAIT_MS)
    # Once the attempt is recorded, its commands (with exit status) replace the log's.
    qtbot.waitUntil(lambda: "→ exit" in viewer.commands.toPlainText(), timeout=WAIT_MS)
    assert "(cancelled)" in viewer.commands.toPlainText()
    assert "CANCELLED" in viewer.header.text()
    qtbot.waitUntil(lambda: viewer.attempts.item(0).text().startswith("#1 Cancelled · "))
    stderr = viewer.stderr.toPlainText()
    assert stderr.startswith("# ") and "$ " in stderr  # our notes, then the command


def test_finished_log_opens_complete(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    job_id = submit_encode(window, seconds=0.5)
    jobs = window.shell.runtime.jobs
    qtbot.waitUntil(lambda: jobs.get(job_id).status == JobStatus.COMPLETED, timeout=WAIT_MS)
    viewer = window.open_job_log(job_id)
    assert not viewer.followers["stderr"].following
    assert "completed" in viewer.stderr.toPlainText()
    assert "progress=end" in viewer.stdout.toPlainText()
    assert window.open_job_log(job_id) is viewer  # one viewer per job
