"""The JSON shapes printed by ``--json``, as JSON Schema (docs/schemas/ holds them).

``python -m mediadesk.cli.schemas docs/schemas`` regenerates the files; a test fails
when a shape changes without its documented schema changing with it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, RootModel

from mediadesk.jobs.views import DerivedReport, JobView, PurgeReport
from mediadesk.library.folder_views import (
    FolderView,
    HealthCheckView,
    ScanReport,
    SkippedFileView,
)
from mediadesk.library.views import (
    AlbumView,
    ImportResult,
    LibraryListing,
    MediaFileView,
    NfoExportReport,
    Page,
    StorageStats,
)
from mediadesk.services.imports import ImportView

SHAPES: dict[str, type[BaseModel]] = {
    "import": ImportResult,
    "library-list": LibraryListing,
    "library-stats": StorageStats,
    "library-albums": RootModel[list[AlbumView]],
    "library-export-nfo": NfoExportReport,
    "media-show": MediaFileView,
    "media-list": Page[MediaFileView],
    "jobs-list": Page[JobView],
    "jobs-show": JobView,
    "jobs-purge": PurgeReport,
    "master": DerivedReport,
    "imports": RootModel[list[ImportView]],
    "import-background": ImportView,
    # Several sources in one command: a list of the one-source shape.
    "import-several": RootModel[list[ImportResult]],
    "import-background-several": RootModel[list[ImportView]],
    "folders-add": FolderView,
    "folders-list": RootModel[list[FolderView]],
    "folders-scan": RootModel[list[ScanReport]],
    "folders-skipped": RootModel[list[SkippedFileView]],
    "media-check": RootModel[list[HealthCheckView]],
}


def schema_of(name: str) -> dict[str, Any]:
    return SHAPES[name].model_json_schema(mode="serialization")


def write_all(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in SHAPES:
        text = json.dumps(schema_of(name), indent=2, sort_keys=True) + "\n"
        (target / f"{name}.schema.json").write_text(text)


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas"))
