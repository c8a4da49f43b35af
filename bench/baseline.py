"""The code of another git revision, for benchmarks that compare before and after in
one run: a whole tree to run a server from, or one module to import beside ours."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def export_tree(ref: str, into: Path | None = None) -> Path:
    """``ref``'s files (``git archive``) in a fresh directory; put it first on PYTHONPATH
    to run that revision's ``python -m mediadesk`` with this venv."""
    target = Path(tempfile.mkdtemp(prefix=f"mediadesk-{ref.replace('/', '_')}-", dir=into))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    tar_path = target / "tree.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(target, filter="data")
    tar_path.unlink()
    return target


def module_at(ref: str, relpath: str, name: str) -> ModuleType:
    """Import ``relpath`` as it is at ``ref`` under the module name ``name``."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:{relpath}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="mediadesk-baseline-")) / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
