"""``/api/v1/library/stats``: where the library's bytes go."""

from __future__ import annotations

from fastapi import APIRouter

from mediadesk.library.views import StorageStats
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
