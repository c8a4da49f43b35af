"""Storage in an S3 bucket (AWS or any S3-compatible store: MinIO, Ceph, Garage...).

Work still happens on local disk: inputs are downloaded into the job's scratch
directory (:meth:`S3Storage.materialize`), outputs are uploaded by
:meth:`S3Storage.publish_tree` before the job commits, and files on their way in are
staged in a local directory and uploaded by :meth:`S3Storage.adopt`. Object keys are
the library's keys under an optional prefix, so ``s3://media/lib`` holds
``lib/originals/...``, ``lib/hls/...`` and ``lib/logs/...``.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

from botocore.exceptions import BotoCoreError, ClientError

from mediadesk.base_types import new_token
from mediadesk.errors import ErrorCode, TransientError
from mediadesk.settings import Settings
from mediadesk.storage.base import CHUNK, StagedFile, Storage, StoredObject, walk_files
from mediadesk.storage.keys import validate_key
from mediadesk.storage.s3_client import (
    S3Location,
    is_missing,
    make_client,
    s3_error,
    with_retries,
)
from mediadesk.storage.s3_upload import Uploader

log = logging.getLogger(__name__)

UPLOAD_THREADS = 8
DELETE_BATCH = 1000  # the most one DeleteObjects request takes


class S3Storage(Storage):
    scheme = "s3"
    is_remote = True

    def __init__(
        self,
        location: S3Location,
        client: Any,
        staging: Path,
        *,
        endpoint: str | None = None,
        part_size: int = 16 * 1024**2,
        threshold: int = 16 * 1024**2,
        concurrency: int = 4,
        presign: bool = True,
        presign_expiry: int = 3600,
        stream_attempts: int = 4,
        stale_uploads: timedelta = timedelta(hours=24),
    ) -> None:
        self.loc = location
        self.client = client
        self.endpoint = endpoint or "AWS S3"
        self._staging = staging
        self.presign = presign
        self.presign_expiry = presign_expiry
        self.stream_attempts = stream_attempts
        self.stale_uploads = stale_uploads
        self.uploader = Uploader(client, location, part_size, threshold, concurrency)

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        client = make_client(settings.s3_endpoint_url, settings.s3_region, settings.s3_max_attempts)
        return cls(
            S3Location.parse(settings.resolved_storage),
            client,
            settings.home / "incoming",
            endpoint=settings.s3_endpoint_url,
            part_size=settings.s3_part_size,
            threshold=settings.s3_multipart_threshold,
            concurrency=settings.s3_upload_concurrency,
            presign=settings.s3_presign_playback,
            presign_expiry=settings.s3_presign_expiry,
            stream_attempts=settings.s3_max_attempts,
            stale_uploads=timedelta(hours=settings.s3_stale_upload_hours),
        )

    @contextmanager
    def _named(self, what: str) -> Iterator[None]:
        """Turn botocore's exceptions into coded MediaDesk errors naming the operation."""
        try:
            yield
        except (BotoCoreError, ClientError, OSError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise s3_error(exc, what, self.endpoint) from exc

    def _full(self, key: str) -> str:
        return self.loc.key(validate_key(key))

    # Writing --------------------------------------------------------------------------

    def staging_dir(self) -> Path:
        self._staging.mkdir(parents=True, exist_ok=True)
        return self._staging

    def adopt(self, staged: StagedFile, key: str, content_type: str | None = None) -> None:
        validate_key(key)
        self.uploader.abort_orphans()
        with self._named(f"uploading {key}"):
            self.uploader.upload_file(staged.path, key, content_type, {"sha256": staged.sha256})
        staged.path.unlink(missing_ok=True)

    def put_copy(self, path: Path, key: str, content_type: str | None = None) -> None:
        validate_key(key)
        with self._named(f"uploading {key}"):
            self.uploader.upload_file(path, key, content_type)

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        validate_key(key)
        with self._named(f"uploading {key}"):
            self.uploader.put_bytes(data, key, content_type)

    def publish_tree(self, src_dir: Path, prefix: str, entry_last: Sequence[str] = ()) -> None:
        """Upload every file (in parallel), the entry points last, then drop leftovers.

        Objects under a replaced top-level entry that the new tree does not have are
        deleted only once the new entry point is visible, so a reader of either the
        old or the new playlist always finds its segments.
        """
        validate_key(prefix)
        files = {p.relative_to(src_dir).as_posix(): p for p in walk_files(src_dir)}
        entries = [n for n in entry_last if n in files]
        rest = sorted((n for n in files if n not in entries), key=_playlists_last)
        top = {n.split("/")[0] for n in files}
        self.uploader.abort_orphans()  # what an earlier failed attempt could not
        with self._named(f"publishing {prefix}"):
            old = {
                obj.key
                for name in top
                for obj in self.list(f"{prefix}/{name}")
                if obj.key.removeprefix(f"{prefix}/") not in files
            }
            self._upload_all([(files[n], f"{prefix}/{n}") for n in rest])
            for name in entries:
                self.uploader.upload_file(files[name], f"{prefix}/{name}")
            if old:
                self._delete_keys(sorted(old))

    def _upload_all(self, items: list[tuple[Path, str]]) -> None:
        if not items:
            return
        with ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="s3-upload") as pool:
            futures = [pool.submit(self.uploader.upload_file, path, key) for path, key in items]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for future in pending:
                future.cancel()
            for future in done:
                future.result()  # re-raises the first failure
            wait(pending)

    # Reading --------------------------------------------------------------------------

    def _head(self, key: str) -> dict[str, Any] | None:
        with self._named(f"reading {key}"):
            try:
                return cast(
                    dict[str, Any],
                    self.client.head_object(Bucket=self.loc.bucket, Key=self._full(key)),
                )
            except ClientError as exc:
                if is_missing(exc):
                    return None
                raise

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return int(head["ContentLength"])

    def _get(self, key: str, **extra: Any) -> dict[str, Any]:
        with self._named(f"reading {key}"):
            try:
                return cast(
                    dict[str, Any],
                    self.client.get_object(Bucket=self.loc.bucket, Key=self._full(key), **extra),
                )
            except ClientError as exc:
                if is_missing(exc):
                    raise FileNotFoundError(key) from exc
                raise

    def open_read(self, key: str) -> BinaryIO:
        return cast(BinaryIO, self._get(key)["Body"])

    def read_range(self, key: str, offset: int, limit: int) -> tuple[bytes, int]:
        size = self.size(key)
        offset = max(0, min(offset, size))
        if limit <= 0 or offset >= size:
            return b"", size
        body = self._get(key, Range=f"bytes={offset}-{offset + limit - 1}")["Body"]
        with self._named(f"reading {key}"):
            return body.read(), size

    def local_path(self, key: str) -> Path | None:
        return None

    def materialize(self, key: str, scratch: Path) -> Path:
        """Download ``key`` into ``scratch`` (whole, checked against its checksum)."""
        scratch.mkdir(parents=True, exist_ok=True)
        target = scratch / posixpath.basename(validate_key(key))
        tmp = scratch / f".{new_token()}.part"

        def download() -> None:
            answer = self._get(key, ChecksumMode="ENABLED")
            expected = int(answer["ContentLength"])
            written = 0
            with tmp.open("wb") as fh:
                for chunk in answer["Body"].iter_chunks(CHUNK):
                    fh.write(chunk)
                    written += len(chunk)
            if written != expected:
                raise OSError(f"download of {key} stopped at {written} of {expected} bytes")

        try:
            with self._named(f"downloading {key}"):
                with_retries(download, f"downloading {key}", self.stream_attempts)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def list(self, prefix: str) -> Iterator[StoredObject]:
        full = self._full(prefix)
        paginator = self.client.get_paginator("list_objects_v2")
        with self._named(f"listing {prefix}"):
            for page in paginator.paginate(Bucket=self.loc.bucket, Prefix=full):
                for obj in page.get("Contents", []):
                    name = str(obj["Key"])
                    if name != full and not name.startswith(full + "/"):
                        continue  # "hls/ab" must not match "hls/abc/..."
                    yield StoredObject(
                        self.loc.relative(name), int(obj["Size"]), obj["LastModified"].timestamp()
                    )

    # Deleting -------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        with self._named(f"deleting {key}"):
            self.client.delete_object(Bucket=self.loc.bucket, Key=self._full(key))

    def delete_prefix(self, prefix: str) -> int:
        keys = [obj.key for obj in self.list(prefix)]
        self._delete_keys(keys)
        return len(keys)

    def _delete_keys(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": self._full(k)} for k in keys[start : start + DELETE_BATCH]]
            with self._named(f"deleting {len(batch)} objects"):
                answer = self.client.delete_objects(
                    Bucket=self.loc.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise TransientError(
                    f"S3 kept {len(errors)} objects: {first.get('Key')}: {first.get('Message')}",
                    code=ErrorCode.STORAGE_ERROR,
                )

    # Playback and housekeeping --------------------------------------------------------

    def presigned_url(self, key: str, expires_s: int | None = None) -> str | None:
        if not self.presign:
            return None
        with self._named(f"signing {key}"):
            return str(
                self.client.generate_presigned_url(
                    "get_object",
                    Params={"Bucket": self.loc.bucket, "Key": self._full(key)},
                    ExpiresIn=expires_s or self.presign_expiry,
                )
            )

    def housekeeping(self) -> int:
        """Abort failed and stale multipart uploads (no orphan parts are left billed)."""
        with self._named("cleaning up multipart uploads"):
            return self.uploader.housekeeping(self.stale_uploads)


def _playlists_last(name: str) -> tuple[bool, str]:
    # A rung's playlist goes up after its segments, as the master goes after the rungs.
    return name.endswith(".m3u8"), name
