"""Pulling a job attempt's log as it grows: a timer and an offset, not a signal per line.

The follower asks ``JobService.log`` for whatever is past its offset a few times a
second and hands the text to its pane, whose line limit bounds memory. A finished
log larger than ``TAIL_BYTES`` starts at its tail. Following stops once the job is
finished and the file has no more to give.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from mediadesk.errors import MediaDeskError
from mediadesk.jobs.logs import MAX_CHUNK
from mediadesk.services.jobs import JobService

POLL_MS = 300
TAIL_BYTES = 1024 * 1024
READS_PER_TICK = 4


class LogFollower(QObject):
    text = Signal(str)  # new text to append
    skipped = Signal(int)  # bytes left out at the start of a large log
    finished = Signal()

    def __init__(
        self,
        jobs: JobService,
        job_id: str,
        attempt: int | None,
        stream: str,
        is_live: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.job_id = job_id
        self.attempt = attempt
        self.stream = stream
        self.is_live = is_live
        self.offset = 0
        self._started = False
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.pull)

    @property
    def following(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self.pull()
        if self.is_live():
            self._timer.start()
        else:
            self.finished.emit()

    def stop(self) -> None:
        self._timer.stop()

    def pull(self) -> int:
        """Read what is new; returns how many characters arrived."""
        live = self.is_live()  # read before the log: a job that ends now gets a last pull
        arrived = 0
        for _ in range(READS_PER_TICK):
            try:
                chunk = self.jobs.log(self.job_id, self.attempt, self.stream, self.offset)
            except MediaDeskError:
                self.stop()
                self.finished.emit()
                return arrived
            if not self._started and chunk.exists:
                self._started = True
                if chunk.size - self.offset > TAIL_BYTES:
                    start = chunk.size - TAIL_BYTES
                    self.skipped.emit(start)
                    self.offset = start
                    continue
            if chunk.data:
                self.text.emit(chunk.data)
                arrived += len(chunk.data)
            self.offset = chunk.next_offset
            if chunk.next_offset - chunk.offset < MAX_CHUNK:
                break
        if not live and self._timer.isActive():
            self.stop()
            self.finished.emit()
        return arrived
