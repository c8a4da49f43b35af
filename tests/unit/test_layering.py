"""The floors hold: import-linter's contracts pass, and catch an upward import; the
core never loads Qt, and importing it has no side effects."""

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import mediadesk
from tests.fresh_python import fresh_python


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
    out = fresh_python(script, tmp_path / "home")
    assert out.stdout.strip() == "", f"core pulled in Qt: {out.stdout}"
    # Importing everything created nothing: no home, no database, no queue file.
    assert not (tmp_path / "home").exists()


REPO = Path(__file__).resolve().parents[2]


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the tree at ``root``, with the contracts of its pyproject.toml."""
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_floor_contracts_hold() -> None:
    out = _lint_imports(REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_an_upward_import_breaks_the_floors(tmp_path: Path) -> None:
    """The contracts are not decoration: a library module importing a service fails."""
    for name in ("mediadesk", "ui"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "mediadesk" / "library" / "models.py"
    models.write_text(models.read_text() + "\nimport mediadesk.services.library  # upward\n")

    out = _lint_imports(tmp_path)
    assert out.returncode != 0
    assert "mediadesk.library is not allowed to import mediadesk.services" in out.stdout
    assert "mediadesk.library.models -> mediadesk.services.library" in out.stdout
