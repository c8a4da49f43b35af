"""Generate small test media with ffmpeg's lavfi sources (never committed binaries)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Clip:
    """What to generate. Defaults: 2 s, 320x180, 25 fps, H.264 + AAC stereo, MP4."""

    duration: float = 2.0
    size: str = "320x180"
    fps: float = 25
    audio: bool = True
    video: bool = True
    vcodec: str = "libx264"
    pix_fmt: str = "yuv420p"
    acodec: str = "aac"
    channels: int = 2
    sample_rate: int = 48000
    container: str = "mp4"
    rotate: int | None = None  # display rotation metadata, degrees clockwise
    tone_hz: int = 440
    extra: tuple[str, ...] = ()
    seed: str = ""  # change to get different bytes for the same shape

    def key(self) -> str:
        return hashlib.sha1(repr(self).encode()).hexdigest()[:16]


def run_ffmpeg(*args: str) -> None:
    """ffmpeg quietly, overwriting: a test's own source file made from its arguments."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=300,
    )


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def make_clip(directory: Path, clip: Clip = Clip(), name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / (name or f"clip-{clip.key()}.{clip.container}")
    if out.exists():
        return out
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    if clip.video:
        pattern = f"testsrc2=size={clip.size}:rate={clip.fps}:duration={clip.duration}"
        argv += ["-f", "lavfi", "-i", pattern]
    if clip.audio:
        layout = {1: "mono", 2: "stereo", 6: "5.1"}[clip.channels]
        argv += [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={clip.tone_hz}:sample_rate={clip.sample_rate}:duration={clip.duration}",
        ]
        argv += ["-af", f"aformat=channel_layouts={layout}"]
    if clip.video:
        argv += ["-c:v", clip.vcodec, "-pix_fmt", clip.pix_fmt]
        if clip.vcodec == "libx264":
            argv += ["-preset", "ultrafast", "-g", str(int(clip.fps))]
        if clip.vcodec == "libx265":
            argv += ["-preset", "ultrafast", "-x265-params", "log-level=error"]
    if clip.audio:
        argv += ["-c:a", clip.acodec, "-ac", str(clip.channels)]
    if clip.seed:
        argv += ["-metadata", f"comment={clip.seed}"]
    encoded = out if clip.rotate is None else out.with_name(f"unrotated-{out.name}")
    argv += [*clip.extra, "-t", str(clip.duration), str(encoded)]
    subprocess.run(argv, check=True, timeout=300)
    if clip.rotate is not None:
        # ffmpeg 5.1 writes a display matrix from the rotate tag only when stream
        # copying; tagging while encoding is silently ignored.
        subprocess.run(
            [
                *argv[:6],
                "-i",
                str(encoded),
                "-map",
                "0",
                "-c",
                "copy",
                "-metadata:s:v:0",
                f"rotate={clip.rotate}",
                str(out),
            ],
            check=True,
            timeout=300,
        )
        encoded.unlink()
    return out


def make_image(
    directory: Path, size: str = "640x480", fmt: str = "jpg", source: str = "testsrc2"
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"image-{source}-{size}.{fmt}"
    if not out.exists():
        argv = [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"{source}=size={size}:rate=1:duration=1",
            "-frames:v",
            "1",
            str(out),
        ]
        subprocess.run(argv, check=True, timeout=120)
    return out


def make_song(
    directory: Path,
    name: str = "Band - Song.mp3",
    cover: str | None = "testsrc2=size=400x400",
    tags: dict[str, str] | None = None,
    codec: str = "libmp3lame",
) -> Path:
    """A 4 s song whose cover art (an APIC frame: ffmpeg's attached_pic) is one frame of
    the lavfi source ``cover``; ``None`` for a song without one. ``tags`` are written as
    the song's metadata (ID3 frames, Vorbis comments...)."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / name
    argv = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    argv += ["-f", "lavfi", "-i", "sine=frequency=330:duration=4"]
    if cover is not None:
        argv += ["-f", "lavfi", "-i", f"{cover}:duration=1", "-map", "0:a", "-map", "1:v"]
        argv += ["-c:v", "mjpeg", "-frames:v", "1", "-disposition:v:0", "attached_pic"]
    for key, value in (tags or {}).items():
        argv += ["-metadata", f"{key}={value}"]
    subprocess.run([*argv, "-c:a", codec, str(out)], check=True, timeout=120)
    return out
