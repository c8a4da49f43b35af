"""``/api/v1/media``: list, get, delete, tags, jobs, and immediate playback URLs."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from mediadesk.domain.enums import ArtifactKind, MediaKind, MediaStatus
from mediadesk.domain.folders import HealthState
from mediadesk.errors import NotFound
from mediadesk.jobs.views import JobView
from mediadesk.library.views import MediaFileView, Page
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.schemas import Playback, PlaybackSubtitle, TagsUpdate
from mediadesk.server.state import ServerState
from mediadesk.services.library import MediaFilter
from mediadesk.storage import keys

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


def _artifact_path(state: ServerState, media: MediaFileView, kind: ArtifactKind) -> str | None:
    for artifact in media.artifacts or []:
        if artifact.kind == kind:
            return state.key_path(artifact.storage_key)
    return None


def playback_for(state: ServerState, media_id: str) -> Playback:
    """The original is playable the moment it is stored; HLS joins once published."""
    media = state.runtime.library.get_media(media_id, detail=True)
    if media.deleted:
        raise NotFound(f"no media file {media_id}")
    hls = state.runtime.storage.exists(keys.hls_master(media.id))
    original = state.original_path(media.id)
    hls_url = state.manifest_path(media.id) if hls else None
    return Playback(
        media_file_id=media.id,
        status=media.status,
        kind=str(media.kind),
        original_url=original,
        original_mime=media.mime,
        hls_url=hls_url,
        poster_url=_artifact_path(state, media, ArtifactKind.POSTER),
        waveform_url=_artifact_path(state, media, ArtifactKind.WAVEFORM_PNG),
        preferred_url=hls_url or original,
        subtitles=_subtitles(state, media) if hls else [],
        chapters_url=_artifact_path(state, media, ArtifactKind.CHAPTERS) if hls else None,
    )


def _subtitles(state: ServerState, media: MediaFileView) -> list[PlaybackSubtitle]:
    """Text tracks (whole WebVTT files), then picture subtitles burned in (masters)."""
    found = []
    for artifact in media.artifacts or []:
        params = artifact.params
        burned_in = artifact.kind == ArtifactKind.BURNED_SUBTITLES
        if burned_in:
            url = state.key_path(artifact.storage_key)
        elif artifact.kind == ArtifactKind.SUBTITLES:
            url = state.key_path(str(params.get("vtt", "")))
        else:
            continue
        if url:
            found.append(
                PlaybackSubtitle(
                    label=str(params.get("label") or ""),
                    language=params.get("language"),
                    forced=bool(params.get("forced")),
                    default=not burned_in and bool(params.get("default")),
                    url=url,
                    burned_in=burned_in,
                )
            )
    return sorted(found, key=lambda t: (t.burned_in, t.url))


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
