"""Screenshots of the desktop app with a small sample library (``make screenshots``).

Generates a few clips with ffmpeg's lavfi sources, imports them into a temporary
library, lets the real pipeline process them, then saves PNGs of the main window,
the player and the job log viewer. Run it under a display (``xvfb-run``, xcb), so the
player draws through OpenGL as it does on a desktop.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

SIZE = (1440, 900)

SOURCES = [
    # (file name, lavfi video source or None, seconds)
    ("Ocean.Documentary.2019.1080p.mp4", "testsrc2=size=640x360:rate=25", 12),
    ("Night.Train.2021.mp4", "smptehdbars=size=640x360:rate=25", 8),
    ("Garden.Show.S01E01.Pilot.mp4", "mandelbrot=size=640x360:rate=25", 8),
    ("Garden.Show.S01E02.Seeds.mp4", "rgbtestsrc=size=640x360:rate=25", 6),
    ("Interview raw take.mov", "testsrc=size=640x360:rate=25", 6),
    ("podcast-episode-12.m4a", None, 20),
]


def make_media(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (name, video, seconds) in enumerate(SOURCES):
        target = directory / name
        argv = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
        if video:
            argv += ["-f", "lavfi", "-i", video]  # -t below ends it
        tone = 220 + 110 * i
        argv += ["-f", "lavfi", "-i", f"sine=frequency={tone}:duration={seconds}"]
        if video:
            argv += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"]
        argv += ["-c:a", "aac", "-t", str(seconds), str(target)]
        subprocess.run(argv, check=True, timeout=300)
        out.append(target)
    from tests.media import make_image  # the suite's generator (the checkout is on sys.path)

    image = make_image(directory, "800x1200", source="gradients")
    image = image.rename(directory / "Poster artwork.jpg")
    out.append(image)
    return out


def hover_seek_bar(seek_bar: Any, fraction: float, pump: Callable[[float], None]) -> None:
    """Move the mouse over the seek bar as a user would, so the trickplay popup opens."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    x = int(seek_bar.width() * fraction)
    local = QPointF(x, seek_bar.height() / 2)
    for _ in range(10):  # the first move asks for the sheet; later ones show it
        event = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            local,
            QPointF(seek_bar.mapToGlobal(QPoint(x, seek_bar.height() // 2))),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(seek_bar, event)
        pump(0.3)


def screen_grab(app: Any, window: Any) -> Any:
    """The screen under the window (popups are windows of their own)."""
    frame = window.frameGeometry()
    return app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())


def main() -> int:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots").resolve()
    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mediadesk-shots-"))
    os.environ["MEDIADESK_HOME"] = str(work / "home")
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")  # a fresh QSettings
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

    from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
    from mediadesk.settings import load_settings
    from ui.app import application
    from ui.main_window import JOBS_TAB, LIBRARY_TAB, MainWindow
    from ui.shell import Shell

    files = make_media(work / "sample")
    app = application()
    shell = Shell.open(load_settings({"workers": 2}))
    shell.start_background()
    rt = shell.runtime
    targets = {
        "Ocean.Documentary.2019.1080p.mp4": MovieTarget("Ocean Documentary"),
        "Night.Train.2021.mp4": MovieTarget("Night Train"),
        "Garden.Show.S01E01.Pilot.mp4": EpisodeTarget("Garden Show", 1, 1, "Pilot"),
        "Garden.Show.S01E02.Seeds.mp4": EpisodeTarget("Garden Show", 1, 2, "Seeds"),
    }
    for path in files:
        rt.ingest.import_path(path, target=targets.get(path.name))

    window = MainWindow(shell)
    window.start()
    window.resize(*SIZE)
    window.show()
    window.after_first_paint()

    def pump(seconds: float, until: object = None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            if callable(until) and until():
                return
            time.sleep(0.05)

    def all_done() -> bool:
        counts = rt.jobs.counts()
        return rt.workers_running and counts["PENDING"] == 0 and counts["PROCESSING"] == 0

    pump(600, all_done)
    pump(2)
    lib = window.library
    lib.sidebar.node_item("series").setExpanded(True)
    lib.sidebar.node_item("movies").setExpanded(True)
    window.tabs.setCurrentIndex(LIBRARY_TAB)
    lib.model.resync()
    pump(1)
    lib.grid.setCurrentIndex(lib.model.index(lib.model.rowCount() - 1, 0))
    pump(3)
    window.grab().save(str(target / "main-window.png"))
    print("saved", target / "main-window.png")

    first = rt.library.list_media(limit=100).items[-1]
    window.play_media(first.id)
    player = window.player
    pump(30, lambda: player.engine is not None and player.engine.state.position > 4)
    if player.engine is not None:
        player.engine.set_paused(True)
    pump(1, lambda: player.previews.index is not None)
    hover_seek_bar(player.seek_bar, 0.62, pump)
    screen_grab(app, window).save(str(target / "player.png"))  # with the trickplay popup
    print("saved", target / "player.png")

    hls_jobs = rt.jobs.list_jobs(job_type="hls", limit=1).items
    job = hls_jobs[0] if hls_jobs else rt.jobs.list_jobs(limit=1).items[0]
    rt.jobs.replay(job.id)  # run it again, to show a log that is being followed
    window.tabs.setCurrentIndex(JOBS_TAB)
    viewer = window.open_job_log(job.id)
    viewer.resize(1100, 700)

    def following() -> bool:
        stdout = viewer.followers.get("stdout")
        return (
            stdout is not None and stdout.following and "out_time=" in viewer.stdout.toPlainText()
        )

    pump(30, following)
    pump(0.8)
    viewer.grab().save(str(target / "job-log.png"))
    print("saved", target / "job-log.png")
    window.grab().save(str(target / "jobs.png"))
    print("saved", target / "jobs.png")
    pump(60, all_done)

    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
