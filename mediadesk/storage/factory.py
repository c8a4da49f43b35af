"""Build the storage backend named by the settings."""

from __future__ import annotations

from pathlib import Path

from mediadesk.errors import ConfigError
from mediadesk.settings import Settings
from mediadesk.storage.base import Storage
from mediadesk.storage.local import LocalStorage


def create_storage(settings: Settings) -> Storage:
    spec = settings.resolved_storage
    if spec.startswith("s3://"):
        raise ConfigError("S3 storage is not available in this build")
    if spec.startswith("file://"):
        spec = spec.removeprefix("file://")
    if "://" in spec:
        raise ConfigError(f"unsupported storage {spec!r}: use a directory or s3://bucket/prefix")
    return LocalStorage(Path(spec))
