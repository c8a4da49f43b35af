"""The HLS ladder against two baselines measured in the same run, on the same source.

1. **ours**: what the ``hls`` job does with ``presets/hls/ladder_v1.json`` on libx264:
   probe, plan, one ffmpeg (one decode feeding four rungs and the audio), then the
   checks (playlists, durations, first segments decoded by ffprobe, keyframe
   alignment) and the master playlist written from measured bitrates.
2. **hand**: a hand-written single-decode command with identical encoder settings
   (``split`` + ``-var_stream_map``, ffmpeg's own master playlist), no checks.
3. **naive**: one ffmpeg per rung plus one for the audio, run one after another,
   each decoding the whole source again.

Prints wall times, ``ours/hand`` (target <= 1.05), ``naive/ours`` (target >= 1.42,
the single-decode gain measured for this machine in the design notes) and the
realtime factor (media seconds per wall second), plus the same ratios in CPU seconds
of the processes each contender ran, which stay meaningful on a busy machine.

    .venv/bin/python bench/hls_ladder.py [--duration 20] [--size 1920x1080] [--repeat 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory comes first on sys.path, and bench/queue.py would
# shadow the standard library's queue (which concurrent.futures imports).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.encoders import CPU_ENCODER
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.ladder import finish_ladder
from mediadesk.engine.hls.plan import LadderPlan, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.integrity import check_complete
from mediadesk.engine.presets import load_typed
from mediadesk.engine.probe import probe_file
from mediadesk.engine.process import run_process
from mediadesk.engine.sniff import sniff


def run(argv: list[str]) -> None:
    result = run_process(argv)
    if not result.ok:
        raise SystemExit(f"failed: {' '.join(argv)}\n{result.stderr_tail}")


def make_source(path: Path, duration: float, size: str) -> None:
    """Moving test pattern with light temporal noise (so x264 has real work), AAC stereo."""
    run(
        [
            "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={duration}",
            "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={duration}",
            "-vf", "noise=alls=6:allf=t", "-af", "aformat=channel_layouts=stereo",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "192k", str(path),
        ]
    )  # fmt: skip


def ours(source: Path, out: Path, info: MediaInfo) -> None:
    """The hls job's work; ``info`` is what the probe job stored before it ran."""
    preset = load_typed("hls/ladder_v1", LadderPreset)
    audio = load_typed("hls/audio_v1", AudioHlsPreset)
    container = sniff(source)
    check_complete(source, container)
    plan = plan_ladder(preset, audio, info)
    run(ladder_argv("ffmpeg", source, container, plan, out, CPU_ENCODER))
    finish_ladder(
        out, plan, "ffprobe", lambda a: run_process(a, capture_stdout=True), out.parent / "verify"
    )


def video_options(plan: LadderPlan, i: int, spec: int | None = None) -> list[str]:
    """The encoder settings of rung ``i``, written out as a person would."""
    rung = plan.rungs[i]
    s = "" if spec is None else f":{spec}"
    return [
        f"-b:v{s}", f"{rung.video_bitrate_k}k", f"-maxrate:v{s}", f"{rung.maxrate_k}k",
        f"-bufsize:v{s}", f"{rung.bufsize_k}k", f"-profile:v{s}", "high",
    ]  # fmt: skip


def common(plan: LadderPlan) -> list[str]:
    g = str(plan.gop_frames)
    return [
        "-c:v", "libx264", "-preset", "veryfast", "-g", g, "-keyint_min", g,
        "-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*2)",
    ]  # fmt: skip


HLS = ["-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod", "-hls_list_size", "0"]
AUDIO = ["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000"]


def hand(source: Path, out: Path, plan: LadderPlan) -> None:
    n = len(plan.rungs)
    graph = (
        f"[0:v]split={n}"
        + "".join(f"[s{i}]" for i in range(n))
        + ";"
        + ";".join(f"[s{i}]scale={r.width}:{r.height}[v{i}]" for i, r in enumerate(plan.rungs))
    )
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(source), "-filter_complex", graph]
    for i in range(n):
        argv += ["-map", f"[v{i}]"]
    argv += ["-map", "0:a:0", *common(plan)]
    for i in range(n):
        argv += video_options(plan, i, i)
    stream_map = " ".join(f"v:{i},agroup:aud,name:{r.name}" for i, r in enumerate(plan.rungs))
    argv += [
        *AUDIO, *HLS, "-hls_flags", "independent_segments",
        "-hls_segment_filename", str(out / "%v" / "seg_%05d.ts"),
        "-master_pl_name", "master.m3u8",
        "-var_stream_map", f"{stream_map} a:0,agroup:aud,name:audio",
        str(out / "%v" / "index.m3u8"),
    ]  # fmt: skip
    run(argv)


def naive(source: Path, out: Path, plan: LadderPlan) -> None:
    for i, rung in enumerate(plan.rungs):
        (out / rung.name).mkdir(parents=True)
        run(
            [
                "ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(source), "-map", "0:v:0",
                "-vf", f"scale={rung.width}:{rung.height}", *common(plan), *video_options(plan, i),
                *HLS, "-hls_segment_filename", str(out / rung.name / "seg_%05d.ts"),
                str(out / rung.name / "index.m3u8"),
            ]
        )  # fmt: skip
    (out / "audio").mkdir()
    run(
        [
            "ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(source), "-map", "0:a:0",
            *AUDIO, *HLS, "-hls_segment_filename", str(out / "audio" / "seg_%05d.ts"),
            str(out / "audio" / "index.m3u8"),
        ]
    )  # fmt: skip


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[Path], None], work: Path, name: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds of every process it ran (ffmpeg and ffprobe)."""
    out = work / name
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work / "verify", ignore_errors=True)
    out.mkdir(parents=True)
    cpu, start = child_cpu(), time.perf_counter()
    fn(out)
    return time.perf_counter() - start, child_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-hls-") as tmp:
        work = Path(tmp)
        source = work / "source.mp4"
        print(f"making a {args.duration:g} s {args.size} source...", flush=True)
        make_source(source, args.duration, args.size)
        info = probe_file(source, "ffprobe")
        preset = load_typed("hls/ladder_v1", LadderPreset)
        plan = plan_ladder(preset, load_typed("hls/audio_v1", AudioHlsPreset), info)
        print("rungs:", ", ".join(f"{r.name} {r.width}x{r.height}" for r in plan.rungs))
        times: dict[str, list[float]] = {"ours": [], "hand": [], "naive": []}
        cpus: dict[str, list[float]] = {"ours": [], "hand": [], "naive": []}
        runners: dict[str, Callable[[Path], None]] = {
            "ours": lambda out: ours(source, out, info),
            "hand": lambda out: hand(source, out, plan),
            "naive": lambda out: naive(source, out, plan),
        }
        for round_ in range(args.repeat):
            # Interleaved, so background load hits every contender alike.
            for name, fn in runners.items():
                wall, cpu = timed(fn, work, name)
                times[name].append(wall)
                cpus[name].append(cpu)
                print(
                    f"  round {round_ + 1}: {name:<5} {wall:7.2f} s wall {cpu:7.2f} s cpu",
                    flush=True,
                )

    report(times, cpus, args.duration)


def report(times: dict[str, list[float]], cpus: dict[str, list[float]], duration: float) -> None:
    wall = {name: statistics.median(values) for name, values in times.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    labels = {
        "ours": "one decode, verified",
        "hand": "hand-written, same settings",
        "naive": "a process per rung",
    }
    print()
    for name, label in labels.items():
        print(f"{name:<6} {wall[name]:7.2f} s wall {cpu[name]:7.2f} s cpu   ({label})")
    for a, b, target in (
        ("ours", "hand", "   (target <= 1.05)"),
        ("naive", "ours", "   (target >= 1.42)"),
        ("naive", "hand", ""),
    ):
        ratio = f"{wall[a] / wall[b]:.3f} wall, {cpu[a] / cpu[b]:.3f} cpu"
        print(f"{a} / {b}".ljust(13) + f" = {ratio}{target}")
    print(f"realtime      = {duration / wall['ours']:.2f}x   (media seconds per wall second)")
    print("(cpu: user+sys of the processes each one ran; on a shared machine wall time is noisy)")


if __name__ == "__main__":
    main()
