"""Resumable uploads: the tus 1.0.0 core protocol with creation and termination.

State lives beside the bytes in ``<staging>/tus/``: ``<id>.part`` holds what has
arrived (its size is the offset) and ``<id>.json`` the declared length, metadata and,
once finished, the media file it became. A dropped connection keeps every byte that
reached the disk; the client asks ``HEAD`` for the offset and sends the rest.
The running SHA-256 is kept in memory while the server runs; after a restart it is
recomputed from the part file once, on the next PATCH.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mediadesk.base_types import new_token
from mediadesk.errors import Conflict, ErrorCode, InvalidInput, NotFound
from mediadesk.fsutil import storage_error
from mediadesk.storage.base import CHUNK, StagedFile

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination"
EXPIRY_S = 24 * 3600
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class TusInfo:
    id: str
    length: int
    metadata: dict[str, str]
    created: float
    media_file_id: str | None = None
    duplicate: bool = False
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def expires(self) -> float:
        return self.created + EXPIRY_S


def parse_metadata(header: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if not header:
        return out
    for pair in header.split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, value = pair.partition(" ")
        if not key or len(out) >= 32:
            raise InvalidInput("malformed Upload-Metadata")
        try:
            out[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(f"Upload-Metadata {key!r} is not base64 UTF-8") from None
    return out


class Appender:
    """Appends to a part file and keeps the running hash (blocking; used from a thread)."""

    def __init__(self, path: Path, hasher: Any) -> None:
        self.fh = open(path, "ab")  # noqa: SIM115 - closed by close()
        self.hasher = hasher

    def write_unhashed(self, data: bytes | bytearray) -> None:
        self.fh.write(data)

    def hash_update(self, data: bytes | bytearray) -> None:
        self.hasher.update(data)

    def close(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()


class TusStore:
    def __init__(self, staging_dir: Path) -> None:
        self.root = staging_dir / "tus"
        self._lock = threading.Lock()
        self._busy: set[str] = set()
        self._hashers: dict[str, tuple[Any, int]] = {}

    def _paths(self, upload_id: str) -> tuple[Path, Path]:
        if not _ID.match(upload_id):
            raise NotFound(f"no upload {upload_id}")
        return self.root / f"{upload_id}.json", self.root / f"{upload_id}.part"

    def create(self, length: int, metadata: dict[str, str]) -> TusInfo:
        self.root.mkdir(parents=True, exist_ok=True)
        self.sweep()
        info = TusInfo(new_token(), length, metadata, time.time())
        _meta, part = self._paths(info.id)
        part.touch(exist_ok=False)
        self._save(info)
        return info

    def _save(self, info: TusInfo) -> None:
        meta, _ = self._paths(info.id)
        tmp = meta.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(info)))
        os.replace(tmp, meta)

    def get(self, upload_id: str) -> TusInfo:
        meta, _ = self._paths(upload_id)
        try:
            data = json.loads(meta.read_text())
        except (OSError, ValueError):
            raise NotFound(f"no upload {upload_id}") from None
        info = TusInfo(**data)
        if info.expires < time.time() and info.media_file_id is None:
            self.delete(upload_id)
            raise NotFound(f"upload {upload_id} expired")
        return info

    def offset(self, upload_id: str) -> int:
        _, part = self._paths(upload_id)
        try:
            return part.stat().st_size
        except FileNotFoundError:
            return 0

    def begin_patch(self, upload_id: str, offset: int) -> tuple[TusInfo, Appender]:
        info = self.get(upload_id)
        with self._lock:
            if upload_id in self._busy:
                raise Conflict("another PATCH for this upload is in progress")
            self._busy.add(upload_id)
        try:
            if info.media_file_id is not None or info.error is not None:
                raise Conflict("this upload is already complete")
            current = self.offset(upload_id)
            if offset != current:
                raise Conflict(f"Upload-Offset {offset} does not match the server's {current}")
            _, part = self._paths(upload_id)
            return info, Appender(part, self._hasher(upload_id, part, current))
        except BaseException:
            self.end_patch(upload_id)
            raise

    def _hasher(self, upload_id: str, part: Path, offset: int) -> Any:
        with self._lock:
            hasher, at = self._hashers.pop(upload_id, (None, -1))
        if hasher is not None and at == offset:
            return hasher
        hasher = hashlib.sha256()  # restarted server: hash what is already there once
        with part.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                hasher.update(chunk)
        return hasher

    def end_patch(self, upload_id: str, appender: Appender | None = None) -> int:
        """Close the appender (fsync) and remember the hash state; returns the offset."""
        if appender is not None:
            try:
                appender.close()
            except OSError as exc:
                with self._lock:  # the hash state is lost: the next PATCH rehashes
                    self._busy.discard(upload_id)
                raise storage_error(exc, "finishing an upload") from exc
        offset = self.offset(upload_id)
        with self._lock:
            if appender is not None:
                self._hashers[upload_id] = (appender.hasher, offset)
            self._busy.discard(upload_id)
        return offset

    def staged(self, upload_id: str) -> StagedFile:
        _, part = self._paths(upload_id)
        with self._lock:
            hasher, at = self._hashers.pop(upload_id, (None, -1))
        size = part.stat().st_size
        if hasher is None or at != size:
            raise InvalidInput("upload state lost; send it again", code=ErrorCode.CONFLICT)
        return StagedFile(part, hasher.hexdigest(), size)

    def finish(
        self, info: TusInfo, media_file_id: str | None, duplicate: bool, error: str | None
    ) -> None:
        info.media_file_id, info.duplicate, info.error = media_file_id, duplicate, error
        _, part = self._paths(info.id)
        part.unlink(missing_ok=True)
        self._save(info)

    def delete(self, upload_id: str) -> None:
        meta, part = self._paths(upload_id)
        with self._lock:
            if upload_id in self._busy:
                raise Conflict("this upload is receiving data")
            self._hashers.pop(upload_id, None)
        part.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)

    def sweep(self) -> int:
        """Forget uploads older than the expiry (finished ones after a week)."""
        removed = 0
        now = time.time()
        if not self.root.is_dir():
            return 0
        for meta in self.root.glob("*.json"):
            try:
                data = json.loads(meta.read_text())
                age = now - float(data["created"])
                finished = data.get("media_file_id") or data.get("error")
            except (OSError, ValueError, KeyError):
                continue
            if age > (7 * EXPIRY_S if finished else EXPIRY_S):
                meta.with_suffix(".part").unlink(missing_ok=True)
                meta.unlink(missing_ok=True)
                removed += 1
        return removed
