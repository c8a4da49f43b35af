"""``mediadesk serve`` as a real process: banner, token, JSON logs, SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_sigterm_finishes_short_jobs_and_checkpoints_long_ones(home: Path) -> None:
    env = {
        **os.environ,
        "MEDIADESK_HOME": str(home),
        "MEDIADESK_SHUTDOWN_GRACE": "4",
        "MEDIADESK_HEARTBEAT_INTERVAL": "0.5",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "mediadesk", "serve", "--port", "0", "--workers", "2",
         "--log-format", "json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while not any(line.strip().startswith("token") for line in lines):
            assert time.monotonic() < deadline, lines
            lines.append(proc.stdout.readline())
        banner = "".join(lines)
        url = re.search(r"http: (http://\S+)", banner).group(1)  # type: ignore[union-attr]
        token = re.search(r"token \(new[^)]*\): (\S+)", banner).group(1)  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {token}"}
        api = url + "/api/v1"
        short = httpx.post(api + "/jobs", json={"type": "noop", "input": {"sleep_s": 1.5}},
                           headers=headers).json()  # fmt: skip
        long = httpx.post(api + "/jobs", json={"type": "noop", "input": {"sleep_s": 300}},
                          headers=headers).json()  # fmt: skip
        while httpx.get(f"{api}/jobs/{long['id']}", headers=headers).json()["status"] != (
            "PROCESSING"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        stderr = proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert records, stderr
    assert any(r["msg"].startswith("received SIGTERM") for r in records)
    assert any(r.get("http_path") == "/api/v1/jobs" for r in records)  # access log fields

    from mediadesk.runtime import Runtime
    from mediadesk.settings import load_settings

    with Runtime(load_settings({})) as rt:
        assert rt.jobs.get(short["id"]).status == "COMPLETED"
        checkpointed = rt.jobs.get(long["id"])
        assert checkpointed.status == "PENDING"
        assert checkpointed.attempt_history is not None
        assert checkpointed.attempt_history[-1].outcome == "INTERRUPTED"
