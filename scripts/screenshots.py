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
    ("Garden.Show.S01E02.Seeds.mp4", "rgbtestsrc=size=640x360:rate=25", 6),
    ("Garden.Show.S01E01.Pilot.mp4", "mandelbrot=size=640x360:rate=25", 8),
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
    from tests.media import make_image, make_song  # the suite's generators (on sys.path)

    image = make_image(directory, "800x1200", source="gradients")
    image = image.rename(directory / "Poster artwork.jpg")
    out.append(image)
    # A song as rippers tag it: shown by its title and artist, under its cover art.
    cover = "gradients=s=400x400:c0=0x1d3557:c1=0xe76f51:x0=0:y0=0:x1=400:y1=400"
    tags = {"title": "Slow Current", "artist": "The Quiet Ferns", "album": "Low Tide"}
    tags["track"] = "3/9"
    out.append(make_song(directory, "03 slow_current.mp3", cover=cover, tags=tags))
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


TARGET = Path()


def save(pixmap: Any, name: str) -> None:
    pixmap.save(str(TARGET / name))
    print("saved", TARGET / name)


def screen_grab(app: Any, window: Any) -> Any:
    """The screen under the window (popups are windows of their own)."""
    frame = window.frameGeometry()
    return app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())


def main() -> int:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots").resolve()
    target.mkdir(parents=True, exist_ok=True)
    global TARGET
    TARGET = target
    work = Path(tempfile.mkdtemp(prefix="mediadesk-shots-"))
    os.environ["MEDIADESK_HOME"] = str(work / "home")
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")  # a fresh QSettings
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

    from PySide6.QtCore import Qt

    from mediadesk.services.artwork import ArtSubject
    from mediadesk.services.ingest import GUESS
    from mediadesk.settings import load_settings
    from ui.app import application
    from ui.main_window import JOBS_TAB, LIBRARY_TAB, MainWindow
    from ui.shell import Shell

    files = make_media(work / "sample")
    app = application()
    shell = Shell.open(load_settings({"workers": 2}))
    shell.start_background()
    rt = shell.runtime
    # Every file goes where its name says (the import default), as a user's would.
    imported = {path.name: rt.ingest.import_path(path, target=GUESS) for path in files}
    night_train = imported["Night.Train.2021.mp4"].movie_id
    assert night_train is not None
    rt.artwork.set_from_media(
        ArtSubject("movie", night_train), imported["Poster artwork.jpg"].media.id
    )
    pilot = imported["Garden.Show.S01E01.Pilot.mp4"].media
    rt.playback.save(pilot.id, position_s=3.2)  # stopped part-way: Continue watching

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
    pump(10, lambda: lib.sidebar.findItems("Garden Show", Qt.MatchFlag.MatchRecursive))
    for item in lib.sidebar.findItems("Garden Show", Qt.MatchFlag.MatchRecursive):
        item.setExpanded(True)
    window.tabs.setCurrentIndex(LIBRARY_TAB)
    lib.model.resync()
    pump(1)
    lib.select_media(pilot.id)
    pump(3)
    save(window.grab(), "main-window.png")

    lib.set_view_mode(1)
    pump(1)
    save(window.grab(), "library-table.png")
    lib.set_view_mode(0)

    # The context menu of a file, and the edit dialog of its episode.
    view = lib.model.view(lib.model.row_of(pilot.id))
    menu = lib.item_actions.media_menu([view], lib.grid)
    menu.popup(
        lib.grid.viewport().mapToGlobal(lib.grid.visualRect(lib.grid.currentIndex()).center())
    )
    pump(1)
    save(screen_grab(app, window), "context-menu.png")
    menu.close()
    episode_id = view.catalogue.episode_id
    lib.item_actions.edit_entry("episode", episode_id)
    pump(5, lambda: lib.item_actions.dialog is not None)
    pump(1)
    save(lib.item_actions.dialog.grab(), "edit-episode.png")
    lib.item_actions.dialog.reject()

    # Another copy of episode 2 dropped on the window: the conflict is in the dialog.
    again = work / "again" / "Garden.Show.S01E02.Seeds.mkv"
    again.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi",
         "-i", "testsrc2=size=320x180:rate=25", "-t", "2", str(again)],
        check=True, timeout=120,
    )  # fmt: skip
    window.import_paths([again])
    pump(20, lambda: window.attach_dialog is not None and bool(window.attach_dialog.conflicts))
    pump(1)
    save(window.attach_dialog.grab(), "attach-conflict.png")
    window.attach_dialog.reject()
    pump(1)

    # The tools, in people's words: mastering by intent, the presets, where bytes go.
    for name, opener in (
        ("mastering.png", lambda: window.open_mastering(pilot.id)),
        ("presets.png", window.open_presets),
        ("storage.png", window.open_storage),
        ("settings.png", window.open_settings),
    ):
        dialog = opener()
        pump(2)
        save(dialog.grab(), name)
        dialog.close()
        pump(0.5)

    # A folder of the user's own, used where it is: its counts and the files it skips.
    shelf = work / "Shelf"
    film = shelf / "Movies" / "Harbour Lights (2018)" / "Harbour Lights (2018).mkv"
    film.parent.mkdir(parents=True)
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi",
         "-i", "testsrc2=size=320x180:rate=25", "-t", "2", str(film)],
        check=True, timeout=120,
    )  # fmt: skip
    (film.parent / "movie.nfo").write_text(
        "<movie><title>Harbour Lights</title><year>2018</year></movie>", "utf-8"
    )
    (film.parent / "Harbour Lights (2018).mkv.part").write_bytes(b"\0" * 1024)
    settings = window.open_settings()
    assert settings.folders is not None
    settings.tabs.setCurrentWidget(settings.folders)
    settings.folders.add(str(shelf))

    def folder_read() -> bool:
        folders = rt.folders.list_folders()
        return bool(folders) and folders[0].media_files == 1 and folders[0].waiting == 0

    pump(60, folder_read)
    settings.folders.refresh()
    pump(2, lambda: settings.folders.skipped.rowCount() > 0)
    pump(0.5)
    save(settings.grab(), "folders.png")
    settings.close()
    pump(0.5)

    window.play_media(pilot.id)
    player = window.player
    pump(30, lambda: player.resume.bar.resume_button.isVisible())
    pump(1)
    save(window.grab(), "player-resume.png")
    player.resume.start_over()
    pump(30, lambda: player.engine is not None and player.engine.state.position > 4)
    if player.engine is not None:
        player.engine.set_paused(True)
    pump(1, lambda: player.previews.index is not None)
    hover_seek_bar(player.seek_bar, 0.62, pump)
    save(screen_grab(app, window), "player.png")  # with the trickplay popup

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
    save(viewer.grab(), "job-log.png")
    save(window.grab(), "jobs.png")
    pump(60, all_done)
    if shell.server is not None:
        web_library(shell.server.web_url(), target)

    window.close()
    return 0


def web_library(web_url: str, target: Path) -> None:
    """The web page's library, a series page and an episode playing, in Chromium (as a
    browser shows them), opened as the app opens it: with its per-run token in the
    fragment."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(web_url, timeout=60_000)
            page.wait_for_selector("section[data-shelf='movies'] li.card", timeout=60_000)
            page.wait_for_timeout(1500)  # pictures load lazily
            page.screenshot(path=str(target / "web-library.png"), full_page=True)
            print("saved", target / "web-library.png")
            page.click("section[data-shelf='series'] li.card a")
            page.wait_for_selector("section[data-shelf='season-1'] li.card", timeout=30_000)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(target / "web-series.png"), full_page=True)
            print("saved", target / "web-series.png")
            page.click("section[data-shelf='season-1'] li.card a")
            page.wait_for_selector("#source", timeout=30_000)
            page.wait_for_timeout(2500)  # the resume question, the first segments
            page.screenshot(path=str(target / "web-player.png"), full_page=True)
            print("saved", target / "web-player.png")
            page.goto(web_url.split("#")[0] + "#/storage", timeout=60_000)
            page.wait_for_selector("table.stats tbody tr", timeout=30_000)
            page.screenshot(path=str(target / "web-storage.png"), full_page=True)
            print("saved", target / "web-storage.png")
        finally:
            browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
