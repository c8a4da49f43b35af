"""``mediadesk serve`` as a real process: banner, token, JSON logs, SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.waiting import wait_until

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
        for line in proc.stdout:  # blocks on the banner itself; ends if serve exits
            lines.append(line)
            if line.strip().startswith("token"):
                break
        else:
            pytest.fail(f"serve exited before printing its token:\n{''.join(lines)}")
        banner = "".join(lines)
        url = re.search(r"http: (http://\S+)", banner).group(1)  # type: ignore[union-attr]
        token = re.search(r"token \(new[^)]*\): (\S+)", banner).group(1)  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {token}"}
        api = url + "/api/v1"
        short = httpx.post(api + "/jobs", json={"type": "noop", "input": {"sleep_s": 1.5}},
                           headers=headers).json()  # fmt: skip
        long = httpx.post(api + "/jobs", json={"type": "noop", "input": {"sleep_s": 300}},
                          headers=headers).json()  # fmt: skip
        for job in (short, long):  # both running when the signal comes
            wait_until(
                lambda job=job: httpx.get(f"{api}/jobs/{job['id']}", headers=headers).json(),
                f"job {job['id']} to start",
                until=lambda j: j["status"] == "PROCESSING",
            )
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
