"""`mediadesk` with a display starts the desktop app; SIGTERM quits it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediadesk.runtime import LibraryLock

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.slow]


def test_mediadesk_command_opens_the_app_and_quits_on_sigterm(home: Path) -> None:
    env = {
        **os.environ,
        "MEDIADESK_HOME": str(home),
        "MEDIADESK_SERVER_PORT": "0",
        "DISPLAY": os.environ.get("DISPLAY", ":0"),  # "a display is present"...
        "QT_QPA_PLATFORM": "offscreen",  # ...drawn offscreen
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    # The installed command, as `make run` starts it (not `python -m mediadesk`, which is
    # the core's headless command line).
    command = Path(sys.executable).with_name("mediadesk")
    assert command.exists(), "the mediadesk command is not installed in this venv"
    proc = subprocess.Popen(
        [str(command)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lock = home / "mediadesk.lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if lock.exists() and lock.read_text().startswith(f"pid {proc.pid}"):
                break
            time.sleep(0.1)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        time.sleep(3)  # the window paints, workers start
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    # The app released the library: another process may open it now.
    other = LibraryLock(home / "mediadesk.lock")
    other.acquire()
    other.release()
    assert "Traceback" not in out
    assert "MediaDesk serving library" not in out  # the window opened, not `serve`
