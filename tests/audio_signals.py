"""Speech-like and music-like test signals made with lavfi, and ways to measure them.

"Speech" is pink noise kept to 1-4 kHz, modulated at a syllable rate, present only in
known windows. "Music" is a steady chord at 110 + 165 Hz, far below the speech band,
so that an FFT bin separates the music from the speech in any mix.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 48000
MUSIC_HZ = (110.0, 165.0)
SPEECH_BAND = (1200.0, 3500.0)


@dataclass(frozen=True)
class Programme:
    duration: float = 13.0
    speech: tuple[tuple[float, float], ...] = ((2.0, 5.0), (8.0, 11.0))
    video: bool = True
    audio: bool = True
    level: float = 0.6

    def key(self) -> str:
        spans = "_".join(f"{a:g}-{b:g}" for a, b in self.speech)
        return f"prog-{self.duration:g}-{spans}-{int(self.video)}{int(self.audio)}-{self.level:g}"


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=300,
    )


def speech_filter(p: Programme) -> str:
    present = "+".join(f"between(t,{a},{b})" for a, b in p.speech) or "0"
    return (
        f"anoisesrc=color=pink:amplitude={p.level}:sample_rate={RATE}:duration={p.duration}:seed=7,"
        "highpass=f=1000,highpass=f=1000,highpass=f=1000,lowpass=f=4000,"
        "volume='0.6+0.4*sin(2*PI*4*t)':eval=frame,"
        f"volume=0:enable='not({present})',aformat=channel_layouts=stereo"
    )


def make_programme(directory: Path, p: Programme = Programme()) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"{p.key()}.{'mp4' if p.video else 'm4a'}"
    if out.exists():
        return out
    args: list[str] = []
    if p.video:
        args += ["-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=10:duration={p.duration}"]
    if p.audio:
        args += ["-f", "lavfi", "-i", speech_filter(p)]
    if p.video:
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p"]
    if p.audio:
        args += ["-c:a", "aac", "-b:a", "160k"]
    _ffmpeg(*args, "-t", str(p.duration), str(out))
    return out


def make_music(directory: Path, duration: float = 7.0, rate: int = 44100) -> Path:
    """A chord that loops seamlessly (whole cycles in ``duration``), at 44.1 kHz."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"music-{duration:g}-{rate}.m4a"
    if not out.exists():
        a, b = MUSIC_HZ
        chord = "[0][1]amix=inputs=2:normalize=0,volume=0.5,aformat=channel_layouts=stereo"
        _ffmpeg(
            "-f", "lavfi", "-i", f"sine=frequency={a}:sample_rate={rate}:duration={duration}",
            "-f", "lavfi", "-i", f"sine=frequency={b}:sample_rate={rate}:duration={duration}",
            "-filter_complex", chord,
            "-c:a", "aac", "-b:a", "192k", str(out),
        )  # fmt: skip
    return out


def decode(path: Path) -> np.ndarray:
    """The first audio stream as mono float samples at 48 kHz."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
         "-ar", str(RATE), "-f", "f32le", "-"],
        check=True, capture_output=True, timeout=300,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


def _window(x: np.ndarray, start: float, end: float) -> np.ndarray:
    return x[int(start * RATE) : int(end * RATE)]


def tone_db(x: np.ndarray, start: float, end: float, freqs: tuple[float, ...] = MUSIC_HZ) -> float:
    """Level of the music chord in a window (dB re full scale), from its FFT bins."""
    seg = _window(x, start, end)
    w = np.hanning(len(seg))
    spec = np.abs(np.fft.rfft(seg * w)) * 2 / np.sum(w)
    bins = np.fft.rfftfreq(len(seg), 1 / RATE)
    power = sum(float(np.sum(spec[np.abs(bins - f) <= 4] ** 2)) for f in freqs)
    return float(10 * np.log10(power + 1e-20))


def band_db(
    x: np.ndarray, start: float, end: float, band: tuple[float, float] = SPEECH_BAND
) -> float:
    """Energy in a frequency band in a window (dB re full scale)."""
    seg = _window(x, start, end)
    spec = np.abs(np.fft.rfft(seg)) * 2 / len(seg)
    bins = np.fft.rfftfreq(len(seg), 1 / RATE)
    sel = (bins >= band[0]) & (bins <= band[1])
    return float(10 * np.log10(np.sum(spec[sel] ** 2) / 2 + 1e-20))


def loudnorm_measure(path: Path) -> dict[str, float]:
    """An independent meter (loudnorm's analysis, 2 decimals): input_i, input_tp, input_lra."""
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0",
         "-af", "loudnorm=print_format=json", "-f", "null", "-"],
        check=True, capture_output=True, text=True, timeout=300,
    ).stderr  # fmt: skip
    data = json.loads(out[out.rindex("{") : out.rindex("}") + 1])
    return {k: float(v) for k, v in data.items() if re.match(r"input_", k)}


def duration_of(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    return float(out.strip())


def stream_md5(path: Path, spec: str = "v:0") -> str:
    """MD5 of a stream's packets (stream copy keeps them bit for bit)."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{spec}", "-c", "copy",
         "-f", "md5", "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    return out.strip()
