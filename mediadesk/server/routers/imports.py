"""``/api/v1/imports``: import from an http(s) URL, in the background."""

from __future__ import annotations

from fastapi import APIRouter

from mediadesk.errors import NotFound
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.imports import ImportState
from mediadesk.server.intake import target_from
from mediadesk.server.schemas import UrlImportRequest, UrlImportView

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


def _view(item: ImportState) -> UrlImportView:
    return UrlImportView(**item.__dict__)


@router.post("", response_model=UrlImportView, status_code=202, summary="Import from a URL")
def start(body: UrlImportRequest, state: Writer) -> UrlImportView:
    fields = {
        "movie": body.movie,
        "series": body.series,
        "season": None if body.season is None else str(body.season),
        "episode": None if body.episode is None else str(body.episode),
        "title": body.title,
    }
    return _view(state.imports.start(body.url, target_from(fields), body.tags))


@router.get("", response_model=list[UrlImportView], summary="Recent URL imports")
def list_imports(state: Reader) -> list[UrlImportView]:
    return [_view(i) for i in state.imports.all()]


@router.get("/{import_id}", response_model=UrlImportView)
def get_import(import_id: str, state: Reader) -> UrlImportView:
    item = state.imports.get(import_id)
    if item is None:
        raise NotFound(f"no import {import_id}")
    return _view(item)
