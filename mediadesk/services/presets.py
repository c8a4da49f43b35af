"""Browsing presets: every file with its parameters, or why it does not validate.

``presets.list_presets`` stops at the first broken file, which is right for a job but
wrong for a browser: here each file is loaded on its own and a broken one is listed
with its error beside the good ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from mediadesk.bundled import presets_dir
from mediadesk.engine.preset_base import PresetBase
from mediadesk.engine.presets import load_file
from mediadesk.errors import MediaDeskError
from mediadesk.handlers.hls import HlsJob, PreviewJob

_COMMON = frozenset(PresetBase.model_fields)


class PresetEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str  # the preset's own, else its id
    path: str
    kind: str | None
    version: int | None
    description: str
    parameters: dict[str, Any]  # the kind-specific fields, as validated
    error: str | None = None  # set when the file does not validate

    @property
    def valid(self) -> bool:
        return self.error is None


def browse_presets(root: Path | None = None, kind: str | None = None) -> list[PresetEntry]:
    """Every preset file below ``root`` (default: the bundled presets), sorted by id."""
    base = root or presets_dir()
    entries = [_entry(base, path) for path in sorted(base.rglob("*.json"))]
    return [e for e in entries if kind is None or e.kind == kind]


def _entry(base: Path, path: Path) -> PresetEntry:
    preset_id = path.relative_to(base).with_suffix("").as_posix()
    try:
        preset = load_file(path)
    except MediaDeskError as exc:
        return PresetEntry(
            id=preset_id,
            title=preset_id,
            path=str(path),
            kind=_raw_kind(path),
            version=None,
            description="",
            parameters={},
            error=exc.message,
        )
    return PresetEntry(
        id=preset_id,
        title=preset.title or preset_id,
        path=str(path),
        kind=preset.kind,
        version=preset.version,
        description=preset.description,
        parameters=preset.model_dump(mode="json", exclude=set(_COMMON)),
    )


def _raw_kind(path: Path) -> str | None:
    """The ``kind`` a broken file claims, so the browser can still group it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def ladder_choices(root: Path | None = None) -> tuple[str, list[PresetEntry]]:
    """The streaming-version presets the ``hls`` step can be set to, and its default.

    The preview clip's ladder is of the same kind but made for its own step: not a
    choice for a title's streaming versions.
    """
    entries = [
        e
        for e in browse_presets(root, kind="hls_ladder")
        if e.valid and e.id != PreviewJob.default_preset
    ]
    return HlsJob.default_preset, entries
