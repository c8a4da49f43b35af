"""The core never imports Qt, and importing it has no side effects."""

import ast
import pkgutil
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


QT_OR_SHELL = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "ui")


def test_no_core_module_names_qt_or_the_shell_even_lazily() -> None:
    """A function-level ``from ui... import`` would pass the import test above (it only
    runs when called); reading every import statement catches it."""
    offenders = []
    for path in Path(mediadesk.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [
                f"{path.name}:{node.lineno} {n}" for n in names if n.split(".")[0] in QT_OR_SHELL
            ]
    assert offenders == []
