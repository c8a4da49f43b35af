"""The core never imports Qt, and importing it has no side effects."""

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import mediadesk

ROOT = Path(__file__).resolve().parents[2]


def core_modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.walk_packages(mediadesk.__path__, prefix="mediadesk.")
        if ".__main__" not in m.name
    )


def test_core_never_imports_qt(tmp_path: Path) -> None:
    modules = core_modules()
    assert len(modules) > 20
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'ui'))\n"
        "print(','.join(bad))\n"
    )
    env = {**os.environ, "MEDIADESK_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert out.stdout.strip() == "", f"core pulled in Qt: {out.stdout}"
    # Importing everything created nothing: no home, no database, no queue file.
    assert not (tmp_path / "home").exists()
