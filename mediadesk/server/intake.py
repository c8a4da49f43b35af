"""From a staged upload to a library entry: catalogue fields, then ``import_staged``."""

from __future__ import annotations

from collections.abc import Mapping

import anyio

from mediadesk.errors import InvalidInput
from mediadesk.library.views import ImportResult
from mediadesk.server.state import ServerState
from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.ingest import GUESS, IngestTarget
from mediadesk.storage.base import StagedFile


def _int(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, not {value!r}") from None


def target_from(fields: Mapping[str, str | None]) -> IngestTarget:
    """``movie=Title`` or ``series=Name&season=1&episode=2[&title=...]``; else the file's
    own guess (its name and container tags), unless ``loose=true``."""
    movie, series = fields.get("movie"), fields.get("series")
    season, episode = _int(fields.get("season"), "season"), _int(fields.get("episode"), "episode")
    if movie and series:
        raise InvalidInput("give either movie or series, not both")
    if movie:
        return MovieTarget(movie)
    if series:
        if season is None or episode is None:
            raise InvalidInput("series needs season and episode")
        return EpisodeTarget(series, season, episode, fields.get("title") or None)
    if season is not None or episode is not None:
        raise InvalidInput("season and episode go with series")
    return None if (fields.get("loose") or "").lower() in ("1", "true", "yes") else GUESS


def tags_from(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def safe_filename(name: str | None) -> str:
    """Only for display and the extension hint: strip any path a client sent."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    return base[:255] or "upload"


async def import_upload(
    state: ServerState,
    staged: StagedFile,
    filename: str,
    fields: Mapping[str, str | None],
) -> ImportResult:
    try:
        target = target_from(fields)
    except InvalidInput:
        staged.path.unlink(missing_ok=True)
        raise
    tags = tags_from(fields.get("tags"))
    result = await anyio.to_thread.run_sync(
        lambda: state.runtime.ingest.import_staged(
            staged, safe_filename(filename), target=target, tags=tags
        )
    )
    state.metrics.record_upload(staged.size)
    return result
