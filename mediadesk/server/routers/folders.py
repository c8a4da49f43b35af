"""``/api/v1/folders``: library folders referenced in place, their scans, skipped files.

A folder's files stay where they are; MediaDesk reads them (through the same safe
input path as stored originals) and keeps its outputs in its own storage. Adding a
folder names a path on the server's machine, so it is a write (token required).
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from mediadesk.domain.folders import FolderKind
from mediadesk.library.folder_views import FolderView, ScanReport, SkippedFileView
from mediadesk.server.deps import Reader, Writer

router = APIRouter(prefix="/api/v1/folders", tags=["folders"])


class FolderAdd(BaseModel):
    path: str = Field(min_length=1, max_length=4096, description="absolute, on the server")
    kind: FolderKind = FolderKind.MIXED
    watch: bool = False
    watch_mode: str = Field(default="auto", pattern="^(auto|notify|poll)$")
    scan: bool = Field(default=True, description="scan it at once")


class FolderUpdate(BaseModel):
    watch: bool
    watch_mode: str | None = Field(default=None, pattern="^(auto|notify|poll)$")


@router.get("", response_model=list[FolderView], summary="Library folders with their state")
def list_folders(state: Reader) -> list[FolderView]:
    return state.runtime.folders.list_folders()


@router.post("", response_model=FolderView, status_code=201, summary="Add a library folder")
def add_folder(body: FolderAdd, state: Writer) -> FolderView:
    folders = state.runtime.folders
    folder = folders.add(body.path, body.kind, body.watch, body.watch_mode)
    if body.scan:
        folders.scan(folder.id)
        folder = folders.get(folder.id)
    return folder


@router.post("/scan", response_model=list[ScanReport], summary="Scan every library folder")
def scan_all(state: Writer) -> list[ScanReport]:
    return state.runtime.folders.scan()


@router.get("/skipped", response_model=list[SkippedFileView], summary="Skipped files, all folders")
def skipped_all(
    state: Reader, limit: int = Query(default=1000, ge=1, le=10_000)
) -> list[SkippedFileView]:
    return state.runtime.folders.skipped(None, limit)


@router.get("/{folder_id}", response_model=FolderView)
def get_folder(folder_id: str, state: Reader) -> FolderView:
    return state.runtime.folders.get(folder_id)


@router.patch("/{folder_id}", response_model=FolderView, summary="Watch it or not")
def update_folder(folder_id: str, body: FolderUpdate, state: Writer) -> FolderView:
    return state.runtime.folders.set_watch(folder_id, body.watch, body.watch_mode)


@router.delete(
    "/{folder_id}",
    status_code=204,
    summary="Forget a folder: its files leave the library, never the disk",
)
def remove_folder(folder_id: str, state: Writer) -> Response:
    state.runtime.folders.remove(folder_id)
    return Response(status_code=204)


@router.post("/{folder_id}/scan", response_model=ScanReport, summary="Scan one folder")
def scan_folder(folder_id: str, state: Writer) -> ScanReport:
    (report,) = state.runtime.folders.scan(folder_id)
    return report


@router.get("/{folder_id}/skipped", response_model=list[SkippedFileView])
def skipped(
    folder_id: str, state: Reader, limit: int = Query(default=1000, ge=1, le=10_000)
) -> list[SkippedFileView]:
    return state.runtime.folders.skipped(folder_id, limit)
