"""``/api/v1/imports``: import from an http(s) URL, in the background.

Imports are jobs (``fetch_url``, and ``copy_path`` for files the desktop app or
``mediadesk import --background`` queued): the list is the same the desktop app's
dock shows, it survives restarts, and the workers run them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query

from mediadesk.domain.enums import JobStatus
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.intake import target_from
from mediadesk.server.schemas import UrlImportRequest, UrlImportView
from mediadesk.services.imports import ImportKind, ImportView

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])

# The API's three states, as documented before imports were jobs.
_STATUS = {JobStatus.COMPLETED: "DONE", JobStatus.FAILED: "FAILED", JobStatus.DEAD: "FAILED"}


def _view(item: ImportView) -> UrlImportView:
    return UrlImportView(
        id=item.id,
        url=item.source if item.kind == ImportKind.URL else Path(item.source).as_uri(),
        status=_STATUS.get(item.status, "RUNNING"),
        received_bytes=item.bytes_done or 0,
        total_bytes=item.bytes_total,
        media_file_id=item.media_file_id,
        duplicate=item.duplicate,
        error_code=item.error_code,
        error_message=item.error_message,
        kind=str(item.kind),
        name=item.name,
        state=item.state,
        percent=item.percent,
        eta_seconds=item.eta_seconds,
        next_step=item.next_step,
        created_at=item.created_at,
        completed_at=item.completed_at,
    )


@router.post("", response_model=UrlImportView, status_code=202, summary="Import from a URL")
def start(body: UrlImportRequest, state: Writer) -> UrlImportView:
    fields = {
        "movie": body.movie,
        "series": body.series,
        "season": None if body.season is None else str(body.season),
        "episode": None if body.episode is None else str(body.episode),
        "title": body.title,
    }
    item = state.runtime.imports.submit_url(body.url, target_from(fields), body.tags)
    return _view(item)


@router.get("", response_model=list[UrlImportView], summary="Imports, newest first")
def list_imports(
    state: Reader, limit: int = Query(default=100, ge=1, le=1000)
) -> list[UrlImportView]:
    return [_view(i) for i in state.runtime.imports.list(limit)]


@router.get("/{import_id}", response_model=UrlImportView)
def get_import(import_id: str, state: Reader) -> UrlImportView:
    return _view(state.runtime.imports.get(import_id))
