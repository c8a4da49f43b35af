"""``/api/v1/library/stats``: where the library's bytes go; ``/albums``: what songs are on."""

from __future__ import annotations

from fastapi import APIRouter

from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.library.views import AlbumView, StorageStats
from mediadesk.server.deps import Reader

router = APIRouter(prefix="/api/v1/library", tags=["catalogue"])

GB = 1_000_000_000


@router.get(
    "/stats",
    response_model=StorageStats,
    summary="Storage: originals, each kind of output, each rendition, bytes per hour",
)
def library_stats(state: Reader) -> StorageStats:
    settings = state.runtime.settings
    gb = settings.ladder_budget_gb_per_hour
    return state.runtime.library.storage_stats(round(gb * GB) if gb else None)


@router.get(
    "/albums",
    response_model=list[AlbumView],
    summary="The albums the library's songs are on (from their tags), sorted as asked",
)
def library_albums(state: Reader, sort: CatalogueSort = CatalogueSort.TITLE) -> list[AlbumView]:
    return state.runtime.library.albums(sort)
