"""``/api/v1/uploads/tus``: the tus 1.0.0 protocol (core, creation, termination)."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Header, HTTPException, Request, Response
from starlette.requests import ClientDisconnect

from mediadesk.errors import InvalidInput, MediaDeskError
from mediadesk.server.deps import Writer
from mediadesk.server.intake import import_upload
from mediadesk.server.limits import BodyTimeout, pump, upload_room
from mediadesk.server.routers.upload_bodies import body
from mediadesk.server.tus import EXTENSIONS, TUS_VERSION, parse_metadata
from mediadesk.server.uploads import PipelinedWriter, task_group

router = APIRouter(prefix="/api/v1/uploads/tus", tags=["uploads"])
BASE = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}


def _check_version(value: str | None) -> None:
    if value != TUS_VERSION:
        raise HTTPException(
            412, "Tus-Resumable: 1.0.0 is required", headers={"Tus-Version": TUS_VERSION}
        )


@router.options("", status_code=204, summary="tus capabilities")
def capabilities(request: Request) -> Response:
    state = request.app.state.server
    headers = {**BASE, "Tus-Version": TUS_VERSION, "Tus-Extension": EXTENSIONS}
    limit = state.runtime.settings.server_max_upload_bytes
    if limit:
        headers["Tus-Max-Size"] = str(limit)
    return Response(status_code=204, headers=headers)


@router.post("", status_code=201, summary="Create a resumable upload (tus creation)")
def create(
    state: Writer,
    upload_length: str | None = Header(default=None),
    upload_metadata: str | None = Header(default=None),
    tus_resumable: str | None = Header(default=None),
) -> Response:
    _check_version(tus_resumable)
    if upload_length is None or not upload_length.isdigit():
        raise InvalidInput("Upload-Length is required (deferred length is not supported)")
    length = int(upload_length)
    upload_room(state).check(length)
    info = state.tus.create(length, parse_metadata(upload_metadata))
    return Response(
        status_code=201,
        headers={**BASE, "Location": f"/api/v1/uploads/tus/{info.id}", "Upload-Offset": "0"},
    )


@router.head("/{upload_id}", summary="The upload's current offset")
def offset(
    upload_id: str, state: Writer, tus_resumable: str | None = Header(default=None)
) -> Response:
    _check_version(tus_resumable)
    info = state.tus.get(upload_id)
    done = info.media_file_id is not None
    return Response(
        status_code=200,
        headers={
            **BASE,
            "Upload-Offset": str(info.length if done else state.tus.offset(upload_id)),
            "Upload-Length": str(info.length),
        },
    )


@router.get("/{upload_id}", summary="Upload status (not part of tus): offset and media id")
def status(upload_id: str, state: Writer) -> dict[str, Any]:
    info = state.tus.get(upload_id)
    done = info.media_file_id is not None
    return {
        "id": info.id,
        "length": info.length,
        "offset": info.length if done else state.tus.offset(upload_id),
        "metadata": info.metadata,
        "mediaFileId": info.media_file_id,
        "duplicate": info.duplicate,
        "error": info.error,
    }


@router.patch("/{upload_id}", status_code=204, summary="Append bytes at Upload-Offset")
async def append(
    upload_id: str,
    request: Request,
    state: Writer,
    upload_offset: str | None = Header(default=None),
    tus_resumable: str | None = Header(default=None),
) -> Response:
    _check_version(tus_resumable)
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/offset+octet-stream"
    ):
        raise HTTPException(415, "Content-Type must be application/offset+octet-stream")
    if upload_offset is None or not upload_offset.isdigit():
        raise InvalidInput("Upload-Offset is required")
    store = state.tus
    info, appender = await anyio.to_thread.run_sync(
        store.begin_patch, upload_id, int(upload_offset)
    )
    settings = state.runtime.settings
    room = info.length - int(upload_offset)
    disconnected = False
    stalled: BodyTimeout | None = None
    try:
        upload_room(state).check(room)  # free space may have gone since the creation
        async with task_group() as tg:
            pipe = PipelinedWriter(appender, room).bind(tg)
            try:
                await pump(tg, body(request), settings.server_body_timeout, pipe.write)
            except ClientDisconnect:
                disconnected = True  # keep what arrived: that is the point of tus
            except BodyTimeout as exc:
                stalled = exc  # dropped (408), but what arrived is kept for a resume
            await pipe.flush()
    finally:
        new_offset = await anyio.to_thread.run_sync(store.end_patch, upload_id, appender)
    if stalled is not None:
        raise stalled
    headers = {**BASE, "Upload-Offset": str(new_offset)}
    if disconnected or new_offset < info.length:
        return Response(status_code=204, headers=headers)
    try:
        staged = await anyio.to_thread.run_sync(store.staged, upload_id)
        meta = info.metadata
        fields = {k: meta.get(k) for k in ("movie", "series", "season", "episode", "title", "tags")}
        result = await import_upload(state, staged, meta.get("filename", "upload"), fields)
    except MediaDeskError as exc:
        await anyio.to_thread.run_sync(store.finish, info, None, False, exc.message)
        raise
    await anyio.to_thread.run_sync(store.finish, info, result.media.id, result.duplicate, None)
    headers["X-Media-File-Id"] = result.media.id
    return Response(status_code=204, headers=headers)


@router.delete("/{upload_id}", status_code=204, summary="Abandon an upload (tus termination)")
def terminate(
    upload_id: str, state: Writer, tus_resumable: str | None = Header(default=None)
) -> Response:
    _check_version(tus_resumable)
    state.tus.get(upload_id)
    state.tus.delete(upload_id)
    return Response(status_code=204, headers=BASE)
