"""A token bucket per client address, for the requests that cost the box something."""

from __future__ import annotations

import threading
import time

MAX_CLIENTS = 10_000


class RateLimiter:
    def __init__(self, rate_per_s: float, burst: float) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)

    def allow(self, client: str, cost: float = 1.0) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, when = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - when) * self.rate)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            if len(self._buckets) >= MAX_CLIENTS and client not in self._buckets:
                self._buckets.clear()  # a flood of addresses: forget, don't grow
            self._buckets[client] = (tokens, now)
            return allowed

    def retry_after(self) -> int:
        return max(1, int(1 / self.rate + 0.999))
