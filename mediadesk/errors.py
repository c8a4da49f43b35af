"""Error codes and the exception hierarchy every layer raises.

Every failure a user can see carries a stable machine code (``ErrorCode``) and a
human sentence. Whether a failure is worth retrying is decided where it is
raised, because only that code knows whether the cause is transient.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # Input problems: retrying cannot help.
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_MEDIA = "INVALID_MEDIA"
    UNSUPPORTED_MEDIA = "UNSUPPORTED_MEDIA"
    EMPTY_FILE = "EMPTY_FILE"
    TRUNCATED_MEDIA = "TRUNCATED_MEDIA"
    NO_AUDIO_STREAM = "NO_AUDIO_STREAM"
    NO_VIDEO_STREAM = "NO_VIDEO_STREAM"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    URL_REFUSED = "URL_REFUSED"
    # A download that did not finish within ``url_timeout`` or stayed under the minimum
    # rate: not retried on its own (another try would cost the whole limit again).
    URL_TIMEOUT = "URL_TIMEOUT"
    TOO_LARGE = "TOO_LARGE"
    INVALID_PRESET = "INVALID_PRESET"
    # An NFO beside the media that is not one (not XML, entity declarations, too big).
    INVALID_NFO = "INVALID_NFO"
    # Environment and transient problems: retry with backoff.
    FFMPEG_FAILED = "FFMPEG_FAILED"
    DOWNLOAD_FAILED = "DOWNLOAD_FAILED"
    STORAGE_ERROR = "STORAGE_ERROR"
    DISK_FULL = "DISK_FULL"
    TIMEOUT = "TIMEOUT"
    WORKER_LOST = "WORKER_LOST"
    ENCODER_UNAVAILABLE = "ENCODER_UNAVAILABLE"
    # Verification of outputs before publish.
    VERIFY_FAILED = "VERIFY_FAILED"
    PLAYLIST_INVALID = "PLAYLIST_INVALID"
    SEGMENT_MISSING = "SEGMENT_MISSING"
    DURATION_MISMATCH = "DURATION_MISMATCH"
    OUTPUT_UNDECODABLE = "OUTPUT_UNDECODABLE"
    KEYFRAME_MISSING = "KEYFRAME_MISSING"
    KEYFRAMES_MISALIGNED = "KEYFRAMES_MISALIGNED"
    LOUDNESS_OFF_TARGET = "LOUDNESS_OFF_TARGET"
    # Operator action.
    CANCELLED = "CANCELLED"
    # Bugs and configuration.
    CONFIG_ERROR = "CONFIG_ERROR"
    LIBRARY_LOCKED = "LIBRARY_LOCKED"
    INTERNAL = "INTERNAL"


class MediaDeskError(Exception):
    """Base of every error the core raises on purpose."""

    code: ErrorCode = ErrorCode.INTERNAL
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidInput(MediaDeskError):
    """The user gave us something we cannot use (bad file, bad field, bad URL)."""

    code = ErrorCode.INVALID_INPUT
    retryable = False


class NotFound(MediaDeskError):
    code = ErrorCode.NOT_FOUND
    retryable = False


class Conflict(MediaDeskError):
    code = ErrorCode.CONFLICT
    retryable = False


class TransientError(MediaDeskError):
    """Something outside the input failed; the same work may succeed later."""

    code = ErrorCode.INTERNAL
    retryable = True


class ProcessFailed(TransientError):
    code = ErrorCode.FFMPEG_FAILED


class VerificationFailed(MediaDeskError):
    """Outputs were produced but do not meet their contract; nothing is published."""

    code = ErrorCode.VERIFY_FAILED
    retryable = False


class Cancelled(MediaDeskError):
    code = ErrorCode.CANCELLED
    retryable = False


class ConfigError(MediaDeskError):
    code = ErrorCode.CONFIG_ERROR
    retryable = False
