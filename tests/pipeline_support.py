"""Helpers for the media pipeline tests: waiting, reading outputs with real ffprobe,
and a tripwire that notices when ffmpeg opens a file it must not."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mediadesk.domain.enums import MediaStatus
from tests.waiting import wait_until

WAIT_S = 300.0


def wait_done(rt: Any, media_id: str, timeout: float = WAIT_S) -> Any:
    """The media view once it is READY or FAILED (with its artifacts)."""
    wait_until(
        lambda: rt.library.get_media(media_id, detail=False).status,
        f"media {media_id} to be READY or FAILED",
        until=lambda status: status in (MediaStatus.READY, MediaStatus.FAILED),
        timeout=timeout,
    )
    return rt.library.get_media(media_id)


def import_and_wait(rt: Any, path: Path, timeout: float = WAIT_S) -> Any:
    return wait_done(rt, rt.ingest.import_path(path).media.id, timeout)


def media_root(rt: Any) -> Path:
    return Path(rt.settings.resolved_storage)


def jobs_by_type(rt: Any, media_id: str) -> dict[str, Any]:
    views = rt.jobs.list_jobs(media_file_id=media_id, limit=100).items
    return {v.type: rt.jobs.get(v.id) for v in views}


def ffprobe(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", *args],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def keyframe_times(playlist: Path) -> list[float]:
    """Presentation times of the video keyframes of a whole rendition."""
    doc = ffprobe("-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", str(playlist))
    return [round(float(p["pts_time"]), 3) for p in doc["packets"] if p["flags"].startswith("K")]


def stream_of(path: Path, kind: str = "v") -> dict[str, Any]:
    doc = ffprobe("-select_streams", f"{kind}:0", "-show_streams", str(path))
    stream: dict[str, Any] = doc["streams"][0]
    return stream


def playlist_durations(playlist: Path) -> list[float]:
    return [
        float(line.split(":", 1)[1].split(",")[0])
        for line in playlist.read_text().splitlines()
        if line.startswith("#EXTINF:")
    ]


def master_variants(master: Path) -> list[dict[str, str]]:
    """The attributes of every #EXT-X-STREAM-INF, plus its URI."""
    lines = master.read_text().splitlines()
    variants = []
    for i, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            attrs = dict(_attributes(line.split(":", 1)[1]))
            attrs["URI"] = lines[i + 1]
            variants.append(attrs)
    return variants


def _attributes(text: str) -> Iterator[tuple[str, str]]:
    key, value, quoted, reading_key = "", "", False, True
    for ch in text + ",":
        if reading_key:
            if ch == "=":
                reading_key = False
            else:
                key += ch
        elif ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            yield key, value
            key, value, reading_key = "", "", True
        else:
            value += ch


class FifoTripwire:
    """A named pipe that records whether anyone opened it for reading.

    Opening a FIFO for writing with O_NONBLOCK succeeds only while a reader has it
    open (or is blocked opening it), so a polling writer sees every read attempt;
    it then writes a few bytes and closes, so the reader never hangs.

    A reader's (blocking) open returns only once the watcher's open succeeded, and the
    watcher records the hit before it writes or looks at the stop flag again. So once
    the readers have exited and the ``with`` block has ended (the watcher is joined),
    ``opened`` is final: "never opened" is then exact, with no waiting.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opened = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    raise
                # Not waiting for an outcome: a writer cannot block until a reader
                # comes (a blocking open would hang here when nobody ever reads), so
                # it polls; 5 ms keeps a reader's blocked open short.
                time.sleep(0.005)
                continue
            self.opened.set()
            with contextlib.suppress(OSError):
                os.write(fd, b"\x47" + b"\x00" * 187)
            os.close(fd)

    def __enter__(self) -> FifoTripwire:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "the tripwire's watcher did not stop"
