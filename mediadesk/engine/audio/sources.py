"""The files a master is made from, and whether a preset can be applied to them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mediadesk.domain.enums import MediaKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.audio.preset import AudioMasterPreset
from mediadesk.engine.sniff import Container
from mediadesk.errors import ErrorCode, InvalidInput


@dataclass(frozen=True)
class Source:
    """A local, sniffed, probed input file; ``name`` is what messages call it."""

    path: Path
    container: Container
    info: MediaInfo
    name: str

    @property
    def duration(self) -> float:
        return self.info.duration or 0.0


@dataclass(frozen=True)
class MasterSources:
    programme: Source
    music: Source | None = None

    @property
    def duration(self) -> float:
        return self.programme.duration

    @property
    def has_video(self) -> bool:
        return self.programme.info.video is not None


def check_sources(
    preset: AudioMasterPreset,
    preset_id: str,
    programme: MediaInfo,
    programme_name: str,
    music: MediaInfo | None,
    music_name: str | None,
) -> None:
    """Refuse, with a sentence naming the file, inputs the preset cannot be applied to.

    Used twice: when a job is submitted (so the CLI can say no at once) and when it
    runs (the stored input may outlive the files it names).
    """
    if programme.kind not in (MediaKind.VIDEO, MediaKind.AUDIO):
        raise InvalidInput(
            f"{programme_name}: a programme must be a video or an audio file",
            code=ErrorCode.UNSUPPORTED_MEDIA,
        )
    if not programme.duration_is_meaningful:
        raise InvalidInput(
            f"{programme_name}: the programme has no usable duration",
            code=ErrorCode.INVALID_MEDIA,
        )
    if preset.uses_programme_audio and programme.audio is None:
        raise InvalidInput(
            f"{programme_name}: the programme has no audio stream, and preset "
            f"{preset_id} mixes the programme's own audio (a 'replace' preset puts music "
            "under a silent video)",
            code=ErrorCode.NO_AUDIO_STREAM,
        )
    if music is None:
        if preset.needs_music:
            raise InvalidInput(
                f"preset {preset_id} needs a music file (--music MEDIA_ID)",
                code=ErrorCode.INVALID_INPUT,
            )
        return
    if music.audio is None:
        raise InvalidInput(
            f"{music_name}: the music file is not audio (it has no audio stream)",
            code=ErrorCode.NO_AUDIO_STREAM,
        )
    if not music.duration_is_meaningful:
        raise InvalidInput(
            f"{music_name}: the music file has no usable duration",
            code=ErrorCode.INVALID_MEDIA,
        )
