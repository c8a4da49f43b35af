"""Versioned presets: JSON files under ``presets/`` validated by pydantic models.

A preset's id is its path below ``presets/`` without ``.json`` (``hls/ladder_v1``,
``audio/podcast_v1``). Every file names its ``kind``; the kind picks the model that
validates it. Unknown fields and out-of-range values are rejected with a message
naming the field.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mediadesk.bundled import presets_dir
from mediadesk.engine.preset_base import P, PresetBase, PresetSummary
from mediadesk.errors import ErrorCode, InvalidInput

_ID = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")


def _kinds() -> dict[str, type[PresetBase]]:
    # Imported on first use: the preset models pull in the media engine (numpy, Pillow),
    # which a process that only lists the library should not load.
    from mediadesk.engine.preset_kinds import KINDS

    return KINDS


def preset_path(preset_id: str, root: Path | None = None) -> Path:
    if not _ID.match(preset_id):
        raise InvalidInput(f"invalid preset id {preset_id!r}", code=ErrorCode.INVALID_PRESET)
    path = (root or presets_dir()) / f"{preset_id}.json"
    if not path.is_file():
        raise InvalidInput(f"no preset {preset_id!r}", code=ErrorCode.INVALID_PRESET)
    return path


def parse_preset(data: Any, source: str) -> PresetBase:
    kinds = _kinds()
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: a preset is a JSON object", code=ErrorCode.INVALID_PRESET)
    kind = data.get("kind")
    model = kinds.get(kind) if isinstance(kind, str) else None
    if model is None:
        known = ", ".join(sorted(kinds)) or "none"
        raise InvalidInput(
            f"{source}: kind: unknown preset kind {kind!r} (known: {known})",
            code=ErrorCode.INVALID_PRESET,
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'preset'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InvalidInput(f"{source}: {problems}", code=ErrorCode.INVALID_PRESET) from exc


def load_file(path: Path) -> PresetBase:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"{path}: not readable JSON ({exc})", code=ErrorCode.INVALID_PRESET
        ) from exc
    return parse_preset(data, str(path))


def load_preset(preset_id: str, root: Path | None = None) -> PresetBase:
    return load_file(preset_path(preset_id, root))


def load_typed(preset_id: str, model: type[P], root: Path | None = None) -> P:
    preset = load_preset(preset_id, root)
    if not isinstance(preset, model):
        raise InvalidInput(
            f"preset {preset_id!r} is a {preset.kind} preset, not {model.__name__}",
            code=ErrorCode.INVALID_PRESET,
        )
    return preset


def list_presets(root: Path | None = None) -> list[PresetSummary]:
    base = root or presets_dir()
    out = []
    for path in sorted(base.rglob("*.json")):
        preset_id = path.relative_to(base).with_suffix("").as_posix()
        preset = load_file(path)
        out.append(
            PresetSummary(
                id=preset_id,
                title=preset.title or preset_id,
                kind=preset.kind,
                version=preset.version,
                description=preset.description,
            )
        )
    return out
