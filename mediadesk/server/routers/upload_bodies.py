"""Upload endpoints: multipart (the contract), raw PUT, and their shared plumbing."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from starlette.requests import ClientDisconnect

from mediadesk.errors import InvalidInput
from mediadesk.library.views import ImportResult
from mediadesk.server.deps import Writer
from mediadesk.server.intake import import_upload, safe_filename
from mediadesk.server.limits import MULTIPART_SLACK, declared_length, upload_room
from mediadesk.server.multipart import MultipartError, boundary_from
from mediadesk.server.state import ServerState
from mediadesk.server.uploads import stage_multipart, stage_stream
from mediadesk.storage.base import StagingWriter

router = APIRouter(prefix="/api/v1/uploads", tags=["uploads"])


def _limit(request: Request, state: ServerState, slack: int = 0) -> int:
    """What this body may send; 413 at once when it announces more."""
    room = upload_room(state)
    declared = declared_length(request.headers.get("content-length"))
    if declared is not None:
        room.check(declared, slack)
    return room.limit + slack


async def body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        yield chunk


async def receive_multipart(request: Request, state: ServerState) -> ImportResult:
    limit = _limit(request, state, MULTIPART_SLACK)
    try:
        boundary = boundary_from(request.headers.get("content-type"))
    except MultipartError as exc:
        raise InvalidInput(str(exc)) from None
    with StagingWriter(state.runtime.storage.staging_dir()) as writer:
        try:
            got = await stage_multipart(
                body(request), boundary, writer, limit, state.runtime.settings.server_body_timeout
            )
        except MultipartError as exc:
            raise InvalidInput(str(exc)) from None
        except ClientDisconnect:
            raise InvalidInput("the client went away during the upload") from None
    fields = {k: v[-1] for k, v in got.fields.items()}
    return await import_upload(state, got.staged, got.filename, fields)


@router.post(
    "",
    response_model=ImportResult,
    status_code=201,
    summary="Upload (multipart/form-data, field 'file'); answers with the full import result",
)
async def upload_multipart(request: Request, state: Writer) -> ImportResult:
    return await receive_multipart(request, state)


@router.put(
    "/{filename}",
    response_model=ImportResult,
    status_code=201,
    summary="Upload the raw request body as a file named {filename}",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def upload_raw(
    filename: str,
    request: Request,
    state: Writer,
    movie: str | None = None,
    series: str | None = None,
    season: int | None = None,
    episode: int | None = None,
    title: str | None = None,
    tags: str | None = Query(default=None, description="comma-separated"),
) -> ImportResult:
    limit = _limit(request, state)
    with StagingWriter(state.runtime.storage.staging_dir()) as writer:
        try:
            staged = await stage_stream(
                body(request), writer, limit, state.runtime.settings.server_body_timeout
            )
        except ClientDisconnect:
            raise InvalidInput("the client went away during the upload") from None
    fields = {
        "movie": movie,
        "series": series,
        "season": None if season is None else str(season),
        "episode": None if episode is None else str(episode),
        "title": title,
        "tags": tags,
    }
    return await import_upload(state, staged, safe_filename(filename), fields)
