"""The one way tests wait: for a condition, never for a length of time.

``wait_until`` polls an observation until it passes and returns the value that passed;
on time-out it fails naming what was awaited and the last value it saw, so a failure
says where the system stopped rather than only that it was slow. The time-out is a
safety net for a stuck system, not part of what is tested. To stop early when waiting
is pointless (a process died), raise from ``observe``: the error goes straight through.

Qt tests use ``qtbot.waitUntil``, which keeps the event loop running while it waits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from mediadesk.runtime import Runtime

T = TypeVar("T")

_FIRST_PAUSE_S = 0.01
_MAX_PAUSE_S = 0.2


def wait_until(
    observe: Callable[[], T],
    what: str,
    *,
    until: Callable[[T], object] = bool,
    timeout: float = 60.0,
) -> T:
    """Return ``observe()`` once ``until`` accepts it (by default: once it is truthy)."""
    deadline = time.monotonic() + timeout
    pause = _FIRST_PAUSE_S
    while True:
        value = observe()
        if until(value):
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {what}; last observed: {value!r}"
            )
        # Polling: the conditions awaited here (a row, a file, a process) have no
        # notification to block on. Short pauses first, so quick conditions stay quick.
        time.sleep(pause)
        pause = min(pause * 2, _MAX_PAUSE_S)


def stop_when_drained(rt: Runtime, queue: str = "default", timeout: float = 120.0) -> None:
    """Stop ``rt`` once every message on ``queue`` has been taken *and* handled.

    Huey deletes a message when a worker takes it, so an empty queue means every
    message is in a worker's hands; stopping joins the workers, so each hand is done.
    After this, "no message made anything happen" is exact.
    """
    wait_until(
        lambda: rt.transport.queued_ids(queue),
        f"every message on {queue!r} to be taken",
        until=lambda ids: not ids,
        timeout=timeout,
    )
    rt.stop(grace=timeout)
