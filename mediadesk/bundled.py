"""Where the data directories shipped with MediaDesk live.

In a checkout (and an editable install) they sit beside the package; a wheel carries
them under ``mediadesk/_bundled``; a PyInstaller build unpacks them into ``_MEIPASS``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    candidates = [_PACKAGE_DIR.parent / name, _PACKAGE_DIR / "_bundled" / name]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"MediaDesk data directory {name!r} is missing from this install")


def presets_dir() -> Path:
    return data_dir("presets")


def migrations_dir() -> Path:
    return data_dir("migrations")


def resources_dir() -> Path:
    return data_dir("resources")
