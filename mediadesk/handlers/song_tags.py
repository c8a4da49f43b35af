"""``read_tags``: read songs' tags again once the probe has learnt to keep more of them.

A song probed by an older build kept fewer of its tags (``TAGS_REVISION`` 1: no
artist, album, track or disc), so it was called by its file name or stood outside its
album. The library host queues these jobs when it starts (``services/song_tags.py``),
a batch of files per job: each file is probed again through the one safe-input path
and its probe document replaced, in one transaction at the end. A song of a library
folder with no cover of its own and no poster yet gets its album folder's cover (a
``poster`` step, as the probe would start today); nothing else is redone.
"""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Session

from mediadesk.domain.enums import ArtifactKind
from mediadesk.domain.mediainfo import READ_TAGS, TAGS_REVISION, MediaInfo
from mediadesk.engine.probe import probe_file
from mediadesk.errors import InvalidInput
from mediadesk.handlers.common import folder_cover, open_stored
from mediadesk.handlers.probe import step_spec
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobInput, JobType
from mediadesk.jobs.spec import JobSpec, Outcome
from mediadesk.library.models import MediaFile
from mediadesk.library.views import MediaFileView

BATCH_FILES = 500


class ReadTagsInput(JobInput):
    media_file_ids: list[str] = Field(min_length=1, max_length=BATCH_FILES)


class ReadTagsJob(JobType[ReadTagsInput]):
    name = READ_TAGS
    input_model = ReadTagsInput
    needs_media = False
    base_timeout_s = 3600.0

    def run(self, ctx: JobContext, inp: ReadTagsInput) -> Outcome:
        read: dict[str, MediaInfo] = {}
        unreadable: list[str] = []
        posters: list[JobSpec] = []  # songs that can take their album folder's cover now
        skipped = 0
        total = len(inp.media_file_ids)
        for done, media_id in enumerate(inp.media_file_ids, start=1):
            ctx.check_cancelled()
            media = _live(ctx, media_id)
            if media is None:
                skipped += 1  # deleted since it was queued
                continue
            copy = ctx.scratch / f"input-{done}"
            try:
                path, container = open_stored(ctx, media, copy)
                info = read[media_id] = probe_file(path, ctx.ffmpeg.ffprobe, container)
                if "poster" in ctx.settings.pipeline_audio and _cover_to_take(media, info):
                    posters.append(step_spec(media_id, "poster", []))
            except InvalidInput as exc:
                # It keeps what it had and is not tried at every start: "Re-run
                # processing" reads it again. The job goes on with the others.
                ctx.note(f"{media.original_filename}: {exc.message}")
                unreadable.append(media_id)
                skipped += 1
            finally:
                copy.unlink(missing_ok=True)  # a copy from remote storage, if one was made
            ctx.report(100.0 * done / total)

        def store(session: Session) -> None:
            for media_id, info in read.items():
                row = session.get(MediaFile, media_id)
                if row is not None and row.deleted_at is None:
                    row.apply_probe(info)
            for media_id in unreadable:
                row = session.get(MediaFile, media_id)
                if row is not None:
                    row.tags_revision = TAGS_REVISION

        return Outcome(
            result={"files": total, "read": len(read), "skipped": skipped, "covers": len(posters)},
            apply=[store],
            follow_ups=posters,
        )


def _live(ctx: JobContext, media_id: str) -> MediaFileView | None:
    with ctx.db.read() as s:
        row = s.get(MediaFile, media_id)
        if row is None or row.deleted_at is not None:
            return None
        return MediaFileView.of(row, detail=True)


def _cover_to_take(media: MediaFileView, info: MediaInfo) -> bool:
    """A song of a library folder with no art of its own and no poster yet (read before
    album folders' covers were used), whose folder has a cover now."""
    if info.picture is not None:
        return False
    if any(a.kind == ArtifactKind.POSTER for a in media.artifacts or []):
        return False
    return folder_cover(media) is not None
