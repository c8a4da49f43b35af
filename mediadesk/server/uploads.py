"""Streaming request bodies into the library's staging area.

Bytes are gathered into 1 MiB batches that go through a short queue to two threads,
one writing and one hashing (hashlib and file writes release the GIL), while the event
loop receives the next batches; an upload holds about 5 MiB whatever its size.
:class:`~mediadesk.storage.base.StagingWriter` removes the partial file when anything
goes wrong, including the client vanishing mid-body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from mediadesk.errors import InvalidInput
from mediadesk.fsutil import storage_error
from mediadesk.server.limits import TooLarge, pump
from mediadesk.server.multipart import MultipartParser, PartData, PartEnd, PartStart
from mediadesk.storage.base import StagedFile, StagingWriter

BATCH = 1024 * 1024
DEPTH = 4  # batches queued per consumer: at most ~5 MiB held per upload
MAX_FIELD_BYTES = 64 * 1024
FILE_FIELDS = ("file", "media", "upload")


@asynccontextmanager
async def task_group() -> AsyncIterator[TaskGroup]:
    """An anyio task group that raises the first real error, not an ExceptionGroup.

    The callers' error handling (client gone, bad multipart, too large) expects the
    plain exception; the group only ever runs one batch write at a time.
    """
    try:
        async with anyio.create_task_group() as tg:
            yield tg
    except BaseExceptionGroup as group:
        first: BaseException = group
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None


class Sink(Protocol):
    """Where batches go: written and hashed in two threads at once, each in order."""

    def write_unhashed(self, data: bytes | bytearray) -> None: ...

    def hash_update(self, data: bytes | bytearray) -> None: ...


class PipelinedWriter:
    """Feeds a blocking sink from async code: batches go through a short queue to two
    consumers, one writing and one hashing (each in its own thread, each in order), so
    a disk stall does not stop the network and hashing costs no wall time."""

    def __init__(self, writer: Sink, limit: int | None) -> None:
        self.writer = writer
        self.limit = limit
        self.received = 0
        self._batch = bytearray()
        self._streams: list[MemoryObjectSendStream[bytearray]] = []
        self._done: list[anyio.Event] = []

    def bind(self, tg: TaskGroup) -> PipelinedWriter:
        for op, name in (
            (self.writer.write_unhashed, "writing"),
            (self.writer.hash_update, "hashing"),
        ):
            send, receive = anyio.create_memory_object_stream[bytearray](DEPTH)
            done = anyio.Event()
            self._streams.append(send)
            self._done.append(done)
            tg.start_soon(self._consume, receive, op, name, done)
        return self

    @staticmethod
    async def _consume(
        receive: MemoryObjectReceiveStream[bytearray],
        op: Callable[[bytearray], None],
        name: str,
        done: anyio.Event,
    ) -> None:
        try:
            async with receive:
                async for batch in receive:
                    try:
                        await anyio.to_thread.run_sync(op, batch)
                    except OSError as exc:
                        raise storage_error(exc, f"{name} an upload") from exc
        finally:
            done.set()

    async def write(self, data: bytes) -> None:
        self.received += len(data)
        if self.limit is not None and self.received > self.limit:
            raise TooLarge(f"the upload is larger than the {self.limit} bytes it may send")
        self._batch += data
        if len(self._batch) >= BATCH:
            await self._submit()

    async def _submit(self) -> None:
        batch, self._batch = self._batch, bytearray()  # hand over, no copy
        # Shielded: a batch goes to both consumers or to neither, so the file and its
        # hash never disagree when a silent body is cut off (limits.pump).
        with anyio.CancelScope(shield=True):
            for stream in self._streams:
                await stream.send(batch)

    async def flush(self) -> None:
        """Send the last batch and wait until every byte is written and hashed."""
        if self._batch:
            await self._submit()
        for stream in self._streams:
            await stream.aclose()
        for done in self._done:
            await done.wait()


@dataclass
class MultipartResult:
    staged: StagedFile
    filename: str
    fields: dict[str, list[str]] = field(default_factory=dict)


async def stage_stream(
    chunks: AsyncIterator[bytes],
    writer: StagingWriter,
    limit: int | None,
    idle_timeout: float | None = None,
) -> StagedFile:
    """A raw body (PUT) straight into ``writer``; returns the staged file."""
    async with task_group() as tg:
        pipe = PipelinedWriter(writer, limit).bind(tg)
        await pump(tg, chunks, idle_timeout, pipe.write)
        await pipe.flush()
    return await finish(writer)


async def finish(writer: StagingWriter) -> StagedFile:
    """fsync and close; a full disk here is DISK_FULL (507) like anywhere else."""
    try:
        return await anyio.to_thread.run_sync(writer.finish)
    except OSError as exc:
        raise storage_error(exc, "finishing an upload") from exc


class FormReader:
    """Events of a multipart body: the first file part goes to ``pipe``, small text
    fields are collected, other file parts are read and dropped."""

    def __init__(self, boundary: bytes, pipe: PipelinedWriter) -> None:
        self.parser = MultipartParser(boundary)
        self.pipe = pipe
        self.fields: dict[str, list[str]] = {}
        self.filename: str | None = None
        self.got_file = False
        self._current: PartStart | None = None
        self._text = bytearray()

    def _is_file(self, part: PartStart) -> bool:
        return (
            not self.got_file
            and self.filename is not None
            and part.filename is not None
            and part.name in FILE_FIELDS
        )

    async def feed(self, chunk: bytes) -> None:
        for event in self.parser.feed(chunk):
            if isinstance(event, PartStart):
                self._current, self._text = event, bytearray()
                if event.filename is not None and event.name in FILE_FIELDS and not self.got_file:
                    self.filename = event.filename or "upload"
                continue
            current = self._current
            assert current is not None
            if isinstance(event, PartData):
                if self._is_file(current):
                    await self.pipe.write(event.data)
                elif current.filename is None:
                    self._text += event.data
                    if len(self._text) > MAX_FIELD_BYTES:
                        raise InvalidInput(f"form field {current.name!r} is too long")
            elif isinstance(event, PartEnd):
                if self._is_file(current):
                    self.got_file = True
                elif current.filename is None:
                    value = self._text.decode("utf-8", "replace")
                    self.fields.setdefault(current.name, []).append(value)
                self._current = None


async def stage_multipart(
    chunks: AsyncIterator[bytes],
    boundary: bytes,
    writer: StagingWriter,
    limit: int | None,
    idle_timeout: float | None = None,
) -> MultipartResult:
    """Stream the first file part into ``writer``; small text fields are collected."""
    async with task_group() as tg:
        form = FormReader(boundary, PipelinedWriter(writer, limit).bind(tg))
        await pump(tg, chunks, idle_timeout, form.feed)
        form.parser.close()
        await form.pipe.flush()
    if not form.got_file or form.filename is None:
        raise InvalidInput("the form has no file part (send it as field 'file')")
    return MultipartResult(await finish(writer), form.filename, form.fields)
