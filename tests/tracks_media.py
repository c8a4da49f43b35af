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


CHAPTERS = """;FFMETADATA1
[CHAPTER]
TIMEBASE=1/1000
START=0
END=1500
title=Opening

[CHAPTER]
TIMEBASE=1/1000
START=1500
END=3000
title=Le départ
"""

# A sidecar in Windows-1252, as older Western SRTs are ("café" is 63 61 66 E9).
SIDECAR_EN = "1\r\n00:00:01,000 --> 00:00:02,000\r\nA café, please\r\n"
SIDECAR_FR_FORCED = "1\n00:00:00,200 --> 00:00:00,900\nPanneau : SORTIE\n"


def with_sidecars(movie: Path) -> Path:
    """``Movie.en.srt`` (cp1252) and ``Movie.fr.forced.srt`` (UTF-8) beside ``movie``."""
    movie.with_name(f"{movie.stem}.en.srt").write_bytes(SIDECAR_EN.encode("cp1252"))
    movie.with_name(f"{movie.stem}.fr.forced.srt").write_text(SIDECAR_FR_FORCED, "utf-8")
    return movie


def mov_text_mp4(directory: Path, duration: float = 3.0) -> Path:
    """An MP4 with a Spanish mov_text subtitle stream."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / "movtext.mp4"
    if out.exists():
        return out
    srt = directory / "movtext-source.srt"
    srt.write_text(SRT_EN.replace("Hello there", "Hola"), "utf-8")
    subprocess.run(
        [
            *BASE,
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x180:rate=25:duration={duration}",
            *_sine(440, duration),
            "-i",
            str(srt),
            "-map",
            "0",
            "-map",
            "1",
            "-map",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-c:s",
            "mov_text",
            "-metadata:s:s:0",
            "language=spa",
            "-t",
            str(duration),
            str(out),
        ],
        check=True,
        timeout=300,
    )
    return out


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
    chapters = directory / "chapters.txt"
    chapters.write_text(CHAPTERS, "utf-8")
    # An exact duplicate of the English stream (some rips carry one): stream-copied.
    subprocess.run(
        [
            *BASE,
            "-i",
            str(out.with_name("plain-" + name)),
            "-i",
            str(chapters),
            "-map_chapters",
            "1",
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


# Where the VobSub subpictures are drawn on the 320x240 picture, and when (seconds).
SUBPICTURE_BOX = (100, 180, 300, 220)  # left, top, right, bottom
SUBPICTURE_SHOWN = (1.0, 2.5)


def _subpicture_png(path: Path, size: tuple[int, int]) -> None:
    """A DVD subpicture: at most 4 palette colours, index 0 transparent. A white box
    with a black bar inside, so the burned region is unmistakable on testsrc2."""
    from PIL import Image, ImageDraw

    image = Image.new("P", size, 0)
    image.putpalette([0, 0, 0, 255, 255, 255, 0, 0, 0] + [0, 0, 0] * 253)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, size[0] - 1, size[1] - 1], fill=1)
    draw.rectangle([10, 10, size[0] - 11, size[1] - 11], fill=2)
    image.save(path, transparency=0)


def picture_subtitles_mkv(
    directory: Path, duration: float = 4.0, size: str = "320x240", name: str = "vobsub.mkv"
) -> Path:
    """A Matroska file with two VobSub (``dvd_subtitle``) streams, as a DVD rip has:
    German, flagged forced, then English. ffmpeg cannot make picture subtitles, so
    dvdauthor's ``spumux`` muxes PNG subpictures into an MPEG-PS (it needs one with
    video), and ffmpeg then remuxes them beside an H.264 picture and AAC sound.
    Both tracks show the same box at ``SUBPICTURE_BOX`` during ``SUBPICTURE_SHOWN``."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / name
    if out.exists():
        return out
    work = directory / f"{out.stem}-work"
    work.mkdir(exist_ok=True)
    left, top, right, bottom = SUBPICTURE_BOX
    _subpicture_png(work / "sub.png", (right - left, bottom - top))
    start, end = SUBPICTURE_SHOWN
    (work / "subs.xml").write_text(
        '<subpictures format="NTSC"><stream>'
        f'<spu start="00:00:{start:05.2f}" end="00:00:{end:05.2f}" image="sub.png" '
        f'xoffset="{left}" yoffset="{top}"/>'
        "</stream></subpictures>\n",
        "utf-8",
    )
    mpeg = work / "video.mpg"
    subprocess.run(
        [
            *BASE,
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=25:duration={duration}",
            *_sine(440, duration),
            "-c:v",
            "mpeg2video",
            "-q:v",
            "4",
            "-c:a",
            "mp2",
            "-f",
            "dvd",
            str(mpeg),
        ],
        check=True,
        timeout=300,
    )
    # Two subpicture streams (ids 0 and 1), one spumux run each.
    current = mpeg
    for stream in (0, 1):
        muxed = work / f"with-{stream}.mpg"
        with current.open("rb") as src, muxed.open("wb") as dst:
            subprocess.run(
                ["spumux", "-s", str(stream), str(work / "subs.xml")],
                stdin=src,
                stdout=dst,
                stderr=subprocess.DEVNULL,
                cwd=work,
                check=True,
                timeout=300,
            )
        current = muxed
    subprocess.run(
        [
            *BASE,
            "-i",
            str(current),
            "-map",
            "0:v",
            "-map",
            "0:a",
            "-map",
            "0:s",
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
            "-c:s",
            "copy",
            "-metadata:s:s:0",
            "language=ger",
            "-metadata:s:s:1",
            "language=eng",
            "-disposition:s:0",
            "forced",
            "-disposition:s:1",
            "0",
            str(out),
        ],
        check=True,
        timeout=300,
    )
    return out
