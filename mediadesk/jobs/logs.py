"""Where attempt logs live, and reading them from an offset (for live viewers)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mediadesk.settings import Settings

MAX_CHUNK = 256 * 1024


def job_log_root(settings: Settings, job_id: str) -> Path:
    return settings.logs_dir / job_id


def attempt_log_dir(settings: Settings, job_id: str, attempt: int) -> Path:
    return job_log_root(settings, job_id) / str(attempt)


@dataclass(frozen=True)
class LogChunk:
    data: str
    offset: int
    next_offset: int
    size: int
    exists: bool


def read_log(path: Path | None, offset: int = 0, limit: int = MAX_CHUNK) -> LogChunk:
    """Up to ``limit`` bytes from ``offset``; ``next_offset`` is where to continue."""
    if path is None or not path.is_file():
        return LogChunk("", offset, offset, 0, False)
    size = path.stat().st_size
    offset = max(0, min(offset, size))
    with path.open("rb") as fh:
        fh.seek(offset)
        raw = fh.read(max(0, min(limit, MAX_CHUNK)))
    return chunk_of(raw, offset, size)


def chunk_of(raw: bytes, offset: int, size: int) -> LogChunk:
    """A chunk from bytes read at ``offset`` of a log of ``size`` bytes (local or stored)."""
    raw = _whole_characters(raw)
    return LogChunk(raw.decode("utf-8", "replace"), offset, offset + len(raw), size, True)


def is_stored_pointer(pointer: str) -> bool:
    """Attempt rows point at local files (absolute paths) or storage keys (relative)."""
    return not pointer.startswith("/")


def _whole_characters(raw: bytes) -> bytes:
    """Drop an incomplete UTF-8 sequence at the end; the next read starts with it."""
    for back in range(1, min(4, len(raw)) + 1):
        byte = raw[-back]
        if byte & 0xC0 == 0x80:
            continue  # a continuation byte: keep looking for the lead byte
        if byte < 0x80:
            return raw
        need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
        return raw if back >= need else raw[:-back]
    return raw
