"""What the checks added to every stream request cost, in microseconds of Python.

wrk's requests/s swing by tens of percent on a shared 2-core machine, so this measures
the added work itself, in a loop: the ``Host`` guard (one more ASGI layer and a set
lookup), the deleted-media check on the fast path, and the request counter
(prometheus_client) against the revision's own counter. Compare the total with the
server CPU per request that ``bench/serve.py`` prints (150-250 us for a 200 KB segment,
about 900 us for 1.5 MB, on this machine).

    .venv/bin/python -m bench.hot_path [--baseline main]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import timeit
from typing import Any

from bench.baseline import module_at
from mediadesk.server.hosts import HostGuard, HostPolicy
from mediadesk.server.metrics import ServerMetrics
from mediadesk.server.visibility import LiveMedia
from mediadesk.services.deletions import Deletions

N = 200_000


class QuietFeed:
    """A deletion feed with nothing to say (the fast path never asks it)."""

    def cursor(self) -> int:
        return 0

    def since(self, cursor: int) -> Deletions:
        return Deletions(cursor, frozenset())

    def live_original(self, media_id: str) -> str | None:
        return "originals/x"


def per_call(fn: Any) -> float:
    return min(timeit.repeat(fn, number=N, repeat=5)) / N * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision for the old counter")
    args = parser.parse_args()

    scope = {
        "type": "http",
        "headers": [(b"host", b"127.0.0.1:8765"), (b"user-agent", b"wrk"), (b"accept", b"*/*")],
    }

    async def app(_scope: Any, _receive: Any, _send: Any) -> None:
        return None

    guard = HostGuard(app, HostPolicy("127.0.0.1", 8765, headless=False))

    async def through(target: Any) -> None:
        for _ in range(N):
            await target(scope, None, None)

    loop = asyncio.new_event_loop()

    def run(target: Any) -> float:
        rounds = timeit.repeat(lambda: loop.run_until_complete(through(target)), number=1, repeat=5)
        return min(rounds) / N * 1e6

    guard_us = run(guard) - run(app)
    live = LiveMedia(QuietFeed())  # type: ignore[arg-type]
    live.poll()
    live._fresh_until = time.monotonic() + 3600  # no poll thread here: stay fresh
    gone_us = per_call(lambda: live.is_gone("0123456789abcdef0123456789abcdef"))
    old = module_at(args.baseline, "mediadesk/server/metrics.py", "baseline_metrics")
    old_metrics, new_metrics = old.ServerMetrics(), ServerMetrics()
    old_us = per_call(lambda: old_metrics.record_request("stream", 200, 1_500_000))
    new_us = per_call(lambda: new_metrics.record_request("stream", 200, 1_500_000))
    print(f"Host guard (ASGI layer + lookup)  {guard_us:5.2f} us/request")
    print(f"deleted-media check (fast path)   {gone_us:5.2f} us/request")
    print(f"request counter: {args.baseline} {old_us:.2f} us, ours {new_us:.2f} us")
    print(f"added per request                 {guard_us + gone_us + new_us - old_us:5.2f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
