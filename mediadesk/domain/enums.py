"""Enumerations stored in the database and exchanged between layers."""

from __future__ import annotations

from enum import StrEnum


class MediaKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"


class MediaStatus(StrEnum):
    UPLOADED = "UPLOADED"
    PROCESSING = "PROCESSING"
    READY = "READY"
    FAILED = "FAILED"


class ArtifactKind(StrEnum):
    HLS_MASTER = "hls_master"
    HLS_VARIANT = "hls_variant"
    AUDIO_HLS = "audio_hls"
    PREVIEW = "preview"
    POSTER = "poster"
    THUMBNAIL = "thumbnail"
    TRICKPLAY = "trickplay"
    WAVEFORM_JSON = "waveform_json"
    WAVEFORM_PNG = "waveform_png"
    IMAGE_VARIANT = "image_variant"
    AUDIO_MASTER = "audio_master"
    MEZZANINE = "mezzanine"
    SUBTITLES = "subtitles"
    CHAPTERS = "chapters"
    # A picture subtitle burned into a rung with a master of its own (its storage key).
    BURNED_SUBTITLES = "burned_subtitles"


class AttemptOutcome(StrEnum):
    """One attempt of a job (``media_job_attempts.outcome``)."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    INTERRUPTED = "INTERRUPTED"  # its worker stopped or was lost: the job runs again


class JobStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    DEAD = "DEAD"

    @property
    def is_terminal(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.DEAD)
