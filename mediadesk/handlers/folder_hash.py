"""``hash_files``: read new or changed files of a library folder, in batches.

A scan lists a folder's files at once (one row each, by name) and hands the ones it
could not recognise by (size, mtime, inode) to this job, a batch of files per job:
one job per file made a 10,000-file scan pay a queue message and a job commit per
file. For each file the job hashes the bytes (the hash decides moves and duplicates),
identifies the container from its bytes and probes it through the one safe-input path,
then hands the result to the library's folder intake (``FolderIntake``; the runtime
gives it, services sit above handlers), which decides in one transaction what the file
is: a move of a known file, a duplicate, a sample, or new media to identify and attach.

The file is never opened for writing; a file that changes while it is read is left
for the next scan (or the watcher, once it has settled).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import Field

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.integrity import check_complete
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import Container, sniff
from mediadesk.errors import InvalidInput
from mediadesk.handlers.common import require_host
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobInput, JobType
from mediadesk.jobs.spec import Outcome

HASH_FILES = "hash_files"
CHUNK = 1024 * 1024
# A batch: this many files, or about this many bytes, whichever comes first.
BATCH_FILES = 200
BATCH_BYTES = 4 * 1024**3


class HashFilesInput(JobInput):
    folder_id: str = Field(min_length=1, max_length=64)
    file_ids: list[str] = Field(min_length=1, max_length=10_000)
    host: str  # the machine whose folder this is


@dataclass(frozen=True)
class PendingFile:
    """A file the scan saw and could not recognise without reading it."""

    file_id: str
    path: Path
    rel_path: str


@dataclass(frozen=True)
class FileIdentity:
    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileIdentity:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class ReadFile:
    """What reading one file found; ``gone``: it vanished first; ``refused``: why the
    bytes are not media (then ``container`` and ``info`` are ``None``)."""

    file_id: str
    identity: FileIdentity | None = None
    sha256: str | None = None
    container: Container | None = None
    info: MediaInfo | None = None
    refused: str | None = None
    gone: bool = False


class FolderIntake(Protocol):
    """The library's side (``services/folder_intake.py``)."""

    def pending(self, file_ids: list[str]) -> list[PendingFile]: ...

    def settle(self, read: ReadFile) -> None: ...


def batches(sizes: list[tuple[str, int]]) -> list[list[str]]:
    """Split ``(file id, size)`` into hashing batches (by count and by bytes)."""
    out: list[list[str]] = []
    current: list[str] = []
    weight = 0
    for file_id, size in sizes:
        if current and (len(current) >= BATCH_FILES or weight + size > BATCH_BYTES):
            out.append(current)
            current, weight = [], 0
        current.append(file_id)
        weight += size
    if current:
        out.append(current)
    return out


class HashFilesJob(JobType[HashFilesInput]):
    name = HASH_FILES
    input_model = HashFilesInput
    # Reads paths only this machine has, one disk at a time: the host's own lane.
    host_bound = True
    needs_media = False
    base_timeout_s = 24 * 3600.0

    def __init__(self, intake: FolderIntake) -> None:
        self.intake = intake

    def run(self, ctx: JobContext, inp: HashFilesInput) -> Outcome:
        require_host(inp.host, "the folder is", "scan it")
        pending = self.intake.pending(inp.file_ids)
        total = 0
        for p in pending:
            with contextlib.suppress(OSError):
                total += p.path.stat().st_size
        done = 0
        counts = {"read": 0, "refused": 0, "gone": 0, "changing": 0}
        for p in pending:
            ctx.check_cancelled()
            read = self._read(ctx, p, done, total)
            if read is None:
                counts["changing"] += 1
                continue
            done += read.identity.size if read.identity else 0
            ctx.report_bytes(done, total)
            counts["gone" if read.gone else "refused" if read.refused else "read"] += 1
            self.intake.settle(read)
        ctx.report_bytes(total, total)
        return Outcome(result={"files": len(inp.file_ids), **counts, "bytes": done})

    def _read(self, ctx: JobContext, p: PendingFile, done: int, total: int) -> ReadFile | None:
        try:
            before = FileIdentity.of(p.path.stat(follow_symlinks=False))
            digest = self._hash(ctx, p.path, done, total)
            after = FileIdentity.of(p.path.stat(follow_symlinks=False))
        except FileNotFoundError:
            return ReadFile(p.file_id, gone=True)
        if before != after:
            ctx.note(f"{p.rel_path} changed while it was read; left for the next scan")
            return None
        try:
            container = sniff(p.path)
            check_complete(p.path, container)
            info = probe_file(p.path, ctx.ffmpeg.ffprobe, container)
        except InvalidInput as exc:
            return ReadFile(p.file_id, after, digest, refused=exc.message)
        except FileNotFoundError:
            return ReadFile(p.file_id, gone=True)
        return ReadFile(p.file_id, after, digest, container, info)

    def _hash(self, ctx: JobContext, path: Path, done: int, total: int) -> str:
        digest = hashlib.sha256()
        read = 0
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                read += len(chunk)
                if read % (64 * CHUNK) == 0:
                    ctx.check_cancelled()
                    ctx.report_bytes(done + read, total)
        return digest.hexdigest()
