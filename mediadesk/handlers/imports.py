"""Imports as jobs: ``fetch_url`` downloads a URL, ``copy_path`` copies a local file.

Both stage the bytes (hashed while written, progress reported as bytes with percent
and ETA), then hand the staged file to the library's intake, which is
``IngestService.import_staged`` (the runtime gives it to these job types: services sit
above handlers). Where the file belongs (a movie, an episode) and its tags travel in
the typed input; the new (or already present) media file's id is in the result.

Where they run (``JobStore.queue_for``, ``Runtime.start_workers``): downloads on the
``imports`` queue, which every consuming process serves with ``import_workers``
threads of its own, so a download never takes an encoder's thread and a long encode
never holds up an import (a download waits on the network, not the CPU). A copy of a
local path goes to the submitting host's own queue (``imports@<host>``), served by one
thread on that host only: another machine cannot read the path, and copies from one
disk go faster one after another than side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field, model_validator

from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.errors import Cancelled
from mediadesk.handlers.common import require_host
from mediadesk.handlers.download import FetchLimits, download
from mediadesk.handlers.staging import stage_file
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobInput, JobType
from mediadesk.jobs.routing import IMPORTS_QUEUE
from mediadesk.jobs.spec import Outcome
from mediadesk.library.views import ImportResult
from mediadesk.settings import Settings
from mediadesk.storage.base import StagedFile

FETCH_URL = "fetch_url"
COPY_PATH = "copy_path"
IMPORT_TYPES = (FETCH_URL, COPY_PATH)


class ImportTarget(JobInput):
    """Where an imported file belongs: a movie, or an episode of a series."""

    movie: str | None = Field(default=None, min_length=1, max_length=512)
    series: str | None = Field(default=None, min_length=1, max_length=512)
    season: int | None = Field(default=None, ge=0, le=10_000)
    episode: int | None = Field(default=None, ge=0, le=100_000)
    title: str | None = Field(default=None, max_length=512)  # the episode's
    end_episode: int | None = Field(default=None, ge=0, le=100_000)  # a double episode
    year: int | None = Field(default=None, ge=1870, le=3000)
    version: str | None = Field(default=None, max_length=128)  # "4K", "Director's cut"
    on_conflict: ConflictChoice | None = None  # when the entry already has a file

    @model_validator(mode="after")
    def _one_place(self) -> ImportTarget:
        if self.movie and self.series:
            raise ValueError("give either movie or series, not both")
        if self.series and (self.season is None or self.episode is None):
            raise ValueError("series needs season and episode")
        if not self.series and (self.season is not None or self.episode is not None):
            raise ValueError("season and episode go with series")
        if not self.movie and not self.series:
            raise ValueError("give movie or series")
        return self


class ImportInput(JobInput):
    target: ImportTarget | None = None
    # With no target: attach where the file's name, folders and tags say (True), or
    # keep it loose (False). ``guess_path`` is the path to read, when there is one.
    guess: bool = False
    guess_path: str | None = Field(default=None, max_length=4096)
    tags: list[str] = Field(default_factory=list, max_length=100)


class FetchUrlInput(ImportInput):
    url: str = Field(min_length=1, max_length=4096)


class CopyPathInput(ImportInput):
    path: str = Field(min_length=1, max_length=4096)  # absolute
    host: str  # the machine the path is on (the submitting one)
    size_bytes: int | None = None  # at submission, to show before the copy starts


class ImportOutcome(BaseModel):
    """The result of an import job (``result`` in the job's JSON)."""

    media_file_id: str
    duplicate: bool
    filename: str  # the name it came with
    size_bytes: int
    duplicate_of: str | None = None  # the name of the file already in the library
    movie_id: str | None = None
    episode_id: str | None = None
    job_ids: list[str] = Field(default_factory=list)
    final_url: str | None = None


class Intake(Protocol):
    """The library's door for a staged file (``IngestService.import_staged``)."""

    def __call__(
        self,
        staged: StagedFile,
        filename: str,
        options: ImportInput,
        source_url: str | None,
        source_path: Path | None = None,
    ) -> ImportResult: ...


def fetch_limits(settings: Settings) -> FetchLimits:
    return FetchLimits(
        max_bytes=settings.url_max_bytes,
        timeout_s=settings.url_timeout,
        max_redirects=settings.url_max_redirects,
        allow_private=settings.allow_private_urls,
        min_rate=settings.url_min_rate,
        rate_window_s=settings.url_min_rate_window,
    )


def _outcome(
    result: ImportResult, filename: str, staged: StagedFile, final_url: str | None
) -> Outcome:
    done = ImportOutcome(
        media_file_id=result.media.id,
        duplicate=result.duplicate,
        filename=filename,
        size_bytes=staged.size,
        duplicate_of=result.media.original_filename if result.duplicate else None,
        movie_id=result.movie_id,
        episode_id=result.episode_id,
        job_ids=result.job_ids,
        final_url=final_url,
    )
    return Outcome(result=done.model_dump(mode="json"))


class FetchUrlJob(JobType[FetchUrlInput]):
    name = FETCH_URL
    input_model = FetchUrlInput
    queue = IMPORTS_QUEUE
    needs_media = False
    # A backstop only: the download keeps its own deadline (url_timeout, at most a week).
    base_timeout_s = 8 * 24 * 3600.0

    def __init__(self, intake: Intake) -> None:
        self.intake = intake

    def run(self, ctx: JobContext, inp: FetchUrlInput) -> Outcome:
        ctx.note(f"downloading {inp.url}")
        try:
            fetched = download(
                inp.url,
                ctx.storage.staging_dir(),
                fetch_limits(ctx.settings),
                progress=ctx.report_bytes,
                cancel=ctx.cancel,
            )
        except Cancelled:
            ctx.check_cancelled()  # says why: the user, a time limit or a shutdown
            raise
        ctx.note(f"received {fetched.staged.size} bytes from {fetched.final_url}")
        result = self.intake(fetched.staged, fetched.filename, inp, inp.url)
        return _outcome(result, fetched.filename, fetched.staged, fetched.final_url)


class CopyPathJob(JobType[CopyPathInput]):
    name = COPY_PATH
    input_model = CopyPathInput
    queue = IMPORTS_QUEUE
    host_bound = True
    needs_media = False
    base_timeout_s = 24 * 3600.0

    def __init__(self, intake: Intake) -> None:
        self.intake = intake

    def run(self, ctx: JobContext, inp: CopyPathInput) -> Outcome:
        require_host(inp.host, f"{inp.path} is a path", "import it")
        path = Path(inp.path)
        ctx.note(f"copying {path}")
        try:
            staged = stage_file(path, ctx.storage.staging_dir(), ctx.report_bytes, ctx.cancel)
        except Cancelled:
            ctx.check_cancelled()
            raise
        result = self.intake(staged, path.name, inp, None, path)
        return _outcome(result, path.name, staged, None)


def import_job_types(intake: Intake) -> list[JobType[Any]]:
    return [FetchUrlJob(intake), CopyPathJob(intake)]
