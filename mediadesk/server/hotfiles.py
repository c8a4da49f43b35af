"""Ready-made answers for plain GETs of local files that have not changed.

A player fetches the same segments over and over; resolving the key, checking the
root and formatting headers each time costs more than the send itself. An entry is
reused only while ``stat`` of the file still shows the same inode, size and mtime,
so a replaced file (or one swapped for a symlink) goes through the full checks again.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

MAX_ENTRIES = 16_384

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class HotEntry:
    media_id: str  # checked against deletions before every reuse
    path: str
    ident: tuple[int, int, int]
    size: int
    headers: Headers


def file_ident(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class HotFiles:
    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self.limit = limit
        self._entries: dict[str, HotEntry] = {}
        self._lock = threading.Lock()

    def get(self, request_path: str) -> HotEntry | None:
        entry = self._entries.get(request_path)
        if entry is None:
            return None
        try:
            current = file_ident(os.stat(entry.path))  # noqa: PTH116 - str path, hot loop
        except OSError:
            current = None
        if current != entry.ident:
            with self._lock:
                self._entries.pop(request_path, None)
            return None
        return entry

    def put(self, request_path: str, entry: HotEntry) -> None:
        with self._lock:
            if len(self._entries) >= self.limit:
                self._entries.clear()
            self._entries[request_path] = entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
