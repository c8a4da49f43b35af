"""Mastering as the shells see it: submit a master or a loudness measurement.

Inputs are checked here, before anything is queued, so that a bad request is refused
at once with a sentence (the job checks again when it runs).
"""

from __future__ import annotations

from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.audio.sources import check_sources
from mediadesk.engine.presets import load_typed
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.handlers.master_audio import master_spec
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.views import JobView
from mediadesk.library.views import MediaFileView
from mediadesk.services.jobs import JobService
from mediadesk.services.library import LibraryService


class MasteringService:
    def __init__(self, library: LibraryService, jobs: JobService) -> None:
        self.library = library
        self.jobs = jobs

    def master(
        self,
        programme_id: str,
        preset_id: str,
        music_id: str | None = None,
        priority: int = 0,
    ) -> JobView:
        preset = load_typed(preset_id, AudioMasterPreset)
        programme = self._live(programme_id)
        music = self._live(music_id) if music_id else None
        if programme.probe is None or (music is not None and music.probe is None):
            raise InvalidInput("the inputs have not been probed yet", code=ErrorCode.INVALID_MEDIA)
        check_sources(
            preset,
            preset_id,
            programme.probe,
            programme.original_filename,
            music.probe if music else None,
            music.original_filename if music else None,
        )
        spec = master_spec(programme.id, preset_id, preset, music.id if music else None, priority)
        return self.jobs.submit(spec)

    def measure(self, media_id: str) -> JobView:
        media = self._live(media_id)
        if media.probe is not None and media.probe.audio is None:
            raise InvalidInput(
                f"{media.original_filename}: no audio stream to measure",
                code=ErrorCode.NO_AUDIO_STREAM,
            )
        return self.jobs.submit(
            JobSpec(
                type="loudness",
                input=MediaStepInput(media_file_id=media.id),
                media_file_id=media.id,
            )
        )

    def _live(self, media_id: str) -> MediaFileView:
        media = self.library.get_media(media_id)
        if media.deleted:
            raise InvalidInput(f"media file {media_id} was deleted", code=ErrorCode.NOT_FOUND)
        return media
