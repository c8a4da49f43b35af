"""Fixtures that start PostgreSQL, Redis and an S3 server, and stop them at the end."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from mediadesk.netutil import free_port, wait_for_port
from tests.services.faultproxy import FaultProxy
from tests.services.servers import (
    Postgres,
    Redis,
    start_postgres,
    start_redis,
    stop_postgres,
    stop_redis,
)

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "mediadesk-test",
    "AWS_SECRET_ACCESS_KEY": "mediadesk-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/services/" in str(item.fspath):
            item.add_marker(pytest.mark.services)
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    pg, _ = start_postgres()
    try:
        yield pg
    finally:
        stop_postgres(pg)


@pytest.fixture
def pg_url(postgres: Postgres) -> Iterator[str]:
    """A fresh, empty database for one test."""
    name = f"md_{secrets.token_hex(6)}"
    url = postgres.create_database(name)
    try:
        yield url
    finally:
        postgres.drop_database(name)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis]:
    server = start_redis()
    try:
        yield server
    finally:
        stop_redis(server)


@pytest.fixture
def redis_url(redis_server: Redis) -> str:
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@dataclass
class S3Server:
    url: str
    port: int

    def client(self, endpoint: str | None = None) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=endpoint or self.url, region_name="us-east-1")


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request
    saved = {k: os.environ.get(k) for k in S3_ENV}
    os.environ.update(S3_ENV)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    wait_for_port(port)
    try:
        yield S3Server(f"http://127.0.0.1:{port}", port)
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    name = f"md-{secrets.token_hex(6)}"
    s3_server.client().create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_proxy(s3_server: S3Server) -> Iterator[FaultProxy]:
    """The S3 server behind a proxy the test can cut and restore."""
    proxy = FaultProxy(s3_server.port)
    try:
        yield proxy
    finally:
        proxy.close()


def open_uploads(server: S3Server, bucket: str) -> list[dict[str, Any]]:
    answer = server.client().list_multipart_uploads(Bucket=bucket)
    return list(answer.get("Uploads", []))
