"""Prometheus text exposition: jobs by state, queue depth, encode speed, HTTP traffic.

Counters live in memory (one process); job figures are read from the job records at
scrape time, so every worker host reports the same truth.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from mediadesk.events import EventBus, JobProgress, JobStateChanged

SPEED_WINDOW_S = 60.0


class ServerMetrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, int]] = Counter()
        self.bytes_sent = 0
        self.upload_bytes = 0
        self.uploads = 0
        self.jobs_finished: Counter[tuple[str, str]] = Counter()
        self._speeds: dict[str, tuple[float, float]] = {}  # job id -> (speed, when)
        self.started = time.time()
        self._unsubscribe: list[Callable[[], None]] = []

    def attach(self, bus: EventBus) -> None:
        self._unsubscribe = [
            bus.subscribe(self._on_progress, JobProgress),
            bus.subscribe(self._on_state, JobStateChanged),
        ]

    def detach(self) -> None:
        for undo in self._unsubscribe:
            undo()
        self._unsubscribe = []

    def _on_progress(self, event: JobProgress) -> None:
        if event.speed is not None:
            with self._lock:
                self._speeds[event.job_id] = (event.speed, time.monotonic())

    def _on_state(self, event: JobStateChanged) -> None:
        if event.status in ("COMPLETED", "FAILED", "DEAD"):
            with self._lock:
                self.jobs_finished[(event.job_type, event.status)] += 1
                self._speeds.pop(event.job_id, None)

    def record_request(self, area: str, status: int, sent: int = 0) -> None:
        with self._lock:
            self.requests[(area, status)] += 1
            self.bytes_sent += sent

    def record_upload(self, size: int) -> None:
        with self._lock:
            self.uploads += 1
            self.upload_bytes += size

    def encode_speed(self) -> tuple[int, float]:
        """Running encodes reporting speed in the last minute, and their mean speed."""
        now = time.monotonic()
        with self._lock:
            live = [s for s, t in self._speeds.values() if now - t <= SPEED_WINDOW_S]
        return len(live), (sum(live) / len(live) if live else 0.0)

    def render(self, job_counts: dict[str, int], queue_depth: int, media: dict[str, int]) -> str:
        out: list[str] = []

        def family(name: str, kind: str, help_text: str) -> None:
            out.append(f"# HELP {name} {help_text}")
            out.append(f"# TYPE {name} {kind}")

        family("mediadesk_jobs", "gauge", "Jobs by state.")
        for state, n in sorted(job_counts.items()):
            out.append(f'mediadesk_jobs{{state="{state}"}} {n}')
        family("mediadesk_queue_depth", "gauge", "Jobs waiting to run (PENDING).")
        out.append(f"mediadesk_queue_depth {queue_depth}")
        family("mediadesk_media_files", "gauge", "Live media files by status.")
        for state, n in sorted(media.items()):
            out.append(f'mediadesk_media_files{{status="{state}"}} {n}')
        running, speed = self.encode_speed()
        family("mediadesk_encode_speed", "gauge", "Mean ffmpeg speed (x realtime) of encodes.")
        out.append(f"mediadesk_encode_speed {speed:.3f}")
        family("mediadesk_encodes_reporting", "gauge", "Encodes that reported speed recently.")
        out.append(f"mediadesk_encodes_reporting {running}")
        with self._lock:
            finished = dict(self.jobs_finished)
            requests = dict(self.requests)
            sent, up, ups = self.bytes_sent, self.upload_bytes, self.uploads
        family("mediadesk_jobs_finished_total", "counter", "Jobs finished by this process.")
        for (job_type, state), n in sorted(finished.items()):
            out.append(f'mediadesk_jobs_finished_total{{type="{job_type}",state="{state}"}} {n}')
        family("mediadesk_http_requests_total", "counter", "HTTP requests by area and status.")
        for (area, status), n in sorted(requests.items()):
            out.append(f'mediadesk_http_requests_total{{area="{area}",status="{status}"}} {n}')
        family("mediadesk_http_sent_bytes_total", "counter", "Body bytes of stream responses.")
        out.append(f"mediadesk_http_sent_bytes_total {sent}")
        family("mediadesk_upload_bytes_total", "counter", "Bytes received by uploads.")
        out.append(f"mediadesk_upload_bytes_total {up}")
        family("mediadesk_uploads_total", "counter", "Completed uploads.")
        out.append(f"mediadesk_uploads_total {ups}")
        family("mediadesk_uptime_seconds", "gauge", "Seconds since the server started.")
        out.append(f"mediadesk_uptime_seconds {time.time() - self.started:.0f}")
        return "\n".join(out) + "\n"
