"""``/api/v1/media``: list, get, delete, tags, jobs, and immediate playback URLs."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.domain.folders import HealthState
from mediadesk.errors import NotFound
from mediadesk.jobs.views import JobView
from mediadesk.library.views import MediaFileView, Page
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.schemas import Playback, PlaybackSubtitle, TagsUpdate
from mediadesk.server.state import ServerLocations, ServerState
from mediadesk.services.library import MediaFilter
from mediadesk.services.playback_plan import plan_playback

router = APIRouter(prefix="/api/v1/media", tags=["media"])


@router.get("", response_model=Page[MediaFileView], summary="Media files, newest first")
def list_media(
    state: Reader,
    kind: MediaKind | None = None,
    status: MediaStatus | None = None,
    search: str | None = Query(default=None, max_length=200),
    tag: str | None = Query(default=None, max_length=128),
    unattached: bool = False,
    missing: bool = False,  # only files gone from their library folder
    health: HealthState | None = None,  # HEALTHY or DAMAGED (the last health check)
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=50, ge=1, le=1000),
) -> Page[MediaFileView]:
    flt = MediaFilter(
        kind=kind,
        status=status,
        search=search,
        tag=tag,
        unattached=unattached,
        missing=missing,
        health=health,
    )
    return state.runtime.library.list_media(flt, offset=offset, limit=limit)


@router.get("/{media_id}", response_model=MediaFileView, summary="One media file in detail")
def get_media(media_id: str, state: Reader) -> MediaFileView:
    media = state.runtime.library.get_media(media_id, detail=True)
    if media.deleted:
        raise NotFound(f"no media file {media_id}")
    return media


@router.delete("/{media_id}", status_code=204, summary="Delete (soft, or purge=true for files too)")
def delete_media(
    media_id: str,
    state: Writer,
    purge: bool = False,
    delete_file: bool = Query(
        default=False,
        description="a file in a library folder: also delete it from the disk (only if asked)",
    ),
) -> Response:
    state.runtime.library.delete_media(
        media_id, purge=purge, delete_file=delete_file
    )  # stops its streams at once
    return Response(status_code=204)


@router.put("/{media_id}/tags", response_model=MediaFileView, summary="Replace the tags")
def set_tags(media_id: str, body: TagsUpdate, state: Writer) -> MediaFileView:
    return state.runtime.library.set_tags(media_id, body.tags)


@router.get("/{media_id}/jobs", response_model=Page[JobView], summary="The media file's jobs")
def media_jobs(media_id: str, state: Reader) -> Page[JobView]:
    return state.runtime.jobs.list_jobs(media_file_id=media_id, limit=200)


def playback_for(state: ServerState, media_id: str) -> Playback:
    """The original is playable the moment it is stored; HLS joins once published."""
    media = state.runtime.library.get_media(media_id, detail=True)
    if media.deleted:
        raise NotFound(f"no media file {media_id}")
    plan = plan_playback(media, ServerLocations(state))
    assert plan.original_url is not None  # the server always names it (404 if gone)
    return Playback(
        media_file_id=media.id,
        status=media.status,
        kind=str(media.kind),
        original_url=plan.original_url,
        original_mime=media.mime,
        hls_url=plan.stream_url,
        poster_url=plan.poster_url,
        waveform_url=plan.waveform_url,
        preferred_url=plan.preferred_url or plan.original_url,
        subtitles=[
            PlaybackSubtitle(
                label=t.label,
                language=t.language,
                forced=t.forced,
                default=t.default,
                url=t.url,
                burned_in=t.burned_in,
            )
            for t in (*plan.subtitles, *plan.burned)
        ],
        chapters_url=plan.chapters_url,
    )


@router.get(
    "/{media_id}/playback",
    response_model=Playback,
    response_model_by_alias=True,
    summary="Where to play it now: the original at once, HLS once it is ready",
)
def playback(media_id: str, state: Reader) -> Playback:
    return playback_for(state, media_id)


class HealthChecks(BaseModel):
    job_ids: list[str]


@router.post(
    "/check-all",
    response_model=HealthChecks,
    status_code=202,
    summary="Health-check every video and audio file (decoded whole)",
)
def check_all(state: Writer) -> HealthChecks:
    return HealthChecks(job_ids=state.runtime.health.check_all())


@router.post(
    "/{media_id}/check",
    response_model=HealthChecks,
    status_code=202,
    summary="Health-check a file: decoded whole, Healthy or Damaged with where",
)
def check_media(media_id: str, state: Writer) -> HealthChecks:
    return HealthChecks(job_ids=state.runtime.health.check([media_id]))
