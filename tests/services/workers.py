"""``mediadesk worker`` processes for tests: started, watched and stopped by the test."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import FAST
from tests.services.servers import stop_process
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
# `mediadesk worker` plus the machinery test job types (see cli_worker.py).
TEST_WORKER = "tests.services.cli_worker"


def worker_env(home: Path, shared: dict[str, str], **extra: object) -> dict[str, str]:
    """Environment of one worker 'machine': its own home, the shared services."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIADESK_")}
    env["MEDIADESK_HOME"] = str(home)
    for key, value in {**FAST, **shared, **extra}.items():
        if key != "workers":
            env[f"MEDIADESK_{key.upper()}"] = str(value)
    env["PYTHONPATH"] = str(ROOT)
    return env


class Worker:
    def __init__(
        self,
        home: Path,
        shared: dict[str, str],
        concurrency: int = 1,
        queues: str | None = None,
        module: str = "mediadesk",
        **extra: object,
    ) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.log = home / "worker.out"
        argv = [sys.executable, "-m", module, "worker", "--concurrency", str(concurrency)]
        if queues:
            argv += ["--queues", queues]
        self._out = open(self.log, "wb")  # noqa: SIM115 - closed in wait()
        self.process = subprocess.Popen(
            argv,
            env=worker_env(home, shared, **extra),
            stdout=self._out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 90) -> None:
        def banner() -> bool:
            if "MediaDesk worker pid" in self.output():
                return True
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited early:\n{self.output()}")
            return False

        wait_until(banner, f"worker {self.pid} to print its banner", timeout=timeout)

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            self._out.close()

    def stop(self) -> None:
        stop_process(self.process, timeout=60)
        self._out.close()


def process_gone(pid: int) -> bool:
    """True when ``pid`` no longer runs (a zombie awaiting its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
