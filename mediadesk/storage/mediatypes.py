"""Content types of the files MediaDesk stores and serves, in one table.

Used when objects are written to S3 (their ``Content-Type``) and when the HTTP server
answers for a file; players care (``application/vnd.apple.mpegurl``, ``video/mp2t``).
"""

from __future__ import annotations

import mimetypes

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".m4v": "video/mp4",
    ".aac": "audio/aac",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".log": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".json": "application/json",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
}


def content_type_for(name: str, default: str = "application/octet-stream") -> str:
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot >= 0 else ""
    return CONTENT_TYPES.get(ext) or mimetypes.guess_type(name)[0] or default
