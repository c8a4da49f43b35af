"""hls/ladder_v1 (bitrate) against hls/ladder_v2 (capped CRF, per-title) on a varied corpus.

The corpus is generated with ffmpeg's filters in the same run: flat animation, film
grain, static slides, a screen recording, high motion, a dark scene (MPEG-TS whose
timestamps start at 10 s, so the quality sampler's alignment is exercised), a deep
fractal zoom and a noisy, shaky phone clip. Each source goes through both ladders
exactly as the ``hls`` job runs them (probe, plan, the per-title analysis for v2, one ffmpeg for the
ladder), then every rendition is measured with the job's own sampler (SSIM and PSNR
against the source scaled to the rung, on sampled segments).

Reports per clip and over the corpus: bytes (total and per rung), SSIM/PSNR per rung,
encode wall and CPU seconds (v2 including its analysis), and the targets: v2 bytes
<= 0.70 of v1, mean SSIM per rung no more than 0.005 below v1, no v2 rung under its
floor, v2 encode time <= 1.15x v1.

    .venv/bin/python bench/quality.py [--seconds 12] [--size 1280x720] [--only NAME]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory comes first on sys.path, and bench/queue.py would
# shadow the standard library's queue (which concurrent.futures imports).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field

from mediadesk.engine.encoders import CPU_ENCODER
from mediadesk.engine.hls.compile import PLAYLIST, ladder_argv
from mediadesk.engine.hls.pertitle import analyse
from mediadesk.engine.hls.plan import LadderPlan, plan_ladder
from mediadesk.engine.hls.playlist import parse_media_playlist
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.hls.quality import SampledRung, measure_ladder
from mediadesk.engine.presets import load_typed
from mediadesk.engine.probe import probe_file
from mediadesk.engine.process import ProcessResult, run_process
from mediadesk.engine.sniff import sniff

# name -> (lavfi video graph with {size} {seconds}, container, extra output options)
CORPUS: dict[str, tuple[str, str, list[str]]] = {
    "animation": (
        "life=size=320x180:rate=25:mold=10:ratio=0.08:death_color=#2050a0:"
        "life_color=#f0c020,scale={size}:flags=neighbor,"
        "drawbox=x=t*60:y=ih/3:w=iw/6:h=ih/4:color=#e04040:t=fill",
        "mp4",
        [],
    ),
    "film_grain": (
        # gradients draws RGBA: to YUV before the grain, or noise scrambles alpha too.
        "gradients=size={size}:rate=24:speed=0.001:c0=#704020:c1=#c0a070:seed=7,"
        "format=yuv420p,noise=alls=10:allf=t",
        "mp4",
        [],
    ),
    "slides": (
        "smptehdbars=size={size}:rate=25,"
        "drawbox=x=iw/8:y=ih/8:w=iw/2:h=ih/3:color=white:t=fill:enable='gte(t,{half})'",
        "mp4",
        [],
    ),
    "screen": ("testsrc=size={size}:rate=30", "mp4", []),
    "zoom": ("mandelbrot=size={size}:rate=25", "mp4", []),
    "high_motion": (
        "testsrc2=size={size}:rate=50,rotate=a=t*1.3:fillcolor=#203040,noise=alls=8:allf=t",
        "mp4",
        [],
    ),
    "dark": (
        "gradients=size={size}:rate=25:speed=0.002:seed=3,format=yuv420p,"
        "eq=brightness=-0.32:contrast=0.7,noise=alls=5:allf=t",
        "ts",
        ["-output_ts_offset", "10"],
    ),
    "phone": (
        "testsrc2=size={size}:rate=30,noise=alls=12:allf=t+u,"
        "crop=w=iw-48:h=ih-48:x=24+20*sin(t*6):y=24+16*cos(t*5),scale={size}",
        "mp4",
        [],
    ),
}


def run(argv: list[str]) -> ProcessResult:
    result = run_process(argv, capture_stdout=True)
    if not result.ok:
        raise SystemExit(f"failed: {' '.join(argv)}\n{result.stderr_tail}")
    return result


def make_source(directory: Path, name: str, seconds: float, size: str) -> Path:
    graph, container, extra = CORPUS[name]
    video = graph.format(size=size, seconds=seconds, half=seconds / 2)
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"{name}.{container}"
    run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-y",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            video,
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=330:sample_rate=48000:duration={seconds}",
            "-t",
            str(seconds),
            "-c:v",
            "libx264",
            "-preset",
            "fast",
            "-crf",
            "10",
            # A keyframe every two seconds, as cameras and phones write them.
            "-force_key_frames",
            "expr:gte(t,n_forced*2)",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            *extra,
            str(out),
        ]
    )
    return out


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Result:
    wall: float = 0.0
    cpu: float = 0.0
    analysis_wall: float = 0.0
    rungs: dict[str, dict[str, float]] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)

    @property
    def bytes(self) -> int:
        return int(sum(r["bytes"] for r in self.rungs.values()))


def ladder(source: Path, preset_id: str, work: Path) -> Result:
    container = sniff(source)
    info = probe_file(source, "ffprobe", container)
    preset = load_typed(preset_id, LadderPreset)
    audio = load_typed(preset.audio, AudioHlsPreset) if preset.audio else None
    plan: LadderPlan = plan_ladder(preset, audio, info)
    out = work / preset_id.replace("/", "_")
    shutil.rmtree(out, ignore_errors=True)
    result = Result()
    wall0, cpu0 = time.perf_counter(), children_cpu()
    if preset.per_title:
        plan, analysis = analyse(
            "ffmpeg", source, container, plan, CPU_ENCODER, run_process, out / "analysis"
        )
        result.dropped = analysis.dropped
        result.analysis_wall = time.perf_counter() - wall0
    run(ladder_argv("ffmpeg", source, container, plan, out, CPU_ENCODER))
    result.wall, result.cpu = time.perf_counter() - wall0, children_cpu() - cpu0
    sampled = [
        SampledRung(
            r, parse_media_playlist((out / r.name / PLAYLIST).read_text(), r.name), out / r.name
        )
        for r in plan.rungs
    ]
    quality = measure_ladder(
        "ffmpeg", source, container, plan, sampled, run_process, out / "quality"
    )
    for r in plan.rungs:
        size = sum(p.stat().st_size for p in (out / r.name).glob("seg_*"))
        q = quality[r.name]
        result.rungs[r.name] = {
            "bytes": size,
            "ssim": q.ssim,
            "psnr": q.psnr,
            "floor": r.ssim_floor or 0.0,
            "crf": r.crf or 0,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--only", action="append", choices=sorted(CORPUS))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    names = args.only or list(CORPUS)
    rows: dict[str, dict[str, Result]] = {}
    with tempfile.TemporaryDirectory(prefix="mediadesk-bench-quality-") as tmp:
        root = Path(tmp)
        for name in names:
            source = make_source(root / "src", name, args.seconds, args.size)
            rows[name] = {}
            # Alternate which ladder goes first, so a warm cache favours neither.
            order = ["hls/ladder_v1", "hls/ladder_v2"]
            if len(rows) % 2 == 0:
                order.reverse()
            for preset_id in order:
                rows[name][preset_id] = ladder(source, preset_id, root / name)
            v1, v2 = rows[name]["hls/ladder_v1"], rows[name]["hls/ladder_v2"]
            print(
                f"{name:12s} bytes v1 {v1.bytes / 1e6:7.2f} MB  v2 {v2.bytes / 1e6:7.2f} MB "
                f"({v2.bytes / v1.bytes:.3f})  cpu v1 {v1.cpu:6.1f}s v2 {v2.cpu:6.1f}s "
                f"(analysis wall {v2.analysis_wall:.1f}s)  v2 rungs {', '.join(v2.rungs)}",
                flush=True,
            )
            for rung in v1.rungs:
                a = v1.rungs[rung]
                b = v2.rungs.get(rung)
                line = (
                    f"    {rung:6s} v1 {a['bytes'] / 1e6:6.2f} MB "
                    f"ssim {a['ssim']:.4f} psnr {a['psnr']:5.2f}"
                )
                if b:
                    line += (
                        f" | v2 {b['bytes'] / 1e6:6.2f} MB ssim {b['ssim']:.4f} "
                        f"psnr {b['psnr']:5.2f} (floor {b['floor']})"
                    )
                else:
                    line += f" | v2 dropped: {v2.dropped.get(rung, '?')}"
                print(line, flush=True)
    summarize(rows)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    name: {
                        p: {"wall": r.wall, "cpu": r.cpu, "rungs": r.rungs} for p, r in res.items()
                    }
                    for name, res in rows.items()
                },
                indent=1,
            )
        )


def summarize(rows: dict[str, dict[str, Result]]) -> None:
    v1s = [r["hls/ladder_v1"] for r in rows.values()]
    v2s = [r["hls/ladder_v2"] for r in rows.values()]
    total1, total2 = sum(r.bytes for r in v1s), sum(r.bytes for r in v2s)
    cpu1, cpu2 = sum(r.cpu for r in v1s), sum(r.cpu for r in v2s)
    wall1, wall2 = sum(r.wall for r in v1s), sum(r.wall for r in v2s)
    print()
    print(
        "| rung | v1 MB | v2 MB | v1 SSIM | v2 SSIM | delta | v1 PSNR | v2 PSNR "
        "| lowest v2 SSIM | floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    worst_delta = 0.0
    under = []
    rungs = list(dict.fromkeys(n for r in v1s for n in r.rungs))
    for rung in rungs:
        pairs = [
            (a.rungs[rung], b.rungs[rung])
            for a, b in zip(v1s, v2s, strict=True)
            if rung in a.rungs and rung in b.rungs
        ]
        mb1 = sum(a.rungs[rung]["bytes"] for a in v1s if rung in a.rungs) / 1e6
        mb2 = sum(b.rungs[rung]["bytes"] for b in v2s if rung in b.rungs) / 1e6
        if not pairs:
            print(f"| {rung} | {mb1:.2f} | {mb2:.2f} | | | | | | | |")
            continue
        s1 = statistics.mean(a["ssim"] for a, _ in pairs)
        s2 = statistics.mean(b["ssim"] for _, b in pairs)
        p1 = statistics.mean(a["psnr"] for a, _ in pairs)
        p2 = statistics.mean(b["psnr"] for _, b in pairs)
        low = min(b["ssim"] for _, b in pairs)
        floor = max(b["floor"] for _, b in pairs)
        worst_delta = min(worst_delta, s2 - s1)
        under += [rung for _, b in pairs if b["ssim"] < b["floor"]]
        print(
            f"| {rung} | {mb1:.2f} | {mb2:.2f} | {s1:.4f} | {s2:.4f} | {s2 - s1:+.4f} "
            f"| {p1:.2f} | {p2:.2f} | {low:.4f} | {floor} |"
        )
    print()
    print(f"bytes v2/v1 {total2 / total1:.3f} (target <= 0.70)")
    print(f"worst mean-SSIM delta per rung {worst_delta:+.4f} (target >= -0.005)")
    print(f"rungs under their floor: {under or 'none'}")
    print(f"encode CPU v2/v1 {cpu2 / cpu1:.3f}, wall v2/v1 {wall2 / wall1:.3f} (target <= 1.15)")


if __name__ == "__main__":
    main()
