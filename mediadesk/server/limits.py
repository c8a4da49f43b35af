"""How much an upload may send, and how long it may stay silent.

An upload is refused with 413 before a byte is read when it announces more than it
may send (``Content-Length``, tus ``Upload-Length``), and stopped with 413 as soon as
it sends more. What it may send is the smaller of ``server_max_upload_bytes`` and the
free space of the staging filesystem (where every upload lands first) less
``server_upload_reserve_bytes``, so the library's disk never fills to the last byte.
A body that sends nothing for ``server_body_timeout`` seconds is dropped (408).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import anyio
from anyio.abc import TaskGroup

from mediadesk.errors import ErrorCode, InvalidInput, MediaDeskError
from mediadesk.server.state import ServerState

MULTIPART_SLACK = 1 << 20  # form fields and delimiters around the file part


class TooLarge(InvalidInput):
    code = ErrorCode.TOO_LARGE


class BodyTimeout(MediaDeskError):
    code = ErrorCode.TIMEOUT
    retryable = True


@dataclass(frozen=True)
class UploadRoom:
    limit: int  # the most bytes an upload may send now
    reason: str  # what sets it, for the error message

    def check(self, size: int, slack: int = 0) -> None:
        if size > self.limit + slack:
            raise TooLarge(f"the upload ({size} bytes) is larger than {self.reason}")

    def too_large(self) -> TooLarge:
        return TooLarge(f"the upload is larger than {self.reason}")


def upload_room(state: ServerState) -> UploadRoom:
    settings = state.runtime.settings
    staging = state.runtime.storage.staging_dir()
    free = shutil.disk_usage(staging).free - settings.server_upload_reserve_bytes
    room = UploadRoom(
        max(0, free),
        f"the free space of the library's disk ({max(0, free)} bytes, keeping "
        f"{settings.server_upload_reserve_bytes} in reserve)",
    )
    cap = settings.server_max_upload_bytes
    if cap is not None and cap < room.limit:
        return UploadRoom(cap, f"the {cap}-byte limit (server_max_upload_bytes)")
    return room


def declared_length(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


async def pump(
    tg: TaskGroup,
    chunks: AsyncIterator[bytes],
    idle_timeout: float | None,
    handle: Callable[[bytes], Awaitable[None]],
) -> None:
    """Hand every chunk of a body to ``handle``; :class:`BodyTimeout` when the body
    sends nothing for ``idle_timeout`` seconds.

    A watchdog task in ``tg`` checks the time of the last chunk and cancels the
    receiving loop when it is too old: one timer per upload, where a timeout around
    each chunk cost about 15 us a chunk, and the loop is only ever cut off while it
    waits for the client (``PipelinedWriter`` shields its hand-over).
    """
    if idle_timeout is None:
        async for chunk in chunks:
            if chunk:
                await handle(chunk)
        return
    last = time.monotonic()
    receiving = anyio.CancelScope()
    watching = anyio.CancelScope()
    timed_out = False

    async def watch() -> None:
        nonlocal timed_out
        with watching:
            while (idle := time.monotonic() - last) < idle_timeout:
                await anyio.sleep(idle_timeout - idle)
            timed_out = True
            receiving.cancel()

    tg.start_soon(watch)
    try:
        with receiving:
            async for chunk in chunks:
                last = time.monotonic()
                if chunk:
                    await handle(chunk)
    finally:
        watching.cancel()
    if timed_out:
        raise BodyTimeout(f"the upload sent nothing for {idle_timeout:g} s and was dropped")
