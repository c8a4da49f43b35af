"""``master_audio``: a programme (+ music) and an intent preset -> a new, verified media file.

The master is a media file of its own (``originals/{id}.m4a|mp4|mkv``), linked to its
sources in ``media_file_sources``, and it runs the normal pipeline (probe first, the
rest chained after it).

Its id is derived from the job id, so running the job again (replay, or a retry after
a crash between publish and commit) addresses the same media file:

- no such row yet (first run, or the master was purged): it is published and
  created, and its pipeline starts;
- the row exists with the same bytes (replay reproduced the output, as it should:
  the preset is stored in the job's input and every stage is deterministic): nothing
  is published again; the measurements are written again;
- the row exists with different bytes (ffmpeg was upgraded, say): the job fails with
  CONFLICT and the existing master is left as it is; purge it to master afresh;
- the row exists but was deleted by the user: it stays deleted; nothing is published.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.domain.enums import MediaKind
from mediadesk.engine.audio.master import MasterResult, master
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.audio.sources import MasterSources, Source, check_sources
from mediadesk.engine.presets import load_typed
from mediadesk.errors import Conflict, ErrorCode, InvalidInput, NotFound
from mediadesk.fsutil import sha256_file
from mediadesk.handlers.common import media_of, open_stored
from mediadesk.handlers.loudness import store_loudness
from mediadesk.handlers.pipeline import pipeline_steps
from mediadesk.handlers.probe import ProbeInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobInput, JobRegistry, JobType
from mediadesk.jobs.spec import JobSpec, Outcome, PublishSpec
from mediadesk.library.models import MediaFile, MediaFileSource
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import MediaFileView
from mediadesk.storage import keys

# Fixed forever: changing it would make replays of old jobs create new files.
DERIVED_NAMESPACE = uuid.UUID("5f0c7a52-3d2e-4f61-9a8e-6d3b1c0e2a47")


def derived_id(job_id: str) -> str:
    return str(uuid.uuid5(DERIVED_NAMESPACE, f"master_audio:{job_id}"))


class MasterAudioInput(JobInput):
    media_file_id: str  # the programme
    music_media_file_id: str | None = None
    preset_id: str
    # The preset as it was when the job was submitted: replay reproduces the output
    # even if the file under presets/ has changed since.
    preset: AudioMasterPreset


def master_spec(
    programme_id: str,
    preset_id: str,
    preset: AudioMasterPreset,
    music_id: str | None = None,
    priority: int = 0,
) -> JobSpec:
    """The job that masters ``programme_id``; it is listed with the programme's jobs."""
    return JobSpec(
        type="master_audio",
        input=MasterAudioInput(
            media_file_id=programme_id,
            music_media_file_id=music_id,
            preset_id=preset_id,
            preset=preset,
        ),
        media_file_id=programme_id,
        priority=priority,
    )


class MasterAudioJob(JobType[MasterAudioInput]):
    name = "master_audio"
    input_model = MasterAudioInput
    max_attempts = 2
    base_timeout_s = 600.0
    timeout_per_media_second = 2.0

    def __init__(self, registry: JobRegistry) -> None:
        # The master's own pipeline is planned from the job types this build has.
        self.registry = registry

    def prepare(self, data: dict[str, Any]) -> dict[str, Any]:
        """The preset comes from ``preset_id``, which must name an audio master preset."""
        preset_id = data.get("preset_id")
        if not isinstance(preset_id, str) or not preset_id:
            raise InvalidInput(
                "preset_id: name an audio master preset (e.g. audio/podcast_v1)",
                code=ErrorCode.INVALID_PRESET,
            )
        try:
            preset = load_typed(preset_id, AudioMasterPreset)
        except InvalidInput as exc:
            raise InvalidInput(f"preset_id: {exc.message}", code=ErrorCode.INVALID_PRESET) from exc
        stored = preset.model_dump(mode="json")
        if "preset" in data and data["preset"] != stored:
            raise InvalidInput(
                f"preset: leave it out; it is read from preset_id {preset_id!r}",
                code=ErrorCode.INVALID_PRESET,
            )
        return {**data, "preset": stored}

    def run(self, ctx: JobContext, inp: MasterAudioInput) -> Outcome:
        programme = media_of(ctx)
        music = _music(ctx, inp.music_media_file_id)
        sources = _sources(ctx, inp, programme, music)
        new_id = derived_id(ctx.job_id)
        result = master(
            ctx.run,
            ctx.ffmpeg.ffmpeg,
            ctx.ffmpeg.ffprobe,
            inp.preset,
            inp.preset_id,
            sources,
            ctx.scratch / "master",
            new_id,
        )
        ctx.encoder = f"aac ({inp.preset.output.aac_coder})"
        ctx.details["loudness"] = result.details()
        sha256, size = sha256_file(result.output)
        ctx.details["output"] = {"sha256": sha256, "size": size}
        summary: dict[str, Any] = {
            "media_file_id": new_id,
            "programme_id": programme.id,
            "music_id": music.id if music else None,
            "preset_id": inp.preset_id,
            "preset_version": inp.preset.version,
            "mode": str(result.plans[-1].mode),
            "loudness": result.final.as_json(),
            "sha256": sha256,
        }
        existing = _existing(ctx, new_id)
        if existing is not None:
            return _replayed(ctx, existing, sha256, result, summary)
        duplicate = _live_with_hash(ctx, sha256)
        if duplicate is not None:
            summary.update(media_file_id=duplicate, created=False, duplicate_of=duplicate)
            ctx.note(f"the master is identical to media file {duplicate}; nothing stored twice")
            return Outcome(result=summary)
        return self._create(ctx, inp, programme, music, result, new_id, sha256, size, summary)

    def _create(
        self,
        ctx: JobContext,
        inp: MasterAudioInput,
        programme: MediaFileView,
        music: MediaFileView | None,
        result: MasterResult,
        new_id: str,
        sha256: str,
        size: int,
        summary: dict[str, Any],
    ) -> Outcome:
        info = result.info
        kind = info.kind or MediaKind.AUDIO
        stem = Path(programme.original_filename).stem or "programme"
        preset_name = inp.preset_id.rsplit("/", 1)[-1]
        key = keys.original(new_id, result.container.extension)
        follow_ups = [
            JobSpec(
                type="probe",
                input=ProbeInput(
                    media_file_id=new_id,
                    then=[
                        s for s in pipeline_steps(ctx.settings, self.registry, kind) if s != "probe"
                    ],
                ),
                media_file_id=new_id,
                pipeline=True,
            )
        ]
        summary.update(created=True, original_key=key)

        def create_row(session: Session) -> None:
            # Checked again inside the commit: an identical file may have arrived since.
            clash = session.scalar(
                select(MediaFile.id).where(
                    MediaFile.sha256 == sha256, MediaFile.deleted_at.is_(None)
                )
            )
            if clash is not None or session.get(MediaFile, new_id) is not None:
                follow_ups.clear()  # the published copy is an orphan the reaper sweeps
                summary.update(media_file_id=clash or new_id, created=False, duplicate_of=clash)
                return
            row = MediaFile(
                id=new_id,
                kind=kind,
                original_key=key,
                original_filename=f"{stem} - {preset_name}.{result.container.extension}"[:1024],
                size_bytes=size,
                mime=result.container.mime,
                sha256=sha256,
            )
            row.apply_probe(info)
            session.add(row)
            session.flush()
            roles = [("programme", programme.id)] + ([("music", music.id)] if music else [])
            for role, source_id in roles:
                if session.get(MediaFile, source_id) is not None:
                    session.add(
                        MediaFileSource(
                            media_file_id=new_id,
                            source_media_file_id=source_id,
                            role=role,
                            job_id=ctx.job_id,
                        )
                    )

        return Outcome(
            result=summary,
            publish=[PublishSpec(src_dir=result.output.parent, prefix="originals")],
            apply=[create_row, store_loudness(new_id, result.final)],
            follow_ups=follow_ups,
        )


def _music(ctx: JobContext, music_id: str | None) -> MediaFileView | None:
    if music_id is None:
        return None
    with ctx.db.read() as s:
        try:
            return MediaFileView.of(get_media_row(s, music_id), detail=True)
        except NotFound:
            raise InvalidInput(
                f"the music file {music_id} no longer exists", code=ErrorCode.NOT_FOUND
            ) from None


def _sources(
    ctx: JobContext,
    inp: MasterAudioInput,
    programme: MediaFileView,
    music: MediaFileView | None,
) -> MasterSources:
    for media in (programme, music):
        if media is not None and media.probe is None:
            raise InvalidInput(
                f"{media.original_filename}: not probed yet", code=ErrorCode.INVALID_MEDIA
            )
    assert programme.probe is not None
    check_sources(
        inp.preset,
        inp.preset_id,
        programme.probe,
        programme.original_filename,
        music.probe if music else None,
        music.original_filename if music else None,
    )
    path, container = open_stored(ctx, programme, ctx.scratch / "programme")
    prog = Source(path, container, programme.probe, programme.original_filename)
    if music is None:
        return MasterSources(prog)
    assert music.probe is not None
    mpath, mcontainer = open_stored(ctx, music, ctx.scratch / "music")
    return MasterSources(prog, Source(mpath, mcontainer, music.probe, music.original_filename))


def _existing(ctx: JobContext, media_id: str) -> MediaFileView | None:
    with ctx.db.read() as s:
        row = s.get(MediaFile, media_id)
        return MediaFileView.of(row) if row is not None else None


def _live_with_hash(ctx: JobContext, sha256: str) -> str | None:
    with ctx.db.read() as s:
        return s.scalar(
            select(MediaFile.id).where(MediaFile.sha256 == sha256, MediaFile.deleted_at.is_(None))
        )


def _replayed(
    ctx: JobContext,
    existing: MediaFileView,
    sha256: str,
    result: MasterResult,
    summary: dict[str, Any],
) -> Outcome:
    if existing.deleted:
        ctx.note(f"media file {existing.id} was deleted; replay leaves it deleted")
        summary.update(created=False, replay="deleted")
        return Outcome(result=summary)
    if existing.sha256 != sha256:
        raise Conflict(
            f"replay produced different bytes from the existing master {existing.id} "
            f"(sha256 {sha256[:12]}... vs {(existing.sha256 or '')[:12]}...); it is left as it is: "
            "purge it to master afresh"
        )
    ctx.note(f"replay reproduced media file {existing.id} byte for byte")
    summary.update(created=False, replay="identical")
    return Outcome(result=summary, apply=[store_loudness(existing.id, result.final)])
