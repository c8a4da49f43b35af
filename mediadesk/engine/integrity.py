"""Cheap structural checks that catch truncated files ffprobe would accept.

A faststart MP4 cut short still probes fine (the index is at the front) and only
fails when a player reaches the missing bytes. Walking the top-level boxes, the
Matroska segment size, or the RIFF size tells us in microseconds.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from mediadesk.engine.sniff import Container
from mediadesk.errors import ErrorCode, InvalidInput


def check_complete(path: Path, container: Container) -> None:
    size = path.stat().st_size
    with path.open("rb") as fh:
        if container.demuxer == "mov":
            problem = _mp4_problem(fh, size)
        elif container.demuxer == "matroska":
            problem = _matroska_problem(fh.read(4096), size)
        elif container.demuxer in ("avi", "wav"):
            problem = _riff_problem(fh.read(12), size)
        else:
            problem = None
    if problem:
        raise InvalidInput(f"{path.name}: {problem}", code=ErrorCode.TRUNCATED_MEDIA)


def _mp4_problem(fh: BinaryIO, size: int) -> str | None:
    offset, seen_moov = 0, False
    while offset < size:
        fh.seek(offset)
        header = fh.read(16)
        if len(header) < 8:
            return f"the file ends inside a box header at byte {offset} (truncated)"
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if box_size == 1:
            if len(header) < 16:
                return "the file ends inside a box header (truncated)"
            box_size = struct.unpack(">Q", header[8:16])[0]
        elif box_size == 0:
            box_size = size - offset
        if box_size < 8:
            return f"corrupt box {box_type!r} at byte {offset}"
        if offset + box_size > size:
            missing = offset + box_size - size
            return (
                f"the {box_type.decode('latin-1')!r} box needs {missing} more bytes than the "
                "file has (truncated)"
            )
        seen_moov = seen_moov or box_type == b"moov"
        offset += box_size
    if not seen_moov:
        return "no 'moov' index box: the file is truncated or not finished writing"
    return None


def _read_vint(data: bytes, pos: int) -> tuple[int, int, bool]:
    """Decode an EBML variable-size integer; returns (value, length, is_unknown)."""
    first = data[pos]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8 or pos + length > len(data):
        raise ValueError("bad vint")
    value = first & (mask - 1)
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
    unknown = value == (1 << (7 * length)) - 1
    return value, length, unknown


def _matroska_problem(head: bytes, size: int) -> str | None:
    try:
        _id_len = 4
        header_size, n, _ = _read_vint(head, _id_len)
        pos = _id_len + n + header_size
        if head[pos : pos + 4] != b"\x18\x53\x80\x67":
            return None
        seg_size, n, unknown = _read_vint(head, pos + 4)
        if unknown:
            return None  # live-written files have no size; nothing to check
        if pos + 4 + n + seg_size > size:
            return "the Matroska segment is longer than the file (truncated)"
    except (ValueError, IndexError):
        return "corrupt Matroska header"
    return None


def _riff_problem(head: bytes, size: int) -> str | None:
    if len(head) < 12:
        return "the RIFF header is incomplete (truncated)"
    riff_size = struct.unpack("<I", head[4:8])[0]
    if riff_size in (0, 0xFFFFFFFF, 0xFFFFFFFF - 8):
        return None  # streamed writers leave the size unset
    if riff_size + 8 > size + 1:  # RIFF pads odd chunks with one byte
        return "the RIFF header promises more data than the file has (truncated)"
    return None
