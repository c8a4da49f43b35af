"""Subtitle files kept with media files: found at import, dropped on a file in the app,
uploaded through the API, or found beside a library-folder video by a scan.

A subtitle is stored (UTF-8, under ``subtitles/{media}/``) before the transaction that
records it; if that transaction fails the stored file is removed, so the library never
points at a missing file and no file outlives a rolled-back row for long.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from mediadesk.base_types import new_id
from mediadesk.domain.enums import MediaKind
from mediadesk.engine.subtitle_files import (
    SubtitleText,
    find_sidecars,
    parse_name,
    read_subtitle,
)
from mediadesk.errors import ErrorCode, InvalidInput, MediaDeskError
from mediadesk.events import EventBus, MediaChanged
from mediadesk.handlers.subtitle_handoff import ladder_unfinished, subtitles_spec
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.work import UnitOfWork
from mediadesk.library.models import MediaFile, SubtitleFile
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import SubtitleFileView
from mediadesk.storage import keys
from mediadesk.storage.base import Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingSubtitle:
    """A subtitle read and checked, waiting for its media file's transaction."""

    filename: str
    text: SubtitleText
    origin: str  # sidecar, upload


def sidecars_of(path: Path) -> list[PendingSubtitle]:
    """Subtitle files beside ``path``; one that does not read is skipped with a warning
    (the video still imports)."""
    found = []
    for file, name in find_sidecars(path):
        try:
            found.append(PendingSubtitle(file.name, read_subtitle(file, name), "sidecar"))
        except (MediaDeskError, OSError) as exc:
            log.warning("subtitle %s skipped: %s", file.name, exc)
    return found


def read_upload(path: Path, filename: str, media_filename: str) -> PendingSubtitle:
    """A subtitle someone gave us for a media file; its name may carry flags."""
    stem = Path(media_filename).stem
    name = parse_name(stem, filename) or parse_name(Path(filename).stem, filename)
    if name is None:
        raise InvalidInput(
            f"{filename}: subtitles must be .srt, .ass, .ssa or .vtt files",
            code=ErrorCode.UNSUPPORTED_MEDIA,
        )
    # "Film.en.srt" dropped on "Other name.mkv": the language still comes from the name.
    if name.language is None:
        name = parse_name(Path(filename).stem.split(".")[0], filename) or name
    return PendingSubtitle(filename, read_subtitle(path, name, filename), "upload")


def store_subtitles(
    storage: Storage, media_id: str, pending: Sequence[PendingSubtitle]
) -> list[SubtitleFile]:
    """Write the files to storage and return their rows (not yet added to a session)."""
    rows = []
    for item in pending:
        row = SubtitleFile(
            id=new_id(),
            media_file_id=media_id,
            format=item.text.name.format,
            language=item.text.name.language,
            forced=item.text.name.forced,
            hearing_impaired=item.text.name.hearing_impaired,
            original_filename=item.filename[:1024],
            charset=item.text.charset,
            origin=item.origin,
        )
        row.storage_key = keys.subtitle_file(media_id, row.id, row.format)
        storage.put_bytes(row.storage_key, item.text.text.encode("utf-8"), "text/plain")
        rows.append(row)
    return rows


def add_rows(session: Session, rows: Sequence[SubtitleFile]) -> None:
    for row in rows:
        session.add(row)


def discard(storage: Storage, rows: Sequence[SubtitleFile]) -> None:
    for row in rows:
        storage.delete(row.storage_key)


class TrackService:
    """Adds subtitle files to media files: the row and its ``subtitles`` job (which
    updates the HLS without re-encoding the video) commit together."""

    def __init__(self, storage: Storage, store: JobStore, bus: EventBus) -> None:
        self.storage = storage
        self.store = store
        self.bus = bus

    def add_subtitle(self, media_id: str, path: Path, filename: str | None = None) -> AddedSubtitle:
        """``path``: a local file (a drop in the app, an upload already on disk)."""
        filename = filename or path.name
        with self.store.unit_of_work() as uow:
            media = get_media_row(uow.session, media_id)
            if media.kind != MediaKind.VIDEO:
                raise InvalidInput(
                    f"{media.original_filename} is not a video: subtitles go with videos",
                    code=ErrorCode.INVALID_INPUT,
                )
            original = media.original_filename
        pending = read_upload(path, filename, original)
        rows = store_subtitles(self.storage, media_id, [pending])
        try:
            with self.store.unit_of_work() as uow:
                get_media_row(uow.session, media_id)  # not deleted meanwhile
                add_rows(uow.session, rows)
                job_id = self._rebuild(uow, media_id)
                uow.session.flush()
                view = SubtitleFileView.model_validate(rows[0])
                waits = ladder_unfinished(uow.session, media_id) or not self.storage.exists(
                    keys.hls_master(media_id)
                )
        except BaseException:
            discard(self.storage, rows)
            raise
        self.bus.publish(MediaChanged(media_id))
        log.info("subtitle %s added to %s", filename, media_id)
        return AddedSubtitle(subtitle=view, job_id=job_id, waits_for_ladder=waits)

    def sync_sidecars(self, media_id: str, video: Path) -> SidecarChanges | None:
        """Make a referenced video's sidecar subtitles what is beside ``video`` now: a new
        file is added, a changed one (other text or other flags) replaces its row, one
        that went away is removed; then one ``subtitles`` job updates the HLS (no video
        re-encoded). Subtitles people added (uploads, drops) are not the folder's and
        are left alone. Nothing on disk beside the video is written. ``None``: nothing
        changed (or the file is not a placed, present video at that path any more)."""
        found = {p.filename: p for p in sidecars_of(video)}
        stored: list[SubtitleFile] = []
        old_keys: list[str] = []
        try:
            with self.store.unit_of_work() as uow:
                s = uow.session
                media = s.get(MediaFile, media_id)
                if (
                    media is None
                    or media.deleted_at is not None
                    or media.missing_since is not None  # kept as they were until it returns
                    or media.sha256 is None  # not read yet: its intake reads them
                    or media.kind != MediaKind.VIDEO
                    or media.original_path != str(video)
                ):
                    return None
                current = {r.original_filename: r for r in media.subtitle_files}
                removed = [
                    r
                    for r in media.subtitle_files
                    if r.origin == "sidecar" and r.original_filename not in found
                ]
                changed = [
                    r
                    for name, r in current.items()
                    if r.origin == "sidecar" and name in found and not self._same(r, found[name])
                ]
                added = [p for name, p in found.items() if name not in current]
                if not (removed or changed or added):
                    return None
                replaced = [found[r.original_filename] for r in changed]
                for row in (*removed, *changed):
                    old_keys.append(row.storage_key)
                    media.subtitle_files.remove(row)
                s.flush()
                stored = store_subtitles(self.storage, media_id, [*replaced, *added])
                add_rows(s, stored)
                job_id = self._rebuild(uow, media_id)
                result = SidecarChanges(
                    added=[p.filename for p in added],
                    replaced=[p.filename for p in replaced],
                    removed=[r.original_filename for r in removed],
                    job_id=job_id,
                )
        except BaseException:
            discard(self.storage, stored)
            raise
        for key in old_keys:  # after the commit: no row points at them any more
            self.storage.delete(key)
        self.bus.publish(MediaChanged(media_id))
        log.info("sidecar subtitles of %s: %s", media_id, result)
        return result

    def _same(self, row: SubtitleFile, pending: PendingSubtitle) -> bool:
        name = pending.text.name
        flags = (row.format, row.language, row.forced, row.hearing_impaired)
        if flags != (name.format, name.language, name.forced, name.hearing_impaired):
            return False
        try:
            with self.storage.open_read(row.storage_key) as fh:
                kept = fh.read()
        except (OSError, MediaDeskError):
            return False  # the stored copy is lost: store it again
        return kept == pending.text.text.encode("utf-8")

    def _rebuild(self, uow: UnitOfWork, media_id: str) -> str:
        """The ``subtitles`` job that remakes the renditions from the rows committed
        with it (handed over to the ladder when one is under way)."""
        return self.store.add(uow, subtitles_spec(media_id)).id


@dataclass(frozen=True)
class SidecarChanges:
    """What a sync of a video's sidecar subtitles did (file names)."""

    added: list[str]
    replaced: list[str]
    removed: list[str]
    job_id: str


@dataclass(frozen=True)
class AddedSubtitle:
    subtitle: SubtitleFileView
    job_id: str
    # No stream yet, or streaming versions being made: the subtitle joins the stream when
    # they are (master writers take turns), not at once.
    waits_for_ladder: bool = False
