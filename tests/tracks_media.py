"""Generated sources with several audio and subtitle tracks, as people own them."""

from __future__ import annotations

import subprocess
from pathlib import Path

BASE = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]

SRT_EN = """1
00:00:00,500 --> 00:00:01,500
Hello there

2
00:00:02,000 --> 00:00:02,800
Second line
"""

ASS_FR = """[Script Info]
ScriptType: v4.00+
PlayResX: 320
PlayResY: 180

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, Bold, Italic, Alignment
Style: Default,Arial,20,&H00FFFFFF,0,0,2

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.70,0:00:01.60,Default,,0,0,0,,{\\an8}{\\b1}Bonjour{\\b0} {\\i1}à tous{\\i0}
Dialogue: 0,0:00:02.10,0:00:02.90,Default,,0,0,0,,{\\c&H0000FF&}Au revoir
"""


def _sine(freq: int, duration: float, layout: str = "stereo") -> list[str]:
    return [
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={freq}:sample_rate=48000:duration={duration}",
    ]


def multi_audio_mkv(directory: Path, duration: float = 3.0, name: str = "tracks.mkv") -> Path:
    """Video; English (default), French, English commentary, German 5.1 and an exact
    copy of the English stream; an English SRT and a French ASS subtitle stream."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / name
    if out.exists():
        return out
    srt = directory / "embedded.en.srt"
    srt.write_text(SRT_EN, "utf-8")
    ass = directory / "embedded.fr.ass"
    ass.write_text(ASS_FR, "utf-8")
    argv = [
        *BASE,
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size=320x180:rate=25:duration={duration}",
        *_sine(440, duration),
        *_sine(550, duration),
        *_sine(660, duration),
        *_sine(330, duration),
        "-i",
        str(srt),
        "-i",
        str(ass),
        "-filter_complex",
        "[1:a]aformat=channel_layouts=stereo[en];[2:a]aformat=channel_layouts=stereo[fr];"
        "[3:a]aformat=channel_layouts=stereo[com];[4:a]aformat=channel_layouts=5.1[de]",
        "-map",
        "0:v",
        "-map",
        "[en]",
        "-map",
        "[fr]",
        "-map",
        "[com]",
        "-map",
        "[de]",
        "-map",
        "5:s",
        "-map",
        "6:s",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        "25",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        "-c:s:0",
        "srt",
        "-c:s:1",
        "ass",
        "-metadata:s:a:0",
        "language=eng",
        "-metadata:s:a:1",
        "language=fre",
        "-metadata:s:a:2",
        "language=eng",
        "-metadata:s:a:2",
        "title=Commentary",
        "-metadata:s:a:3",
        "language=ger",
        "-metadata:s:s:0",
        "language=eng",
        "-metadata:s:s:1",
        "language=fre",
        "-disposition:a:0",
        "default",
        "-disposition:a:1",
        "0",
        "-disposition:a:2",
        "comment",
        "-disposition:a:3",
        "0",
        "-disposition:s:0",
        "0",
        "-disposition:s:1",
        "0",
        "-t",
        str(duration),
        str(out.with_name("plain-" + name)),
    ]
    subprocess.run(argv, check=True, timeout=300)
    # An exact duplicate of the English stream (some rips carry one): stream-copied.
    subprocess.run(
        [
            *BASE,
            "-i",
            str(out.with_name("plain-" + name)),
            "-map",
            "0:v",
            "-map",
            "0:a",
            "-map",
            "0:a:0",
            "-map",
            "0:s",
            "-c",
            "copy",
            "-disposition:a:4",
            "0",
            str(out),
        ],
        check=True,
        timeout=300,
    )
    out.with_name("plain-" + name).unlink()
    return out
