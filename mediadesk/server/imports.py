"""Imports from URLs, run in the background: the request answers at once with an id.

Downloads are bounded (``url_*`` settings) and run a few at a time on their own
threads; their progress is kept in memory for polling. A server restart forgets
unfinished downloads (their partial staging files are swept), never a finished import.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from mediadesk.base_types import new_token
from mediadesk.engine.process import CancelToken
from mediadesk.errors import MediaDeskError
from mediadesk.services.ingest import ImportTarget, IngestService

log = logging.getLogger(__name__)

MAX_PARALLEL = 2
MAX_REMEMBERED = 500


@dataclass(frozen=True)
class ImportState:
    id: str
    url: str
    status: str = "RUNNING"  # RUNNING, DONE, FAILED
    received_bytes: int = 0
    total_bytes: int | None = None
    media_file_id: str | None = None
    duplicate: bool = False
    error_code: str | None = None
    error_message: str | None = None


class UrlImports:
    def __init__(self, ingest: IngestService) -> None:
        self.ingest = ingest
        self._lock = threading.Lock()
        self._items: dict[str, ImportState] = {}
        self._pool = ThreadPoolExecutor(MAX_PARALLEL, thread_name_prefix="url-import")
        self._cancel = CancelToken()

    def start(self, url: str, target: ImportTarget, tags: list[str]) -> ImportState:
        item = ImportState(new_token(), url)
        with self._lock:
            if len(self._items) >= MAX_REMEMBERED:
                for key in [k for k, v in self._items.items() if v.status != "RUNNING"][:100]:
                    del self._items[key]
            self._items[item.id] = item
        self._pool.submit(self._run, item.id, url, target, tags)
        return item

    def _update(self, import_id: str, **changes: object) -> None:
        with self._lock:
            self._items[import_id] = replace(self._items[import_id], **changes)  # type: ignore[arg-type]

    def _run(self, import_id: str, url: str, target: ImportTarget, tags: list[str]) -> None:
        def progress(done: int, total: int | None) -> None:
            self._update(import_id, received_bytes=done, total_bytes=total)

        try:
            result = self.ingest.import_url(url, target, tags, progress, self._cancel)
        except MediaDeskError as exc:
            self._update(
                import_id, status="FAILED", error_code=str(exc.code), error_message=exc.message
            )
        except Exception as exc:  # a bug must still end the import visibly
            log.exception("URL import %s failed", import_id)
            self._update(import_id, status="FAILED", error_code="INTERNAL", error_message=str(exc))
        else:
            self._update(
                import_id, status="DONE", media_file_id=result.media.id, duplicate=result.duplicate
            )

    def get(self, import_id: str) -> ImportState | None:
        with self._lock:
            return self._items.get(import_id)

    def all(self) -> list[ImportState]:
        with self._lock:
            return list(self._items.values())

    def close(self) -> None:
        self._cancel.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
