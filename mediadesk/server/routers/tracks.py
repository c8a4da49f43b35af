"""``/api/v1/media/{id}/subtitles``: add a subtitle file to a video; its HLS is updated
by a ``subtitles`` job, without re-encoding the video."""

from __future__ import annotations

import tempfile
from pathlib import Path

import anyio
from fastapi import APIRouter, Query, Request
from starlette.requests import ClientDisconnect

from mediadesk.engine.subtitle_files import MAX_BYTES
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.library.views import SubtitleFileView
from mediadesk.server.deps import Writer
from mediadesk.server.intake import safe_filename
from mediadesk.server.schemas import ApiModel

router = APIRouter(prefix="/api/v1/media", tags=["media"])


class SubtitleAdded(ApiModel):
    subtitle: SubtitleFileView
    job_id: str
    # No stream yet, or one being made: it joins the stream when that is done.
    waits_for_ladder: bool = False


@router.post(
    "/{media_id}/subtitles",
    response_model=SubtitleAdded,
    status_code=201,
    summary="Add a subtitle file (the request body; .srt, .ass, .ssa or .vtt, at most 5 MB)",
)
async def add_subtitle(
    media_id: str,
    request: Request,
    state: Writer,
    filename: str = Query(
        max_length=255, description="e.g. Movie.fr.forced.srt: language and flags"
    ),
) -> SubtitleAdded:
    name = safe_filename(filename)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
        raise InvalidInput(
            f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB", code=ErrorCode.TOO_LARGE
        )
    data = bytearray()
    try:
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_BYTES:
                raise InvalidInput(
                    f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB",
                    code=ErrorCode.TOO_LARGE,
                )
    except ClientDisconnect:
        raise InvalidInput("the client went away during the upload") from None
    staging = state.runtime.storage.staging_dir()
    staging.mkdir(parents=True, exist_ok=True)

    def add() -> SubtitleAdded:
        with tempfile.TemporaryDirectory(dir=staging) as tmp:
            path = Path(tmp) / "subtitle"
            path.write_bytes(bytes(data))
            added = state.runtime.tracks.add_subtitle(media_id, path, name)
        return SubtitleAdded(
            subtitle=added.subtitle, job_id=added.job_id, waits_for_ladder=added.waits_for_ladder
        )

    return await anyio.to_thread.run_sync(add)
