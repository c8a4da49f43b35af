"""Run a snippet in a fresh interpreter, to see what importing or opening really loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_python(script: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``script`` under ``python -c`` with ``MEDIADESK_HOME=home``, from the repo root."""
    env = {**os.environ, "MEDIADESK_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
