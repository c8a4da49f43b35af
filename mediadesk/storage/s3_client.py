"""The boto3 side of S3 storage: building the client, naming errors, retrying streams.

Every request goes through botocore's ``standard`` retry mode: throttling (SlowDown,
503), 5xx answers and dropped or refused connections are retried with exponential
backoff and jitter, up to ``s3_max_attempts`` tries. Reading a response body is not a
request botocore can retry, so downloads use :func:`with_retries` on top.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    IncompleteReadError,
    NoCredentialsError,
    PartialCredentialsError,
    ResponseStreamingError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from mediadesk.errors import ConfigError, ErrorCode, MediaDeskError, TransientError
from mediadesk.fsutil import storage_error
from mediadesk.storage.mediatypes import content_type_for as content_type_for  # re-export

log = logging.getLogger(__name__)

T = TypeVar("T")

# Answers that no amount of retrying will change: the set-up is wrong.
REFUSALS = frozenset(
    {
        "AccessDenied",
        "AllAccessDisabled",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "NoSuchBucket",
        "InvalidBucketName",
        "AuthorizationHeaderMalformed",
    }
)
MISSING = frozenset({"NoSuchKey", "404", "NotFound"})
CREDENTIAL_ERRORS = (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError)
STREAM_ERRORS = (BotoConnectionError, IncompleteReadError, ResponseStreamingError, OSError)


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # "" or "a/b", never with a trailing slash

    @classmethod
    def parse(cls, url: str) -> S3Location:
        rest = url.removeprefix("s3://")
        bucket, _, prefix = rest.partition("/")
        if not bucket or not url.startswith("s3://"):
            raise ConfigError(f"invalid storage {url!r}: use s3://bucket or s3://bucket/prefix")
        return cls(bucket, prefix.strip("/"))

    def key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def relative(self, full_key: str) -> str:
        return full_key[len(self.prefix) + 1 :] if self.prefix else full_key


def make_client(
    endpoint_url: str | None, region: str | None, max_attempts: int, timeout_s: float = 60.0
) -> Any:
    """An S3 client; credentials come from boto3's usual chain (env, files, roles)."""
    config = Config(
        retries={"max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=10,
        read_timeout=timeout_s,
        # S3-compatible servers (MinIO, moto, Ceph) usually want path-style URLs.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        signature_version="s3v4",
    )
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_missing(exc: BaseException) -> bool:
    return isinstance(exc, ClientError) and error_code(exc) in MISSING


def s3_error(exc: BaseException, what: str, endpoint: str) -> MediaDeskError:
    """A coded error naming the operation; retryable unless S3 refused the set-up."""
    if isinstance(exc, MediaDeskError):
        return exc
    if isinstance(exc, CREDENTIAL_ERRORS):
        return ConfigError(f"{what}: no usable S3 credentials ({exc})")
    if isinstance(exc, ClientError):
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message", "") or str(exc)
        if code in REFUSALS:
            return MediaDeskError(
                f"{what}: S3 at {endpoint} refused ({code}: {message})",
                code=ErrorCode.STORAGE_ERROR,
                retryable=False,
            )
        return TransientError(
            f"{what}: S3 at {endpoint} answered {code}: {message}", code=ErrorCode.STORAGE_ERROR
        )
    if isinstance(exc, OSError) and not isinstance(exc, BotoCoreError):
        return storage_error(exc, what)  # our own disk (full?), not the network
    if isinstance(exc, BotoCoreError):
        return TransientError(
            f"{what}: cannot reach S3 at {endpoint}: {exc}", code=ErrorCode.STORAGE_ERROR
        )
    return TransientError(f"{what}: {exc}", code=ErrorCode.STORAGE_ERROR)


def with_retries(
    fn: Callable[[], T], what: str, attempts: int, base_delay: float = 0.5, max_delay: float = 20
) -> T:
    """Run ``fn``, retrying connection and stream errors with backoff and full jitter."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except FileNotFoundError:
            raise  # a missing object stays missing
        except STREAM_ERRORS as exc:
            if attempt >= attempts:
                raise
            delay = random.uniform(0, min(max_delay, base_delay * 2**attempt))
            log.warning("%s: %s; retrying in %.1fs (%d/%d)", what, exc, delay, attempt, attempts)
            time.sleep(delay)
    raise AssertionError("unreachable")
