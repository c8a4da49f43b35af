"""The original specification's contract, exactly: upload, status, HLS."""

from __future__ import annotations

from fastapi import APIRouter, Request

from mediadesk.domain.enums import MediaStatus
from mediadesk.errors import NotFound
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.routers.upload_bodies import receive_multipart
from mediadesk.server.schemas import MediaFileStatus, UploadAccepted
from mediadesk.server.state import ServerState

router = APIRouter(tags=["contract"])


def media_status(state: ServerState, media_id: str) -> MediaFileStatus:
    media = state.runtime.library.get_media(media_id, detail=False)
    if media.deleted:
        raise NotFound(f"no media file {media_id}")
    ready = media.status == MediaStatus.READY
    hls = ready and state.runtime.storage.exists(f"hls/{media.id}/master.m3u8")
    return MediaFileStatus(
        id=media.id,
        status=media.status,
        manifest_url=state.manifest_path(media.id) if hls else None,
        error_message=media.error_message,
    )


@router.post(
    "/media/upload",
    response_model=UploadAccepted,
    response_model_by_alias=True,
    status_code=201,
    summary="Upload a media file (multipart/form-data, field 'file'); streamed to disk",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "movie": {"type": "string"},
                            "series": {"type": "string"},
                            "season": {"type": "integer"},
                            "episode": {"type": "integer"},
                            "title": {"type": "string"},
                            "tags": {"type": "string", "description": "comma-separated"},
                        },
                    }
                }
            },
        }
    },
)
async def upload(request: Request, state: Writer) -> UploadAccepted:
    result = await receive_multipart(request, state)
    return UploadAccepted(media_file_id=result.media.id, status=result.media.status)


@router.get(
    "/media-files/{media_id}",
    response_model=MediaFileStatus,
    response_model_by_alias=True,
    summary="A media file's processing status and, when READY, its HLS manifest URL",
)
def get_media_file(media_id: str, state: Reader) -> MediaFileStatus:
    return media_status(state, media_id)


def _stream_get(summary: str, parameters: list[str]) -> dict[str, object]:
    return {
        "get": {
            "tags": ["contract"],
            "summary": summary,
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in parameters
            ],
            "responses": {
                "200": {"content": {"application/vnd.apple.mpegurl": {}, "video/mp2t": {}}},
                "206": {"description": "A byte range"},
                "403": {"description": "Signed links are required, or the link expired"},
                "404": {"description": "No such file (or a path that could leave the root)"},
                "416": {"description": "Range not satisfiable"},
            },
        }
    }


# The stream paths are answered by the raw ASGI app in front of FastAPI (stream.py),
# never by FastAPI itself; these entries only document them in the OpenAPI schema.
STREAM_PATHS: dict[str, dict[str, object]] = {
    "/stream/hls/{media_id}/{path}": _stream_get(
        "HLS playlists and segments (master.m3u8 and everything it references)",
        ["media_id", "path"],
    ),
    "/stream/original/{media_id}": _stream_get(
        "The original file, with byte ranges (playable before any processing)", ["media_id"]
    ),
    "/stream/{area}/{media_id}/{path}": _stream_get(
        "Derived files: area is thumbnails, trickplay, waveforms or images",
        ["area", "media_id", "path"],
    ),
    "/stream/s/{expires}/{signature}/{rest}": _stream_get(
        "The signed form of any stream path (when server_signed_urls is on)",
        ["expires", "signature", "rest"],
    ),
}
