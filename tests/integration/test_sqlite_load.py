"""GUI-like readers, server-like writers, N workers and another process share SQLite."""

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.jobtypes import CountInput, machinery_registry

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]

ENQUEUER = """
import sys
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.jobtypes import CountInput, machinery_registry
rt = Runtime(load_settings(), registry=machinery_registry()).open()
ids = []
for _ in range(100):
    ids += rt.store.enqueue([JobSpec("test_count", CountInput(ledger=sys.argv[1]))])
print(" ".join(ids))
rt.stop()
"""


class LockSpotter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.hits: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        if "locked" in text.lower() or "busy" in text.lower():
            self.hits.append(text)


def test_shared_sqlite_under_load(home: Path, tmp_path: Path, clip: Path) -> None:
    spotter = LockSpotter()
    logging.getLogger().addHandler(spotter)
    errors: list[BaseException] = []
    ledger = tmp_path / "ledger"
    rt = Runtime(load_settings({**FAST, "workers": 4}), registry=machinery_registry()).open()
    rt.start_workers()
    stop = threading.Event()

    def guard(fn):  # type: ignore[no-untyped-def]
        def run() -> None:
            try:
                while not stop.is_set():
                    fn()
            except BaseException as exc:
                errors.append(exc)

        return threading.Thread(target=run, daemon=True)

    media = rt.ingest.import_path(clip).media

    def gui_reads() -> None:
        rt.library.list_media(limit=50)
        rt.jobs.list_jobs(limit=50)
        rt.jobs.counts()

    tags = iter(range(10**9))

    def server_writes() -> None:
        rt.library.set_tags(media.id, [f"t{next(tags)}"])
        rt.store.enqueue([JobSpec("test_count", CountInput(ledger=str(ledger)))])

    threads = [guard(gui_reads), guard(gui_reads), guard(server_writes)]
    try:
        for t in threads:
            t.start()
        ids = rt.store.enqueue(
            [JobSpec("test_count", CountInput(ledger=str(ledger))) for _ in range(200)]
        )
        other = subprocess.run(
            [sys.executable, "-c", ENQUEUER, str(ledger)],
            cwd=ROOT,
            env={**os.environ, "MEDIADESK_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert other.returncode == 0, other.stderr
        ids += other.stdout.split()
        views = rt.jobs.wait(ids, timeout=300)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        rt.stop()
        logging.getLogger().removeHandler(spotter)
    assert errors == []
    assert spotter.hits == []
    assert all(v.status == JobStatus.COMPLETED for v in views)
    runs = ledger.read_text().split()
    assert len(runs) == len(set(runs)), "no job ran twice"
