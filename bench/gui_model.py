"""The library model with 100,000 media files: what scrolling and events cost.

Seeds a library through the ORM, then times, offscreen and in process:

- opening the list (count + the first 1,000 ids) and the first window of rows;
- ``fetchMore`` to the end (each call is a scroll to the bottom);
- a far jump (rows loaded on demand);
- keeping current after one status change with everything loaded, against the
  baseline of reading the loaded range again (what a model without the head-plus-
  changed resync would do on every event).

    .venv/bin/python bench/gui_model.py [--files 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    args = parser.parse_args()

    from mediadesk.events import MediaChanged
    from mediadesk.runtime import Runtime
    from mediadesk.settings import load_settings
    from tests.seed import seed_media

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        start = time.perf_counter()
        with Runtime(load_settings({"home": home})) as rt:
            ids = seed_media(rt, args.files)
        print(f"seeded {args.files:,} media rows in {time.perf_counter() - start:.1f}s")

        from PySide6.QtCore import QModelIndex
        from PySide6.QtWidgets import QApplication

        from ui.library.media_model import MediaListModel
        from ui.shell import Shell

        app = QApplication([])
        shell = Shell(Runtime(load_settings({"home": home})).open())
        library = shell.runtime.library
        model = MediaListModel(library, shell.thumbnails)
        print(
            f"open the list:       {timed(lambda: model.set_filter(model.filter)) * 1000:7.1f} ms"
        )
        print(f"first window:        {timed(lambda: model.index(0, 0).data()) * 1000:7.1f} ms")
        fetches = []
        root = QModelIndex()
        while model.canFetchMore(root):
            fetches.append(timed(lambda: model.fetchMore(root)))
        print(
            f"fetchMore x{len(fetches)}:      median {statistics.median(fetches) * 1000:.1f} ms,"
            f" max {max(fetches) * 1000:.1f} ms ({model.rowCount():,} rows loaded)"
        )
        far = model.rowCount() * 7 // 9
        print(f"far jump (row {far:,}): {timed(lambda: model.index(far, 0).data()) * 1000:7.1f} ms")

        changed = ids[len(ids) // 3]
        model.on_media_changed(MediaChanged(changed, "READY"))
        incremental = timed(model.resync)
        baseline = timed(lambda: library.media_ids(model.filter, 0, model.rowCount() + 50))
        print(f"resync, 1 change:    {incremental * 1000:7.1f} ms")
        print(f"baseline full read:  {baseline * 1000:7.1f} ms (ids only, before any diff)")
        print(f"ratio incremental / full read: {incremental / baseline:.2f}x")
        shell.shutdown(0)
        del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
