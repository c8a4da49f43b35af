"""``/api/v1/presets``: the versioned presets this build ships."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from mediadesk.engine.preset_base import PresetSummary
from mediadesk.engine.presets import list_presets, load_preset
from mediadesk.server.deps import Reader

router = APIRouter(prefix="/api/v1/presets", tags=["presets"])


@router.get("", response_model=list[PresetSummary])
def presets(state: Reader) -> list[PresetSummary]:
    return list_presets()


@router.get("/{preset_id:path}", summary="One preset in full (id like hls/ladder_v1)")
def preset(preset_id: str, state: Reader) -> dict[str, Any]:
    return load_preset(preset_id).model_dump(mode="json")
