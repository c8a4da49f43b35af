"""Copy an attempt's logs into remote storage when it ends, and point the row at them.

With S3 storage the worker that ran a job may be another machine, or gone, when
someone reads the log; so at the end of each attempt the files go to
``logs/{job}/{attempt}/`` in the store and the attempt row's pointers become those
keys. While the attempt runs the log stays a local file on its worker, which is what
live viewers tail.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path

from mediadesk.jobs.store import JobStore
from mediadesk.storage import keys
from mediadesk.storage.base import Storage

log = logging.getLogger(__name__)

LOG_CONTENT_TYPE = "text/plain; charset=utf-8"
POINTER_FIELDS = {"attempt.stderr.log": "stderr_log", "attempt.stdout.log": "stdout_log"}


def archive_attempt_logs(
    storage: Storage, store: JobStore, job_id: str, attempt: int, attempt_id: int, log_dir: Path
) -> list[str]:
    """Upload every file of ``log_dir``; returns the keys. Local files go on success."""
    if not storage.is_remote or not log_dir.is_dir():
        return []
    prefix = keys.job_logs_prefix(job_id, attempt)
    stored: list[str] = []
    pointers: dict[str, str] = {}
    try:
        for path in sorted(p for p in log_dir.iterdir() if p.is_file()):
            key = f"{prefix}/{path.name}"
            storage.put_copy(path, key, LOG_CONTENT_TYPE)
            stored.append(key)
            if path.name in POINTER_FIELDS:
                pointers[POINTER_FIELDS[path.name]] = key
        if pointers:
            store.set_attempt_fields(attempt_id, **pointers)
    except Exception:
        # The local files stay and the row keeps pointing at them: nothing is lost.
        log.warning("job %s attempt %d: logs not archived", job_id, attempt, exc_info=True)
        return stored
    shutil.rmtree(log_dir, ignore_errors=True)
    with contextlib.suppress(OSError):
        log_dir.parent.rmdir()  # logs/{job}/ once its last attempt went to the store
    return stored
