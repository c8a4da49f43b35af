"""How an untrusted local file is handed to ffmpeg or ffprobe.

- ``file:`` plus an absolute path: a name like ``-x.ts`` cannot read as an option and
  ``subfile:x`` or ``http:x`` cannot select another protocol;
- ``-protocol_whitelist file``: nothing but local files, ever;
- ``-f`` and ``-format_whitelist`` set to the demuxer we identified ourselves, so a
  file that is really a playlist or a concat script is never parsed as one, and nested
  demuxers (an AVI's embedded subtitle, say) cannot switch to HLS either.
"""

from __future__ import annotations

from pathlib import Path

from mediadesk.engine.sniff import Container


def file_url(path: Path) -> str:
    return "file:" + str(path.resolve())


def input_args(path: Path, container: Container) -> list[str]:
    return [
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        container.demuxer,
        "-f",
        container.demuxer,
        "-i",
        file_url(path),
    ]


def pcm_input_args(path: Path, sample_rate: int, channels: int) -> list[str]:
    """Raw 32-bit float PCM that we wrote ourselves (a FIFO between two ffmpegs)."""
    return [
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        "f32le",
        "-f",
        "f32le",
        "-ar",
        str(sample_rate),
        "-ac",
        str(channels),
        "-i",
        file_url(path),
    ]
