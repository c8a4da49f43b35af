"""Prometheus metrics through prometheus_client: jobs, queue, encode speed, HTTP traffic.

Each server has its own ``CollectorRegistry`` (the GUI and tests may run several in
one process). Counters live in memory (this process); job and media figures are read
from the records at scrape time by a collector, so every host reports the same truth.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from mediadesk.events import EventBus, JobProgress, JobStateChanged

SPEED_WINDOW_S = 60.0
CONTENT_TYPE = CONTENT_TYPE_LATEST

# What the collector reads at scrape time: job counts by state, media counts by status.
Counts = Callable[[], dict[str, int]]


class _Records(Collector):
    """Gauges read from the job and media records (and this process's encodes)."""

    def __init__(self, metrics: ServerMetrics, jobs: Counts, media: Counts) -> None:
        self.metrics = metrics
        self.jobs = jobs
        self.media = media

    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = self.jobs()
        jobs = GaugeMetricFamily("mediadesk_jobs", "Jobs by state.", labels=["state"])
        for state, n in sorted(counts.items()):
            jobs.add_metric([state], n)
        yield jobs
        yield GaugeMetricFamily(
            "mediadesk_queue_depth", "Jobs waiting to run (PENDING).", counts.get("PENDING", 0)
        )
        media = GaugeMetricFamily(
            "mediadesk_media_files", "Live media files by status.", labels=["status"]
        )
        for status, n in sorted(self.media().items()):
            media.add_metric([status], n)
        yield media
        running, speed = self.metrics.encode_speed()
        yield GaugeMetricFamily(
            "mediadesk_encode_speed", "Mean ffmpeg speed (x realtime) of encodes.", speed
        )
        yield GaugeMetricFamily(
            "mediadesk_encodes_reporting", "Encodes that reported speed recently.", running
        )
        yield GaugeMetricFamily(
            "mediadesk_uptime_seconds",
            "Seconds since the server started.",
            round(time.time() - self.metrics.started),
        )


class ServerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter(
            "mediadesk_http_requests",
            "HTTP requests by area and status.",
            ["area", "status"],
            registry=self.registry,
        )
        self.sent = Counter(
            "mediadesk_http_sent_bytes", "Body bytes of stream responses.", registry=self.registry
        )
        self.upload_bytes = Counter(
            "mediadesk_upload_bytes", "Bytes received by uploads.", registry=self.registry
        )
        self.uploads = Counter("mediadesk_uploads", "Completed uploads.", registry=self.registry)
        self.jobs_finished = Counter(
            "mediadesk_jobs_finished",
            "Jobs finished by this process.",
            ["type", "state"],
            registry=self.registry,
        )
        self._request_children: dict[tuple[str, int], Counter] = {}
        self._lock = threading.Lock()
        self._speeds: dict[str, tuple[float, float]] = {}  # job id -> (speed, when)
        self.started = time.time()
        self._unsubscribe: list[Callable[[], None]] = []

    def attach(self, bus: EventBus, jobs: Counts, media: Counts) -> None:
        """Follow job events and read ``jobs``/``media`` counts at scrape time."""
        self.registry.register(_Records(self, jobs, media))
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
            self.jobs_finished.labels(event.job_type, event.status).inc()
            with self._lock:
                self._speeds.pop(event.job_id, None)

    def record_request(self, area: str, status: int, sent: int = 0) -> None:
        # Children are looked up once per (area, status): ``labels()`` validates and
        # locks on every call, and this runs for every segment served.
        child = self._request_children.get((area, status))
        if child is None:
            child = self._request_children[(area, status)] = self.requests.labels(area, str(status))
        child.inc()
        if sent:
            self.sent.inc(sent)

    def record_upload(self, size: int) -> None:
        self.uploads.inc()
        self.upload_bytes.inc(size)

    def encode_speed(self) -> tuple[int, float]:
        """Running encodes reporting speed in the last minute, and their mean speed."""
        now = time.monotonic()
        with self._lock:
            live = [s for s, t in self._speeds.values() if now - t <= SPEED_WINDOW_S]
        return len(live), (sum(live) / len(live) if live else 0.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
