"""How long the desktop app's event loop is held: the worst stall during an import, a
running encode, the first Play and opening dialogs.

A 5 ms heartbeat timer runs on the GUI thread; a stall is the time between two beats
(less the 5 ms). Each phase reports its worst stall and its 99th percentile; the
baseline is the same heartbeat while the app sits idle, measured in the same run.
The target is no stall over 200 ms in any phase.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/event_loop.py --platform xcb
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
TARGET_MS = 200.0
BEAT_MS = 5


def clip(directory: Path, name: str, seconds: int, size: str = "1280x720") -> Path:
    out = directory / name
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
         "-c:a", "aac", "-t", str(seconds), str(out)],
        check=True, timeout=300,
    )  # fmt: skip
    return out


class Heartbeat:
    """Beats every 5 ms on the GUI thread and remembers the gaps, per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer(interval=BEAT_MS)
        self.timer.timeout.connect(self.beat)
        self.timer.start()

    def beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(max(0.0, (now - self.last) * 1000 - BEAT_MS))
        self.last = now

    def start_phase(self) -> None:
        self.last = time.perf_counter()
        self.gaps = []

    def report(self) -> tuple[float, float]:
        if not self.gaps:
            return 0.0, 0.0
        ordered = sorted(self.gaps)
        return ordered[-1], ordered[int(0.99 * (len(ordered) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="xcb" if os.environ.get("DISPLAY") else "offscreen")
    parser.add_argument("--seconds", type=int, default=20, help="length of the encoded clip")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = args.platform
    work = Path(tempfile.mkdtemp(prefix="mediadesk-loop-"))
    os.environ["MEDIADESK_HOME"] = str(work / "home")
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    media = work / "media"
    media.mkdir()
    files = [
        clip(media, "Garden.Show.S01E01.Pilot.mp4", args.seconds),
        clip(media, "Other.Movie.2019.mp4", 4, "640x360"),
    ]

    from PySide6.QtWidgets import QApplication

    from mediadesk.services.imports import PathImport
    from mediadesk.settings import load_settings
    from ui.app import launch

    launched = launch(load_settings({"workers": 2}))
    app, window, shell = launched.app, launched.window, launched.shell
    rt = shell.runtime
    heart = Heartbeat()
    results: list[tuple[str, float, float]] = []

    def pump(seconds: float, until: Callable[[], bool] | None = None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            if until is not None and until():
                return
            time.sleep(0.001)

    def phase(name: str, run: Callable[[], None]) -> None:
        heart.start_phase()
        run()
        worst, p99 = heart.report()
        results.append((name, worst, p99))

    pump(15, lambda: rt.workers_running and shell.server is not None)
    phase("idle (baseline)", lambda: pump(3))

    def importing() -> None:
        window.submit_imports([PathImport(f) for f in files])
        imports = window.import_dock.model
        pump(120, lambda: len(imports.items) == 2 and imports.active_count == 0)

    phase("import (copy, probe, attach)", importing)

    def encoding() -> None:
        def done() -> bool:
            counts = rt.jobs.counts()
            return counts["PENDING"] == 0 and counts["PROCESSING"] == 0

        pump(900, done)

    phase("encode (the pipeline running)", encoding)

    def first_play() -> None:
        pilot = next(m for m in rt.library.list_media(limit=10).items if "Pilot" in m.display_title)
        window.play_media(pilot.id)
        pump(
            60, lambda: window.player.engine is not None and window.player.engine.state.position > 1
        )

    phase("first Play", first_play)
    window.tabs.setCurrentIndex(0)

    def dialogs() -> None:
        lib = window.library
        for opener in (
            window.open_settings,
            lambda: window.open_presets(),
            lambda: window.open_mastering(None),
        ):
            dialog = opener()
            pump(1)
            dialog.close()
            pump(0.3)
        movie = rt.catalogue.movies()[0]
        lib.item_actions.edit_entry("movie", movie.id)
        pump(5, lambda: lib.item_actions.dialog is not None)
        pump(0.5)
        lib.item_actions.dialog.reject()
        extra = shutil.copy(files[1], media / "Night.Train.2021.mp4")
        window.import_paths([Path(extra)])
        pump(10, lambda: window.attach_dialog is not None)
        pump(0.5)
        window.attach_dialog.reject()
        pump(0.5)

    phase("dialogs (settings, presets, mastering, edit, attach)", dialogs)
    window.close()
    QApplication.processEvents()

    base = results[0][1]
    print(f"platform {args.platform}, heartbeat every {BEAT_MS} ms; stall = gap between beats")
    for name, worst, p99 in results:
        ratio = f"{worst / base:.1f}x idle" if base > 0 else ""
        print(f"{name:<54} worst {worst:7.1f} ms   p99 {p99:6.1f} ms   {ratio}")
    overall = max(w for _n, w, _p in results[1:])
    verdict = "OK" if overall <= TARGET_MS else "TOO LONG"
    print(
        f"worst stall over all actions: {overall:.1f} ms (target <= {TARGET_MS:.0f} ms) {verdict}"
    )
    print(f"median of the phases' p99: {statistics.median(p for _n, _w, p in results):.1f} ms")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if overall <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
