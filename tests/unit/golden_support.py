"""Golden files: argv lists (and recorded ffprobe JSON) checked into tests/unit/golden.

Set MEDIADESK_UPDATE_GOLDEN=1 to rewrite the argv files after an intended change;
review the diff like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.probe import parse_probe

GOLDEN = Path(__file__).parent / "golden"


def recorded_probe(name: str) -> MediaInfo:
    """A real ffprobe document recorded from a generated clip, parsed as in production."""
    doc: dict[str, Any] = json.loads((GOLDEN / f"probe_{name}.json").read_text())
    return parse_probe(doc)


def assert_golden(name: str, argv: list[str]) -> None:
    path = GOLDEN / f"argv_{name}.json"
    if os.environ.get("MEDIADESK_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(argv, indent=1) + "\n")
    assert path.exists(), f"{path.name} is missing; run with MEDIADESK_UPDATE_GOLDEN=1"
    expected = json.loads(path.read_text())
    assert argv == expected, f"argv differs from {path.name}"
