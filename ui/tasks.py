"""Short background work whose callback always lands on the GUI thread.

A thumbnail load, a detail query, a job action: ``tasks.run(fn, on_done)`` calls ``fn``
on a pool thread and ``on_done(result)`` (or ``on_error(exc)``) on the GUI thread.
Anything that outlives a click is a job in the core, not a task here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from mediadesk.errors import MediaDeskError

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Relay(QObject):
    """Lives on the GUI thread; its signal, emitted from the pool, is queued there."""

    finished = Signal(object, object)  # result, exception


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to on_error on the GUI thread
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


def describe(exc: BaseException) -> str:
    """The sentence a user sees for a failed task."""
    if isinstance(exc, MediaDeskError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def for_each(action: Callable[[str], object], ids: list[str]) -> Callable[[], list[str]]:
    """A task applying ``action`` to every id (cancel, retry...): one refusal does not stop
    the others; the result is a sentence per refusal, led by the id's first characters."""

    def run() -> list[str]:
        problems = []
        for item_id in ids:
            try:
                action(item_id)
            except Exception as exc:
                problems.append(f"{item_id[:8]}: {describe(exc)}")
        return problems

    return run


class TaskRunner(QObject):
    failed = Signal(str)  # a task without its own on_error failed: say so in the status bar

    def __init__(self, max_threads: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._pending: set[_Relay] = set()
        self._latest: dict[object, _Relay] = {}  # per ``latest`` key: the run that counts
        self._closed = False

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        latest: object | None = None,
    ) -> None:
        """Run ``fn`` in the pool; callbacks are skipped once ``owner`` is destroyed.

        Runs sharing a ``latest`` key replace one another: only the last one asked for
        calls back, so a read that finishes after a newer one never shows stale data.
        """
        if self._closed:
            return
        relay = _Relay()
        self._pending.add(relay)
        if latest is not None:
            self._latest[latest] = relay

        @Slot(object, object)
        def finished(result: Any, exc: BaseException | None) -> None:
            self._pending.discard(relay)
            relay.deleteLater()
            if latest is not None:
                if self._latest.get(latest) is not relay:
                    return  # superseded by a newer run, or dropped
                del self._latest[latest]
            if self._closed or (owner is not None and not shiboken6.isValid(owner)):
                return
            if exc is None:
                if on_done is not None:
                    on_done(result)
            elif on_error is not None:
                on_error(exc)
            else:
                if not isinstance(exc, MediaDeskError):
                    log.error("background task failed", exc_info=exc)
                self.failed.emit(describe(exc))

        relay.finished.connect(finished)
        self.pool.start(_Runnable(fn, relay))

    def drop(self, latest: object) -> None:
        """The run under ``latest`` will not call back: what it reads is no longer wanted."""
        self._latest.pop(latest, None)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def close(self, timeout_ms: int = 10_000) -> None:
        self._closed = True
        self.pool.clear()
        self.pool.waitForDone(timeout_ms)
