"""``/api/v1/mastering``: ask for an audio master (a ``master_audio`` job)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.jobs.views import JobView
from mediadesk.library.views import Page
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.schemas import MasteringRequest

router = APIRouter(prefix="/api/v1/mastering", tags=["mastering"])
JOB_TYPE = "master_audio"


@router.post("", response_model=JobView, status_code=201, summary="Request a mastered version")
def request_master(body: MasteringRequest, state: Writer) -> JobView:
    if JOB_TYPE not in state.runtime.registry.names():
        raise InvalidInput(
            "audio mastering is not available in this build", code=ErrorCode.INVALID_PRESET
        )
    if body.input:
        # The preset states the whole intent (and is stored with the job for replay).
        raise InvalidInput(
            f"input: mastering takes no fields beyond the preset ({', '.join(sorted(body.input))})"
        )
    # The mastering service checks the files against the preset (no audio, music that
    # is not audio) and stores the preset itself in the job, as the CLI does.
    return state.runtime.mastering.master(
        body.media_file_id, body.preset, body.music_media_file_id, priority=body.priority
    )


@router.get("", response_model=Page[JobView], summary="Mastering requests, newest first")
def list_masters(
    state: Reader,
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=50, ge=1, le=1000),
) -> Page[JobView]:
    return state.runtime.jobs.list_jobs(job_type=JOB_TYPE, offset=offset, limit=limit)
