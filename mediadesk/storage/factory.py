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
        from mediadesk.storage.s3 import S3Storage  # boto3 loads only when S3 is used

        return S3Storage.from_settings(settings)
    if spec.startswith("file://"):
        spec = spec.removeprefix("file://")
    if "://" in spec:
        raise ConfigError(f"unsupported storage {spec!r}: use a directory or s3://bucket/prefix")
    return LocalStorage(Path(spec))
