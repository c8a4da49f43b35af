"""Input shared by every per-media pipeline step."""

from __future__ import annotations

from mediadesk.jobs.registry import JobInput


class MediaStepInput(JobInput):
    """A step that needs only the media file id; steps with options extend this."""

    media_file_id: str


class PresetInput(MediaStepInput):
    """A step driven by a preset: None means the library's ``step_presets`` setting for
    the step, else the step's default preset."""

    preset: str | None = None
