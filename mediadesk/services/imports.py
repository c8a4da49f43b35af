"""Imports as the shells see them: submit a URL or local files, list, cancel, retry.

An import is a job (``fetch_url`` or ``copy_path``, see ``handlers/imports.py``), so
the desktop app's dock, ``/api/v1/imports`` and ``mediadesk imports`` list the same
records with the same words, whichever process runs them, and a restart keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select

from mediadesk.domain.enums import JobStatus
from mediadesk.domain.vocabulary import job_state
from mediadesk.errors import Conflict, ErrorCode, NotFound
from mediadesk.handlers.download import check_syntax
from mediadesk.handlers.imports import (
    COPY_PATH,
    FETCH_URL,
    IMPORT_TYPES,
    CopyPathInput,
    FetchUrlInput,
    ImportOutcome,
    ImportTarget,
)
from mediadesk.handlers.staging import require_file
from mediadesk.jobs.models import Job
from mediadesk.jobs.registry import JobInput
from mediadesk.jobs.routing import HOSTNAME, IMPORTS_QUEUE
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.views import JobView
from mediadesk.jobs.work import TERMINAL
from mediadesk.library.db import Database
from mediadesk.library.views import View
from mediadesk.services.ingest import GUESS, Guess, IngestTarget, import_target
from mediadesk.services.jobs import JobService

__all__ = [
    "IMPORTS_QUEUE",
    "IMPORT_TYPES",
    "ImportKind",
    "ImportService",
    "ImportView",
    "PathImport",
    "describe_target",
    "next_step",
]

RUNNING_WORD = "Importing"
FAILED_STATES = (JobStatus.FAILED, JobStatus.DEAD)

# What to do about a failed import, by error code (the sidebar's "Failed" node, the
# dock's tooltip, the API's ``nextStep``).
NEXT_STEPS: dict[str, str] = {
    ErrorCode.URL_TIMEOUT: (
        "The server sent the file too slowly. Retry later, or raise the download time "
        "limit (url_timeout) or lower the minimum rate (url_min_rate) in Settings."
    ),
    ErrorCode.URL_REFUSED: (
        "MediaDesk only downloads from public http(s) addresses. Download the file in a "
        "browser, then import the downloaded file."
    ),
    ErrorCode.DOWNLOAD_FAILED: "Check that the address opens in a browser, then Retry.",
    ErrorCode.TIMEOUT: "The server stopped answering. Retry later.",
    ErrorCode.TOO_LARGE: "The file is over the size limit for downloads (url_max_bytes).",
    ErrorCode.NOT_FOUND: "The file was moved or deleted. Import it again from where it is now.",
    ErrorCode.UNSUPPORTED_MEDIA: (
        "This is not a video, audio or image file MediaDesk can read. Remove it from the list."
    ),
    ErrorCode.INVALID_MEDIA: "The file is damaged or not media. Remove it from the list.",
    ErrorCode.TRUNCATED_MEDIA: "The file is incomplete. Copy it again, then import it again.",
    ErrorCode.EMPTY_FILE: "The file is empty. Remove it from the list.",
    ErrorCode.DISK_FULL: "The library's disk is full. Free some space, then Retry.",
    ErrorCode.CANCELLED: "Cancelled. Retry to import it after all, or remove it from the list.",
}
# Every shell shows these words: the CLI and the web page have no window or tabs.
DEFAULT_NEXT_STEP = "Retry; if it fails again, the import job's log says what went wrong."


def next_step(error_code: str | None) -> str | None:
    if error_code is None:
        return None
    return NEXT_STEPS.get(error_code, DEFAULT_NEXT_STEP)


@dataclass(frozen=True)
class PathImport:
    """A local file to import, and where it belongs."""

    path: Path
    target: IngestTarget = GUESS  # where its name says, unless told otherwise


class ImportKind(StrEnum):
    URL = "url"
    FILE = "file"


class ImportView(View):
    """One import (a job underneath: ``id`` is the job's id)."""

    id: str
    kind: ImportKind
    source: str  # the URL, or the local path
    host: str | None  # where a local path is
    name: str
    status: JobStatus
    state: str  # the words: Waiting, Importing, Done, Failed...
    cancel_requested: bool
    target: ImportTarget | None
    tags: list[str]
    bytes_done: int | None
    bytes_total: int | None
    percent: float | None
    eta_seconds: float | None
    media_file_id: str | None
    duplicate: bool
    duplicate_of: str | None  # the name of the file it turned out to be
    error_code: str | None
    error_message: str | None
    next_step: str | None
    attempts: int
    max_attempts: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None

    @property
    def active(self) -> bool:
        return not self.status.is_terminal

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATES

    @classmethod
    def of(cls, job: JobView) -> ImportView:
        if job.type == FETCH_URL:
            inp: FetchUrlInput | CopyPathInput = FetchUrlInput.model_validate(job.input)
            kind, host = ImportKind.URL, None
        else:
            inp = CopyPathInput.model_validate(job.input)
            kind, host = ImportKind.FILE, inp.host
        source = inp.url if isinstance(inp, FetchUrlInput) else inp.path
        result = ImportOutcome.model_validate(job.result) if job.result else None
        done, total = job.bytes_done, job.bytes_total
        if total is None and isinstance(inp, CopyPathInput):
            total = inp.size_bytes
        if result is not None:
            done = total = result.size_bytes
        percent = 100.0 if result is not None else job.progress
        return cls(
            id=job.id,
            kind=kind,
            source=source,
            host=host,
            name=result.filename if result else _name(kind, source),
            status=job.status,
            state=job_state(
                job.status,
                cancel_requested=job.cancel_requested,
                error_code=job.error_code,
                running=RUNNING_WORD,
            ),
            cancel_requested=job.cancel_requested,
            target=inp.target,
            tags=inp.tags,
            bytes_done=done,
            bytes_total=total,
            percent=percent,
            eta_seconds=job.eta_seconds if job.status == JobStatus.PROCESSING else None,
            media_file_id=result.media_file_id if result else None,
            duplicate=result.duplicate if result else False,
            duplicate_of=result.duplicate_of if result else None,
            error_code=job.error_code,
            error_message=job.error_message,
            next_step=next_step(job.error_code) if job.status in FAILED_STATES else None,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            created_at=job.created_at,
            started_at=job.started_at,
            completed_at=job.completed_at,
        )


def _name(kind: ImportKind, source: str) -> str:
    if kind == ImportKind.FILE:
        return Path(source).name
    parts = urlsplit(source)
    return PurePosixPath(unquote(parts.path)).name or parts.hostname or source


def describe_target(target: ImportTarget | None) -> str:
    """'Movie: Title' or 'Show S01E02': where an import will be (was) attached."""
    if target is None:
        return ""
    if target.movie:
        return f"Movie: {target.movie}"
    return f"{target.series} S{target.season or 0:02d}E{target.episode or 0:02d}"


class ImportCounts(View):
    active: int
    failed: int


class ImportService:
    def __init__(self, db: Database, jobs: JobService) -> None:
        self.db = db
        self.jobs = jobs

    # Submitting -------------------------------------------------------------------

    def submit_url(
        self,
        url: str,
        target: IngestTarget = GUESS,
        tags: Iterable[str] = (),
        priority: int = 0,
    ) -> ImportView:
        """Queue a download; a URL that can never be fetched is refused at once."""
        url = url.strip()
        check_syntax(url)
        spec = JobSpec(
            type=FETCH_URL,
            input=self._input(FETCH_URL, url=url, tags=tags, **_place(target)),
            priority=priority,
        )
        return ImportView.of(self.jobs.submit(spec))

    def submit_paths(
        self, items: Sequence[PathImport], tags: Iterable[str] = (), priority: int = 0
    ) -> list[ImportView]:
        """Queue copies of local files (one transaction); they run on this host only."""
        tags = list(tags)
        specs = []
        for item in items:
            path, target = Path(item.path).absolute(), item.target
            require_file(path)
            inp = self._input(
                COPY_PATH,
                path=str(path),
                host=HOSTNAME,
                size_bytes=path.stat().st_size,
                tags=tags,
                **_place(target, path),
            )
            specs.append(JobSpec(type=COPY_PATH, input=inp, priority=priority))
        ids = self.jobs.submit_many(specs)
        return [self.get(i) for i in ids]

    def _input(self, job_type: str, tags: Iterable[str], **fields: object) -> JobInput:
        clean = sorted({t.strip() for t in tags if t.strip()})
        return self.jobs.store.registry.parse_input(job_type, {**fields, "tags": clean})

    # Reading ----------------------------------------------------------------------

    def list(self, limit: int = 100, failed_only: bool = False) -> list[ImportView]:
        """Imports, newest first (the dock, ``GET /api/v1/imports``, the Failed node)."""
        cond = [Job.type.in_(IMPORT_TYPES)]
        if failed_only:
            cond.append(Job.status.in_(FAILED_STATES))
        with self.db.read() as s:
            rows = s.scalars(
                select(Job)
                .where(*cond)
                .order_by(Job.created_at.desc(), Job.id)
                .limit(max(1, min(limit, 1000)))
            )
            jobs = [JobView.model_validate(j) for j in rows]
        return [ImportView.of(j) for j in jobs]

    def get(self, import_id: str) -> ImportView:
        job = self.jobs.get(import_id)
        if job.type not in IMPORT_TYPES:
            raise NotFound(f"no import {import_id}")
        return ImportView.of(job)

    def counts(self) -> ImportCounts:
        with self.db.read() as s:
            rows = dict(
                s.execute(
                    select(Job.status, func.count())
                    .where(Job.type.in_(IMPORT_TYPES))
                    .group_by(Job.status)
                ).all()
            )
        active = sum(n for status, n in rows.items() if status not in TERMINAL)
        failed = sum(n for status, n in rows.items() if status in FAILED_STATES)
        return ImportCounts(active=active, failed=failed)

    # Changing ---------------------------------------------------------------------

    def cancel(self, import_id: str) -> ImportView:
        self.get(import_id)
        self.jobs.cancel(import_id)
        return self.get(import_id)

    def retry(self, import_id: str) -> ImportView:
        self.get(import_id)
        self.jobs.retry(import_id)
        return self.get(import_id)

    def dismiss(self, import_id: str) -> None:
        """Remove a finished import from the list (its job record and logs)."""
        item = self.get(import_id)
        if item.active:
            raise Conflict(f"import {import_id} is still {item.state.lower()}; cancel it first")
        self.jobs.purge(import_id)


def _place(target: IngestTarget, path: Path | None = None) -> dict[str, object]:
    """The job input's ``target``/``guess`` fields for an import's target."""
    place, guess = import_target(target)
    fields: dict[str, object] = {"guess": guess}
    if place is not None:
        fields["target"] = place.model_dump(exclude_none=True)
    if isinstance(target, Guess):
        fields["guess_path"] = target.path or (str(path) if path else None)
    return fields
