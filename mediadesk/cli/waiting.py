"""Waiting for work from the command line, with a progress bar on a terminal.

If no application is consuming this library, the waiting command becomes the
consumer itself for as long as it waits, so ``mediadesk import x --wait`` works on
its own.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from mediadesk.domain.enums import JobStatus, MediaStatus
from mediadesk.errors import ErrorCode, MediaDeskError
from mediadesk.jobs.views import JobView
from mediadesk.library.views import MediaFileView
from mediadesk.runtime import LibraryLock, Runtime

POLL_S = 0.25


@contextlib.contextmanager
def consuming(rt: Runtime, queues: list[str] | None = None) -> Iterator[None]:
    """Run workers here (on ``queues``, else all) unless another process already
    consumes this library."""
    started = False
    try:
        rt.acquire_app_lock()
    except MediaDeskError as exc:
        if exc.code != ErrorCode.LIBRARY_LOCKED:
            raise
    else:
        rt.start_workers(queues)
        started = True
    try:
        yield
    finally:
        if started:
            rt.stop()


def consumed_here(rt: Runtime) -> bool:
    """Does a process on this machine (the app, serve, a worker) consume this library?"""
    lock = LibraryLock(rt.settings.lock_path)
    try:
        lock.acquire()
    except MediaDeskError as exc:
        if exc.code != ErrorCode.LIBRARY_LOCKED:
            raise
        return True
    lock.release()
    return False


def say_if_idle(rt: Runtime, waiting: bool, also: str = "") -> None:
    """Where work waits and nothing on this machine would run it, say what starts it."""
    if waiting and not consumed_here(rt):
        print(
            "  nothing processes this library on this machine now: start the app or"
            f" `mediadesk serve`{also}"
        )


def _bar(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
        transient=False,
    )


def _tick(progress: Progress, tasks: dict[str, TaskID], jobs: list[JobView]) -> None:
    for job in jobs:
        if job.id not in tasks:
            tasks[job.id] = progress.add_task(job.type, total=100)
        done = 100.0 if job.status == JobStatus.COMPLETED else (job.progress or 0.0)
        label = job.type if job.status != JobStatus.FAILED else f"{job.type} FAILED"
        progress.update(tasks[job.id], completed=done, description=label)


def wait_for_media(
    rt: Runtime, media_ids: list[str], timeout: float | None, show_progress: bool
) -> list[MediaFileView]:
    """Wait until every file is Ready or Failed; the files in the order given."""
    deadline = None if timeout is None else time.monotonic() + timeout
    tasks: dict[str, TaskID] = {}
    settled = {MediaStatus.READY, MediaStatus.FAILED}
    with consuming(rt), _bar(show_progress and sys.stderr.isatty()) as progress:
        while True:
            media = rt.library.get_many(media_ids)
            jobs = [
                job
                for media_id in media_ids
                for job in rt.jobs.list_jobs(media_file_id=media_id, limit=1000).items
            ]
            _tick(progress, tasks, jobs)
            if all(m.status in settled for m in media):
                return [rt.library.get_media(media_id) for media_id in media_ids]
            if deadline is not None and time.monotonic() > deadline:
                left = [m.display_title for m in media if m.status not in settled]
                raise MediaDeskError(
                    f"gave up waiting for {', '.join(left)}", code=ErrorCode.TIMEOUT
                )
            time.sleep(POLL_S)


def wait_for_jobs(
    rt: Runtime,
    job_ids: list[str],
    timeout: float | None,
    show_progress: bool,
    queues: list[str] | None = None,
) -> list[JobView]:
    tasks: dict[str, TaskID] = {}
    with consuming(rt, queues), _bar(show_progress and sys.stderr.isatty()) as progress:
        return rt.jobs.wait(job_ids, timeout, on_tick=lambda js: _tick(progress, tasks, js))


def wait_for_derived(
    rt: Runtime, job_id: str, timeout: float | None, show_progress: bool
) -> tuple[JobView, MediaFileView | None]:
    """Wait for a job that makes a new media file, then for that file's own pipeline."""
    deadline = None if timeout is None else time.monotonic() + timeout
    tasks: dict[str, TaskID] = {}
    with consuming(rt), _bar(show_progress and sys.stderr.isatty()) as progress:
        while True:
            job = rt.jobs.get(job_id)
            _tick(progress, tasks, [job])
            if job.status.is_terminal:
                break
            if deadline is not None and time.monotonic() > deadline:
                raise MediaDeskError(f"gave up waiting for job {job_id}", code=ErrorCode.TIMEOUT)
            time.sleep(POLL_S)
        media_id = (job.result or {}).get("media_file_id")
        if job.status != JobStatus.COMPLETED or not media_id:
            return job, None
        while True:
            media = rt.library.get_media(media_id, detail=False)
            _tick(progress, tasks, rt.jobs.list_jobs(media_file_id=media_id, limit=1000).items)
            if media.status in (MediaStatus.READY, MediaStatus.FAILED):
                return job, rt.library.get_media(media_id)
            if deadline is not None and time.monotonic() > deadline:
                raise MediaDeskError(f"gave up waiting for {media_id}", code=ErrorCode.TIMEOUT)
            time.sleep(POLL_S)
