"""Ids as people type them: the first characters of one, as git takes a commit's.

Lists on the command line show ids short (``short_id``); any unique start of at least
``SHORTEST`` characters names the same row. A start that matches several rows is
refused naming how many, so a typo never acts on the wrong file. The HTTP API keeps
exact ids: only the command line completes them.
"""

from __future__ import annotations

import re
from enum import StrEnum

from sqlalchemy import select

from mediadesk.errors import InvalidInput
from mediadesk.jobs.models import Job
from mediadesk.library.catalogue_models import Episode, Movie, Season, Series
from mediadesk.library.db import Database, sqlite_file
from mediadesk.library.folder_models import LibraryFolder
from mediadesk.library.models import MediaFile

FULL_LENGTH = 36  # a UUID as text
SHORT_LENGTH = 8  # how lists print them
SHORTEST = 4  # fewer characters would match too often to be worth a lookup
_START = re.compile(r"[0-9a-f-]+")


class IdKind(StrEnum):
    MEDIA = "media"
    JOB = "job"
    MOVIE = "movie"
    SERIES = "series"
    SEASON = "season"
    EPISODE = "episode"
    FOLDER = "folder"


_MODELS: dict[IdKind, type[MediaFile | Job | Movie | Series | Season | Episode | LibraryFolder]] = {
    IdKind.MEDIA: MediaFile,
    IdKind.JOB: Job,
    IdKind.MOVIE: Movie,
    IdKind.SERIES: Series,
    IdKind.SEASON: Season,
    IdKind.EPISODE: Episode,
    IdKind.FOLDER: LibraryFolder,
}
_NOUNS = {
    IdKind.MEDIA: "media files",
    IdKind.JOB: "jobs",
    IdKind.MOVIE: "movies",
    IdKind.SERIES: "series",
    IdKind.SEASON: "seasons",
    IdKind.EPISODE: "episodes",
    IdKind.FOLDER: "library folders",
}


def short_id(value: str | None) -> str:
    return (value or "")[:SHORT_LENGTH]


def complete_id(db: Database, kind: IdKind, text: str) -> str:
    """The whole id that ``text`` starts; ``text`` itself when it is whole, too short,
    not an id's start or matches nothing (the command then says it found nothing)."""
    start = text.strip().lower()
    if len(start) >= FULL_LENGTH or len(start) < SHORTEST or not _START.fullmatch(start):
        return text
    model = _MODELS[kind]
    with db.read() as s:
        found = list(s.scalars(select(model.id).where(model.id.startswith(start)).limit(2)))
    if len(found) > 1:
        raise InvalidInput(f"{text} starts the ids of several {_NOUNS[kind]}: give more of the id")
    return found[0] if found else text


def complete_ids(database_url: str, wanted: list[tuple[IdKind, str]]) -> list[str]:
    """Each ``(kind, text)`` completed against the library at ``database_url`` (for a
    shell that has no runtime open yet); with no library there, the texts unchanged."""
    path = sqlite_file(database_url)
    if not wanted or (path is not None and not path.exists()):
        return [text for _kind, text in wanted]
    db = Database(database_url)
    try:
        return [complete_id(db, kind, text) for kind, text in wanted]
    finally:
        db.dispose()
