"""What each job is about, in people's words: the one answer for the jobs table, the
CLI and the job log.

A step of a media file names the file by its title. Jobs of no file name what they
work on: an import its file or URL name (as the imports list does), a folder read its
folder and how many files it reads. Without this the app's jobs table left those
rows blank.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from pydantic import ValidationError
from sqlalchemy import select

from mediadesk.domain import vocabulary as words
from mediadesk.domain.mediainfo import READ_TAGS
from mediadesk.handlers.folder_hash import HASH_FILES, HashFilesInput
from mediadesk.handlers.imports import IMPORT_TYPES
from mediadesk.jobs.views import JobView
from mediadesk.library.db import Database
from mediadesk.library.folder_models import LibraryFolder
from mediadesk.services.imports import ImportView
from mediadesk.services.library import LibraryService


class JobSubjects:
    def __init__(self, db: Database, library: LibraryService) -> None:
        self.db = db
        self.library = library

    def of(self, jobs: Iterable[JobView]) -> dict[str, str]:
        """Job id -> what it is about; jobs with nothing to name are left out."""
        jobs = list(jobs)
        titles = self.library.titles(j.media_file_id for j in jobs)
        reads = {j.id: _hash_input(j) for j in jobs if j.type == HASH_FILES}
        folders = self._folder_paths({i.folder_id for i in reads.values() if i})
        out: dict[str, str] = {}
        for job in jobs:
            if job.media_file_id in titles:
                out[job.id] = titles[job.media_file_id]
            elif job.type in IMPORT_TYPES:
                out[job.id] = ImportView.of(job).name
            elif (read := reads.get(job.id)) is not None:
                folder = folders.get(read.folder_id)
                name = PurePath(folder).name or folder if folder else "a removed folder"
                out[job.id] = f"{name} · {words.counted(len(read.file_ids), 'file')}"
            elif job.type == READ_TAGS and isinstance(ids := job.input.get("media_file_ids"), list):
                out[job.id] = words.counted(len(ids), "song")
        return out

    def _folder_paths(self, ids: set[str]) -> dict[str, str]:
        if not ids:
            return {}
        with self.db.read() as s:
            rows = s.execute(
                select(LibraryFolder.id, LibraryFolder.path).where(LibraryFolder.id.in_(ids))
            )
            return {folder_id: path for folder_id, path in rows}


def _hash_input(job: JobView) -> HashFilesInput | None:
    try:
        return HashFilesInput.model_validate(job.input)
    except ValidationError:  # an old or hand-made row: name nothing rather than fail
        return None
