"""``/api/v1/jobs``: list, inspect, cancel, retry, replay, purge, submit, live logs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

import anyio
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from mediadesk.domain.enums import JobStatus
from mediadesk.jobs.views import JobView, PurgeReport
from mediadesk.library.views import Page
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.schemas import JobSubmit

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])

POLL_S = 0.5
KEEPALIVE_S = 15.0


@router.get("", response_model=Page[JobView], summary="Jobs, newest first")
def list_jobs(
    state: Reader,
    status: JobStatus | None = None,
    type: str | None = Query(default=None, max_length=64),
    media_file_id: str | None = Query(default=None, alias="mediaFileId"),
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=50, ge=1, le=1000),
) -> Page[JobView]:
    return state.runtime.jobs.list_jobs(status, type, media_file_id, offset, limit)


@router.post("", response_model=JobView, status_code=201, summary="Submit a job of any type")
def submit(body: JobSubmit, state: Writer) -> JobView:
    """The input is checked against the type now: unknown or bad fields, a missing media
    file or an unknown preset are refused at once with the field named."""
    return state.runtime.jobs.submit_input(body.type, body.input, body.media_file_id, body.priority)


@router.get("/counts", summary="How many jobs are in each state")
def counts(state: Reader) -> dict[str, int]:
    return state.runtime.jobs.counts()


@router.get("/{job_id}", response_model=JobView, summary="One job with every attempt")
def get_job(job_id: str, state: Reader) -> JobView:
    return state.runtime.jobs.get(job_id)


@router.post("/{job_id}/cancel", response_model=JobView)
def cancel(job_id: str, state: Writer) -> JobView:
    return state.runtime.jobs.cancel(job_id)


@router.post("/{job_id}/retry", response_model=JobView, summary="Run a FAILED or DEAD job again")
def retry(job_id: str, state: Writer) -> JobView:
    return state.runtime.jobs.retry(job_id)


@router.post("/{job_id}/replay", response_model=JobView, summary="Re-run a finished job")
def replay(job_id: str, state: Writer) -> JobView:
    return state.runtime.jobs.replay(job_id)


@router.delete("/{job_id}", response_model=PurgeReport, summary="Purge a finished job")
def purge(job_id: str, state: Writer, artifacts: bool = False) -> PurgeReport:
    return state.runtime.jobs.purge(job_id, artifacts=artifacts)


@router.post("/purge", response_model=PurgeReport, summary="Purge jobs finished N days ago")
def purge_old(
    state: Writer, older_than_days: float = Query(alias="olderThanDays", ge=0)
) -> PurgeReport:
    return state.runtime.jobs.purge_older_than(older_than_days)


@router.get("/{job_id}/log", summary="A chunk of an attempt's log from an offset")
def log_chunk(
    job_id: str,
    state: Reader,
    offset: int = Query(default=0, ge=0),
    attempt: int | None = Query(default=None, ge=1),
    stream: str = Query(default="stderr", pattern="^(stderr|stdout)$"),
) -> dict[str, Any]:
    return asdict(state.runtime.jobs.log(job_id, attempt, stream, offset))


def sse(event: str, data: str, event_id: str | None = None) -> bytes:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines += [f"data: {line}" for line in data.split("\n")]
    return ("\n".join(lines) + "\n\n").encode()


@router.get(
    "/{job_id}/log/stream",
    summary="Follow an attempt's log live (Server-Sent Events, resumable with Last-Event-ID)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def log_stream(
    job_id: str,
    request: Request,
    state: Reader,
    offset: int = Query(default=0, ge=0),
    attempt: int | None = Query(default=None, ge=1),
    stream: str = Query(default="stderr", pattern="^(stderr|stdout)$"),
    last_event_id: str | None = Header(default=None),
) -> StreamingResponse:
    jobs = state.runtime.jobs
    await anyio.to_thread.run_sync(jobs.get, job_id)  # 404 before the stream starts
    if last_event_id and last_event_id.isdigit():
        offset = int(last_event_id)

    async def events() -> AsyncIterator[bytes]:
        position, quiet_since = offset, time.monotonic()
        yield b"retry: 2000\n\n"
        # No request.is_disconnected() here: StreamingResponse already listens for the
        # disconnect and cancels this generator, and a second, cancelled receive() on
        # granian can end the response early.
        while True:
            chunk = await anyio.to_thread.run_sync(jobs.log, job_id, attempt, stream, position)
            if chunk.data:
                position = chunk.next_offset
                quiet_since = time.monotonic()
                yield sse("log", chunk.data, str(position))
                continue
            view = await anyio.to_thread.run_sync(jobs.get, job_id)
            if view.status.is_terminal:
                yield sse("end", view.status, str(position))
                return
            if time.monotonic() - quiet_since > KEEPALIVE_S:
                quiet_since = time.monotonic()
                yield b": keep-alive\n\n"
            await asyncio.sleep(POLL_S)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.options("/{job_id}/log/stream", include_in_schema=False)
def _preflight() -> Response:
    return Response(status_code=204)
