"""Picture subtitles burned in: inside the ladder's one ffmpeg, or as a follow-up.

Three commands on the same source (a 1080p clip with a forced VobSub track), each timed
in the same run, rounds interleaved so background load hits all alike:

1. **clean**: the ``hls/ladder_v2`` ladder (every rung, all audio) with no burn-in;
2. **inside**: the same command with the burned copy of the 720p rung as one more
   branch (``split`` after the 720p scale, the subtitle canvas scaled and overlaid);
3. **follow-up**: the clean ladder, then a second ffmpeg as a follow-up job would run
   it: decode the source again, ``fps``, scale to 720p, overlay, encode that one rung.

Prints wall and CPU seconds (user+sys of the children) and the ratios against clean.

    .venv/bin/python bench/burn_in.py [--duration 10] [--size 1920x1080] [--repeat 2]
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/queue.py would shadow the standard library's queue

import argparse
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import replace

from mediadesk.engine.encoders import CPU_ENCODER
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.plan import LadderPlan, plan_burn_in, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.presets import load_typed
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import MKV
from tests.tracks_media import picture_subtitles_mkv


def timed(argvs: list[list[str]]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for argv in argvs:
        subprocess.run(argv, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def follow_up_argv(source: Path, plan: LadderPlan, out: Path) -> list[str]:
    """The burned rung alone, as a follow-up job would make it (same encoder settings)."""
    burned = plan.burned[0]
    rung = burned.rung
    graph = (
        f"[0:{plan.video_stream_index}]fps=fps={plan.frame_rate}:start_time=0,"
        f"scale=w={rung.width}:h={rung.height}[v];"
        f"[0:{burned.stream_index}]scale=w={rung.width}:h={rung.height}[s];"
        "[v][s]overlay=eof_action=pass,setsar=1,format=yuv420p[o]"
    )
    return [
        *("ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(source)),
        *("-filter_complex", graph, "-map", "[o]"),
        *("-c:v", "libx264", "-preset", plan.x264_preset, "-crf", str(rung.crf)),
        *("-maxrate", f"{rung.maxrate_k}k", "-bufsize", f"{rung.bufsize_k}k"),
        *("-g", str(plan.gop_frames), "-keyint_min", str(plan.gop_frames), "-sc_threshold", "0"),
        *("-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod"),
        *("-hls_segment_filename", str(out / "burned" / "seg_%05d.ts")),
        str(out / "burned" / "index.m3u8"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-burn-"))
    try:
        source = picture_subtitles_mkv(work, args.duration, args.size, "source.mkv")
        info = probe_file(source, "ffprobe", MKV)
        preset = load_typed("hls/ladder_v2", LadderPreset)
        audio = load_typed(preset.audio, AudioHlsPreset) if preset.audio else None
        clean = plan_ladder(preset, audio, info)
        burned = plan_burn_in(clean, preset.burn_in, info)
        assert burned.burned, "the source's forced track was not chosen"
        out = work / "out"

        def ladder(plan: LadderPlan) -> list[str]:
            return ladder_argv("ffmpeg", source, MKV, plan, out, CPU_ENCODER)

        runs = {
            "clean": [ladder(replace(burned, burned=()))],
            "inside": [ladder(burned)],
            "follow-up": [ladder(replace(burned, burned=())), follow_up_argv(source, burned, out)],
        }
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
        for _ in range(args.repeat):
            for name, argvs in runs.items():
                shutil.rmtree(out, ignore_errors=True)
                for rung in burned.encoded_rungs:
                    (out / rung.name).mkdir(parents=True, exist_ok=True)
                (out / "burned").mkdir(parents=True, exist_ok=True)
                for track in burned.tracks.encoded or ((burned.audio,) if burned.audio else ()):
                    (out / track.name).mkdir(parents=True, exist_ok=True)
                times[name].append(timed(argvs))
        base_wall = statistics.median(w for w, _ in times["clean"])
        base_cpu = statistics.median(c for _, c in times["clean"])
        print(f"{args.size}, {args.duration:g} s, rungs: {[r.name for r in burned.rungs]}")
        for name, samples in times.items():
            wall = statistics.median(w for w, _ in samples)
            cpu = statistics.median(c for _, c in samples)
            print(
                f"{name:>10}: wall {wall:6.2f} s ({wall / base_wall:.2f}x)"
                f"  cpu {cpu:6.2f} s ({cpu / base_cpu:.2f}x)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
