"""Upload endpoints: multipart (the contract), raw PUT, and their shared plumbing."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from starlette.requests import ClientDisconnect

from mediadesk.errors import InvalidInput
from mediadesk.library.views import ImportResult
from mediadesk.server.deps import Writer
from mediadesk.server.intake import import_upload, safe_filename
from mediadesk.server.multipart import MultipartError, boundary_from
from mediadesk.server.state import ServerState
from mediadesk.server.uploads import stage_multipart, stage_stream
from mediadesk.storage.base import StagingWriter

router = APIRouter(prefix="/api/v1/uploads", tags=["uploads"])


def _declared_length(request: Request, state: ServerState) -> int | None:
    limit = state.runtime.settings.server_max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and limit is not None and int(declared) > limit + (1 << 20):
        from mediadesk.server.uploads import TooLarge

        raise TooLarge(f"the upload is larger than the {limit}-byte limit")
    return limit


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        yield chunk


async def receive_multipart(request: Request, state: ServerState) -> ImportResult:
    limit = _declared_length(request, state)
    try:
        boundary = boundary_from(request.headers.get("content-type"))
    except MultipartError as exc:
        raise InvalidInput(str(exc)) from None
    with StagingWriter(state.runtime.storage.staging_dir()) as writer:
        try:
            got = await stage_multipart(_body(request), boundary, writer, limit)
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
    limit = _declared_length(request, state)
    with StagingWriter(state.runtime.storage.staging_dir()) as writer:
        try:
            staged = await stage_stream(_body(request), writer, limit)
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
