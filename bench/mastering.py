"""Audio mastering: ours against ffmpeg-normalize, and a 60-minute programme.

1. Loudness normalisation of the same 10-minute 48 kHz stereo file to -16 LUFS,
   -1.5 dBTP, LRA 11, AAC 192 kb/s: ffmpeg-normalize (its two-pass EBU R128 mode,
   installed from PyPI into a throwaway venv this script creates) against MediaDesk's
   engine (preset audio/dialogue_mix_v1, no music). Rounds alternate between the two
   so that load from other work hits both alike; the best round of each is compared.
   Ours runs with the preset's AAC coder and again with ``twoloop``, the coder
   ffmpeg-normalize gets (ffmpeg's default), so the ratio can be read both ways.
   Each output's distance from the target is measured by a third meter (loudnorm's
   own analysis, two decimals).
2. A 60-minute programme (video, speech, a 3-minute music bed looped under it)
   mastered with music_mix_roll_duck_v1, and the same programme with dialogue_mix_v1
   (no music): seconds and speed against real time.

    .venv/bin/python bench/mastering.py [--rounds 2] [--minutes 10] [--long-minutes 60]
        [--workdir DIR] [--skip-compare] [--skip-long]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mediadesk.engine.audio.local_run import LocalRunner
from mediadesk.engine.audio.master import MasterResult, master
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.audio.sources import MasterSources, Source
from mediadesk.engine.presets import load_typed
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import sniff

TARGET, CEILING, LRA, BITRATE = -16.0, -1.5, 11.0, 192000

SPEECH = (
    "anoisesrc=color=pink:amplitude=0.5:sample_rate=48000:duration={d}:seed=11,"
    "highpass=f=120,lowpass=f=5000,"
    # syllables at ~4 Hz, phrases every ~7 s with pauses between them (room tone at
    # -40 dB there, not digital silence: no real recording has that)
    "volume='(0.35+0.65*gt(sin(2*PI*3.7*t),0))*max(gt(sin(2*PI*0.14*t),-0.5),0.01)'"
    ":eval=frame,aformat=channel_layouts=stereo"
)
# A bed under it: a chord and some brushed noise, about 20 dB under the speech.
BED = (
    "[1]volume=0.04[c];[2]volume=0.03[n];[c][n]amix=inputs=2:normalize=0,"
    "aformat=channel_layouts=stereo[bed];[0][bed]amix=inputs=2:normalize=0"
)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
                   check=True)  # fmt: skip


def make_inputs(work: Path, minutes: float, long_minutes: float) -> dict[str, Path]:
    d, long_d = minutes * 60, long_minutes * 60
    files = {
        "ten": work / f"programme-{minutes:g}min.wav",
        "music": work / "music-3min.m4a",
        "long": work / f"programme-{long_minutes:g}min.mp4",
    }
    if not files["ten"].exists():
        chord = f"aevalsrc=sin(2*PI*196*t)+sin(2*PI*247*t)+sin(2*PI*294*t):s=48000:d={d}"
        brush = f"anoisesrc=color=pink:amplitude=0.5:sample_rate=48000:duration={d}:seed=3"
        ffmpeg("-f", "lavfi", "-i", SPEECH.format(d=d), "-f", "lavfi", "-i", chord,
               "-f", "lavfi", "-i", brush, "-filter_complex", BED,
               "-c:a", "pcm_s16le", str(files["ten"]))  # fmt: skip
    if not files["music"].exists():
        noise = "anoisesrc=color=brown:amplitude=0.2:duration=180:sample_rate=44100"
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:duration=180",
               "-f", "lavfi", "-i", noise,
               "-filter_complex", "[0][1]amix=inputs=2,aformat=channel_layouts=stereo",
               "-c:a", "aac", "-b:a", "160k", str(files["music"]))  # fmt: skip
    if long_minutes and not files["long"].exists():
        print(f"generating the {long_minutes:g}-minute programme (once; cached in {work})...")
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={long_d}",
               "-f", "lavfi", "-i", SPEECH.format(d=long_d),
               "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-b:v", "1500k",
               "-c:a", "aac", "-b:a", "128k", str(files["long"]))  # fmt: skip
    return files


def source(path: Path) -> Source:
    container = sniff(path)
    return Source(path, container, probe_file(path, "ffprobe", container), path.name)


def preset(preset_id: str, coder: str | None = None) -> AudioMasterPreset:
    p = load_typed(preset_id, AudioMasterPreset)
    if coder:
        p = p.model_copy(update={"output": p.output.model_copy(update={"aac_coder": coder})})
    return p


def ours(
    p: AudioMasterPreset, sources: MasterSources, work: Path, show_steps: bool = False
) -> tuple[float, MasterResult]:
    shutil.rmtree(work, ignore_errors=True)
    runner = LocalRunner(work / "logs")
    start = time.perf_counter()
    result = master(runner, "ffmpeg", "ffprobe", p, "bench", sources, work, "out")
    took = time.perf_counter() - start
    if show_steps:  # processes that ran side by side are listed one after the other
        print("    " + ", ".join(f"{what} {secs:.1f} s" for what, secs in runner.steps))
    return took, result


def venv_with_ffmpeg_normalize(root: Path) -> Path:
    exe = root / "venv" / "bin" / "ffmpeg-normalize"
    if not exe.exists():
        print("installing ffmpeg-normalize into a throwaway venv...")
        subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
        subprocess.run([str(root / "venv" / "bin" / "pip"), "install", "-q", "ffmpeg-normalize"],
                       check=True)  # fmt: skip
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout
    print(f"  {version.strip()}")
    return exe


def ffmpeg_normalize(exe: Path, wav: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(exe), str(wav), "-o", str(out), "-f", "-nt", "ebu", "-t", str(TARGET),
         "-tp", str(CEILING), "-lrt", str(LRA), "-c:a", "aac", "-b:a", str(BITRATE),
         "-ar", "48000"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def meter(path: Path) -> dict[str, float]:
    """Two meters on the delivered file, as a player decodes it: ffmpeg's EBU R128
    scanner (ebur128, three decimals through its metadata) and loudnorm's analysis
    (two decimals; it measures at 192 kHz and reads a few hundredths lower)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "r128.txt"
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0", "-af",
             f"ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.I:file={log}",
             "-f", "null", "-"],
            check=True, capture_output=True,
        )  # fmt: skip
        ebur128 = float(log.read_text().strip().splitlines()[-1].split("=")[1])
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0",
         "-af", "loudnorm=print_format=json", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr  # fmt: skip
    data = json.loads(err[err.rindex("{") : err.rindex("}") + 1])
    return {"I_ebur128": ebur128, "I": float(data["input_i"]), "TP": float(data["input_tp"])}


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best(
    rounds: int, fns: dict[str, Callable[[], float]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Best wall time and best CPU time (all child processes) of each, rounds interleaved.

    CPU seconds barely move with other load on the machine; wall seconds do.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    cpu: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(rounds):
        for name, fn in fns.items():
            before = child_cpu()
            times[name].append(fn())
            cpu[name].append(child_cpu() - before)
            print(f"  round {r + 1}: {name:<28} {times[name][-1]:6.1f} s wall "
                  f"{cpu[name][-1]:6.1f} s cpu")  # fmt: skip
    return {n: min(t) for n, t in times.items()}, {n: min(c) for n, c in cpu.items()}


def compare(files: dict[str, Path], work: Path, rounds: int) -> None:
    print(f"\n1. Normalising {files['ten'].name} to {TARGET} LUFS / {CEILING} dBTP, AAC 192k")
    exe = venv_with_ffmpeg_normalize(work)
    sources = MasterSources(source(files["ten"]))
    shipped = preset("audio/dialogue_mix_v1")
    twoloop = preset("audio/dialogue_mix_v1", "twoloop")
    fn_out = work / "ffmpeg-normalize.m4a"
    outs: dict[str, Path] = {}

    def run_ours(name: str, p: AudioMasterPreset) -> Callable[[], float]:
        def go() -> float:
            took, result = ours(p, sources, work / name)
            outs[name] = result.output
            return took

        return go

    t, cpu = best(
        rounds,
        {
            "ffmpeg-normalize": lambda: ffmpeg_normalize(exe, files["ten"], fn_out),
            f"ours (aac_coder {shipped.output.aac_coder})": run_ours("ours-shipped", shipped),
            "ours (aac_coder twoloop)": run_ours("ours-twoloop", twoloop),
        },
    )
    fn_t, fn_cpu = t["ffmpeg-normalize"], cpu["ffmpeg-normalize"]
    levels = {"ffmpeg-normalize": meter(fn_out)}
    levels.update({name: meter(path) for name, path in outs.items()})
    print(f"\n  {'':<32}{'wall s':>7}{'x':>7}{'cpu s':>7}{'x':>7}"
          f"{'I ebur128':>11}{'off':>7}{'I loudnorm':>11}{'TP':>7}")  # fmt: skip
    shipped_name = f"ours (aac_coder {shipped.output.aac_coder})"
    rows = [
        ("ffmpeg-normalize", "ffmpeg-normalize", "ffmpeg-normalize"),
        (f"ours, {shipped.output.aac_coder} coder (as shipped)", shipped_name, "ours-shipped"),
        ("ours, twoloop coder", "ours (aac_coder twoloop)", "ours-twoloop"),
    ]
    offs = {}
    for label, key, out in rows:
        lv = levels[out]
        offs[out] = abs(lv["I_ebur128"] - TARGET)
        print(f"  {label:<32}{t[key]:7.1f}{fn_t / t[key]:6.2f}x{cpu[key]:7.1f}"
              f"{fn_cpu / cpu[key]:6.2f}x{lv['I_ebur128']:11.3f}{offs[out]:7.3f}"
              f"{lv['I']:11.2f}{lv['TP']:7.2f}")  # fmt: skip
    print(f"\n  speed-up, as shipped: {fn_t / t[shipped_name]:.2f}x wall, "
          f"{fn_cpu / cpu[shipped_name]:.2f}x cpu (goal >= 3x); same coder: "
          f"{fn_t / t['ours (aac_coder twoloop)']:.2f}x wall")  # fmt: skip
    verdict = "yes" if offs["ours-shipped"] < offs["ffmpeg-normalize"] else "NO"
    print(f"  closer to the target than ffmpeg-normalize (EBU R128 meter, ebur128): {verdict} "
          f"({offs['ours-shipped']:.3f} LU vs {offs['ffmpeg-normalize']:.3f} LU)")  # fmt: skip


def long_programme(files: dict[str, Path], work: Path, minutes: float) -> None:
    print(f"\n2. A {minutes:g}-minute programme ({files['long'].name}, video stream-copied)")
    prog = source(files["long"])
    music = source(files["music"])
    for preset_id, with_music in (
        ("audio/music_mix_roll_duck_v1", True),
        ("audio/dialogue_mix_v1", False),
    ):
        p = preset(preset_id)
        sources = MasterSources(prog, music if with_music else None)
        took, result = ours(p, sources, work / "long", show_steps=True)
        d = prog.duration
        verdict = "under" if took < 60 else "OVER"
        level = f"{result.final.integrated_lufs} LUFS, mode {result.plans[-1].mode}"
        print(f"  {preset_id:<30} {took:6.1f} s  {d / took:5.0f}x real time  "
              f"{verdict} 60 s  -> {level}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--long-minutes", type=float, default=60)
    parser.add_argument("--workdir", type=Path, help="keep generated inputs here between runs")
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--skip-long", action="store_true")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mediadesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    files = make_inputs(work, args.minutes, 0 if args.skip_long else args.long_minutes)
    if not args.skip_compare:
        compare(files, work, args.rounds)
    if not args.skip_long:
        long_programme(files, work, args.long_minutes)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
