"""Uploads to S3: streamed, checksummed, multipart above a threshold, never orphaned.

A file above ``threshold`` goes up in ``part_size`` parts, one part in memory at a
time, each with its SHA-256 so S3 rejects a part damaged on the way. A failed
multipart upload is aborted at once so no billed, invisible parts stay behind; when
the abort itself cannot get through (the endpoint is down), the upload id is kept
and aborted before the next upload or by the reaper's :meth:`Uploader.housekeeping`, which
also aborts uploads left by a worker that died mid-upload.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from mediadesk.storage.base import CHUNK
from mediadesk.storage.s3_client import REFUSALS, S3Location, content_type_for, error_code

log = logging.getLogger(__name__)


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def file_sha256_b64(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return base64.b64encode(digest.digest()).decode("ascii")


class Uploader:
    def __init__(self, client: Any, location: S3Location, part_size: int, threshold: int) -> None:
        self.client = client
        self.loc = location
        self.part_size = part_size
        self.threshold = threshold
        # (full key, upload id) of failed uploads whose abort did not get through yet.
        self._orphans: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def upload_file(
        self,
        path: Path,
        key: str,
        content_type: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Upload ``path`` to ``key``; raises botocore errors (callers name them)."""
        full = self.loc.key(key)
        extra: dict[str, Any] = {
            "ContentType": content_type or content_type_for(key),
            "Metadata": metadata or {},
        }
        if path.stat().st_size <= self.threshold:
            checksum = file_sha256_b64(path)
            with path.open("rb") as fh:
                self.client.put_object(
                    Bucket=self.loc.bucket, Key=full, Body=fh, ChecksumSHA256=checksum, **extra
                )
            return
        self._multipart(path, full, extra)

    def put_bytes(self, data: bytes, key: str, content_type: str | None = None) -> None:
        self.client.put_object(
            Bucket=self.loc.bucket,
            Key=self.loc.key(key),
            Body=data,
            ChecksumSHA256=sha256_b64(data),
            ContentType=content_type or content_type_for(key),
        )

    def _multipart(self, path: Path, full: str, extra: dict[str, Any]) -> None:
        created = self.client.create_multipart_upload(
            Bucket=self.loc.bucket, Key=full, ChecksumAlgorithm="SHA256", **extra
        )
        upload_id = str(created["UploadId"])
        try:
            parts = []
            with path.open("rb") as fh:
                number = 1
                while chunk := fh.read(self.part_size):
                    checksum = sha256_b64(chunk)
                    answer = self.client.upload_part(
                        Bucket=self.loc.bucket,
                        Key=full,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=chunk,
                        ChecksumSHA256=checksum,
                    )
                    parts.append(
                        {"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": checksum}
                    )
                    number += 1
            self.client.complete_multipart_upload(
                Bucket=self.loc.bucket,
                Key=full,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            self._abort(full, upload_id)
            raise

    def _abort(self, full: str, upload_id: str) -> bool:
        try:
            self.client.abort_multipart_upload(Bucket=self.loc.bucket, Key=full, UploadId=upload_id)
        except ClientError as exc:
            code = error_code(exc)
            if code == "NoSuchUpload":
                return self._forget(full, upload_id)
            if code in REFUSALS:
                # Not allowed to abort: retrying will not help; a bucket lifecycle rule
                # (AbortIncompleteMultipartUpload) has to clean it up.
                log.error("may not abort multipart upload of %s (%s)", full, code)
                self._forget(full, upload_id)
                return False
            self._remember(full, upload_id, exc)
            return False
        except Exception as exc:
            self._remember(full, upload_id, exc)
            return False
        log.info("aborted multipart upload of %s", full)
        return self._forget(full, upload_id)

    def _forget(self, full: str, upload_id: str) -> bool:
        with self._lock:
            self._orphans.discard((full, upload_id))
        return True

    def _remember(self, full: str, upload_id: str, exc: Exception) -> None:
        log.warning("could not abort multipart upload of %s (%s); will retry", full, exc)
        with self._lock:
            self._orphans.add((full, upload_id))

    def abort_orphans(self) -> int:
        """Abort uploads whose earlier abort failed; returns how many went."""
        with self._lock:
            pending = list(self._orphans)
        return sum(1 for full, upload_id in pending if self._abort(full, upload_id))

    def pending_aborts(self) -> int:
        with self._lock:
            return len(self._orphans)

    def abort_stale(self, older_than: timedelta) -> int:
        """Abort multipart uploads under our prefix started before ``older_than`` ago."""
        cutoff = datetime.now(UTC) - older_than
        prefix = f"{self.loc.prefix}/" if self.loc.prefix else ""
        aborted = 0
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.loc.bucket, Prefix=prefix):
            for upload in page.get("Uploads", []):
                initiated = upload.get("Initiated")
                if initiated is not None and initiated < cutoff:
                    aborted += self._abort(upload["Key"], upload["UploadId"])
        return aborted

    def housekeeping(self, older_than: timedelta) -> int:
        return self.abort_orphans() + self.abort_stale(older_than)
