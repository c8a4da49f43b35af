"""A watchdog beside one download: deadline, minimum rate and cancel, whatever the peer does.

A blocking read only returns when bytes arrive, so a deadline checked between reads
is at the mercy of the server (one byte every two seconds kept an import alive for
minutes). The guard runs on its own thread, checks every ``TICK_S``, and when a rule
trips it shuts the connection's socket down: the blocked read returns at once, and
the download raises the guard's error instead of whatever the dead socket said.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType

from mediadesk.engine.process import CancelToken
from mediadesk.errors import Cancelled, ErrorCode, InvalidInput, MediaDeskError
from mediadesk.jobs.transfer import TransferMeter

TICK_S = 0.1


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout_s: float
    max_redirects: int
    allow_private: bool
    min_rate: int = 0  # bytes per second; 0 means no minimum
    rate_window_s: float = 30.0


class DownloadGuard:
    def __init__(self, url: str, limits: FetchLimits, cancel: CancelToken | None) -> None:
        self.url = url
        self.limits = limits
        self.cancel = cancel
        self.deadline = time.monotonic() + limits.timeout_s
        self.meter = TransferMeter(limits.rate_window_s)
        self.tripped: MediaDeskError | None = None
        self._fd: int | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="download-guard", daemon=True)

    def __enter__(self) -> DownloadGuard:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    # The connection being watched --------------------------------------------------

    def attach(self, sock: socket.socket) -> None:
        """Watch ``sock`` (by descriptor: TLS wraps it in another object on the same fd)."""
        with self._lock:
            self._fd = sock.fileno()
            if self.tripped is not None:
                self._abort()

    def detach(self) -> None:
        """Stop watching; call before the socket is closed (its fd may be reused)."""
        with self._lock:
            self._fd = None

    def _abort(self) -> None:
        if self._fd is None:
            return
        # A duplicate of the descriptor, shut down: the socket itself is shut (shutdown
        # acts on the connection, not the descriptor), while the object the reading
        # thread holds, plain or TLS, is left to fail its read and be closed there.
        try:
            dup = socket.socket(fileno=os.dup(self._fd))
        except OSError:
            return
        try:
            dup.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # not connected yet, or already gone: the read fails either way
        finally:
            dup.close()

    # The rules ---------------------------------------------------------------------

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def received(self, done: int, total: int | None) -> None:
        self.meter.update(done, total)

    def check(self) -> None:
        """Raise the guard's error if a rule has tripped (from the download's thread)."""
        with self._lock:
            if self.tripped is None:
                self.tripped = self._rule()
            tripped = self.tripped
        if tripped is not None:
            raise tripped

    def _rule(self) -> MediaDeskError | None:
        limits = self.limits
        if self.cancel is not None and self.cancel.cancelled:
            return Cancelled("import cancelled")
        if time.monotonic() >= self.deadline:
            return InvalidInput(
                f"{self.url}: the download did not finish within {limits.timeout_s:g} s "
                "(the url_timeout setting)",
                code=ErrorCode.URL_TIMEOUT,
            )
        window = limits.rate_window_s
        if (
            limits.min_rate
            and self.meter.elapsed >= window
            and self.meter.moved_in_window() < limits.min_rate * window
        ):
            return InvalidInput(
                f"{self.url}: the server sent less than {limits.min_rate / 1000:g} kB/s "
                f"for {window:g} s (the url_min_rate setting)",
                code=ErrorCode.URL_TIMEOUT,
            )
        return None

    def _watch(self) -> None:
        while not self._stop.wait(TICK_S):
            rule = self._rule()
            if rule is not None:
                with self._lock:
                    if self.tripped is None:
                        self.tripped = rule
                    self._abort()
                return
