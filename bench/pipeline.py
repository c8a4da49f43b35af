"""The whole import of a video against a hand-written one-command ladder, in one run.

1. **import**: a real runtime (SQLite library, job workers, the default video pipeline:
   probe, poster, hls, then preview and trickplay from the ladder's own output) imports
   the source; timed from the call until the file is Ready.
2. **hand**: the hand-written single-decode ladder of ``bench/hls_ladder.py`` (same
   encoder settings, ffmpeg's own master playlist, no checks, no poster, no preview, no
   trickplay).

Prints wall times and ``import/hand`` (target <= 1.10), plus CPU seconds of the
processes each ran (user+sys of ffmpeg/ffprobe children), which stay meaningful on a
busy machine. Rounds are interleaved so background load hits both alike.

    .venv/bin/python bench/pipeline.py [--duration 20] [--size 1920x1080] [--repeat 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory comes first on sys.path, and bench/queue.py would
# shadow the standard library's queue (which concurrent.futures imports).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import importlib.util
import os
import shutil
import statistics
import tempfile
import time
from types import ModuleType
from typing import Any


def _ladder_bench() -> ModuleType:
    path = Path(__file__).resolve().parent / "hls_ladder.py"
    spec = importlib.util.spec_from_file_location("bench_hls_ladder", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def import_once(source: Path, home: Path) -> str:
    """A fresh library imports ``source``; returns how its jobs ended."""
    os.environ["MEDIADESK_HOME"] = str(home)
    from mediadesk.domain.enums import MediaStatus
    from mediadesk.runtime import Runtime
    from mediadesk.settings import load_settings

    rt: Any = Runtime(load_settings({"workers": 2, "heartbeat_interval": 0.5})).open()
    rt.start_workers()
    try:
        media_id = rt.ingest.import_path(source).media.id
        while True:
            status = rt.library.get_media(media_id, detail=False).status
            if status in (MediaStatus.READY, MediaStatus.FAILED):
                break
            time.sleep(0.05)
        jobs = rt.jobs.list_jobs(media_file_id=media_id, limit=50).items
        return ", ".join(sorted(f"{j.type}:{j.status}" for j in jobs))
    finally:
        rt.stop(grace=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    ladder = _ladder_bench()

    from mediadesk.engine.hls.plan import plan_ladder
    from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
    from mediadesk.engine.presets import load_typed
    from mediadesk.engine.probe import probe_file

    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        work = Path(tmp)
        source = work / "source.mp4"
        print(f"making a {args.duration:g} s {args.size} source...", flush=True)
        ladder.make_source(source, args.duration, args.size)
        info = probe_file(source, "ffprobe")
        preset = load_typed("hls/ladder_v1", LadderPreset)
        plan = plan_ladder(preset, load_typed("hls/audio_v1", AudioHlsPreset), info)
        times: dict[str, list[float]] = {"import": [], "hand": []}
        cpus: dict[str, list[float]] = {"import": [], "hand": []}
        for round_ in range(args.repeat):
            for name in times:
                out = work / name
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir(parents=True)
                cpu, start = ladder.child_cpu(), time.perf_counter()
                if name == "import":
                    jobs = import_once(source, out)
                else:
                    ladder.hand(source, out, plan)
                    jobs = ""
                wall = time.perf_counter() - start
                times[name].append(wall)
                cpus[name].append(ladder.child_cpu() - cpu)
                print(
                    f"  round {round_ + 1}: {name:<6} {wall:7.2f} s wall "
                    f"{cpus[name][-1]:7.2f} s cpu  {jobs}",
                    flush=True,
                )
    wall = {name: statistics.median(v) for name, v in times.items()}
    cpu = {name: statistics.median(v) for name, v in cpus.items()}
    print()
    print(f"import {wall['import']:7.2f} s wall {cpu['import']:7.2f} s cpu   (the whole pipeline)")
    print(f"hand   {wall['hand']:7.2f} s wall {cpu['hand']:7.2f} s cpu   (one-command ladder)")
    print(
        f"import / hand = {wall['import'] / wall['hand']:.3f} wall, "
        f"{cpu['import'] / cpu['hand']:.3f} cpu   (target <= 1.10)"
    )


if __name__ == "__main__":
    main()
