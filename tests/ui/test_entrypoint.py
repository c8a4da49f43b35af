"""`mediadesk` with a display starts the desktop app; SIGTERM quits it cleanly.

The display is a real X server (Xvfb) and the app draws on it with Qt's xcb platform,
so "the window opened" is what the X server says: a top-level window titled MediaDesk,
mapped and viewable (``xwininfo``, from x11-utils).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mediadesk.runtime import LibraryLock
from tests.waiting import wait_until

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.slow]

TITLE = "MediaDesk"


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb; it picks a free display number and writes it to a pipe."""
    for tool in ("Xvfb", "xwininfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (run `make test`, which installs it)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()  # written once the server accepts clients
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def window_info(display: str) -> str:
    """``xwininfo`` for the window titled MediaDesk, or "" while there is none."""
    found = subprocess.run(
        ["xwininfo", "-display", display, "-name", TITLE],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return found.stdout if found.returncode == 0 else ""


def test_mediadesk_command_opens_the_app_and_quits_on_sigterm(home: Path, x_display: str) -> None:
    env = {
        **os.environ,
        "MEDIADESK_HOME": str(home),
        "MEDIADESK_SERVER_PORT": "0",
        "DISPLAY": x_display,
        "QT_QPA_PLATFORM": "xcb",
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

        def mapped_window() -> str:
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise AssertionError(f"the app exited with {proc.returncode}:\n{out}")
            return window_info(x_display)

        info = wait_until(
            mapped_window,
            f"a window titled {TITLE!r} to be mapped",
            until=lambda info: "Map State: IsViewable" in info,
        )
        assert f'"{TITLE}"' in info
        # The app holds the library while its window is open.
        assert (home / "mediadesk.lock").read_text().startswith(f"pid {proc.pid}")
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert window_info(x_display) == "", "the window outlived the app"
    # The app released the library: another process may open it now.
    other = LibraryLock(home / "mediadesk.lock")
    other.acquire()
    other.release()
    assert "Traceback" not in out
    assert "MediaDesk serving library" not in out  # the window opened, not `serve`
