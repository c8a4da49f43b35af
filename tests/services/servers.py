"""Real PostgreSQL, Redis and S3-compatible servers on loopback, for the scale-out tests.

PostgreSQL and Redis are Debian's binaries (``make setup-test`` installs them); the S3
server is moto's server mode. Each binds 127.0.0.1 on a free port, keeps its data in
a temporary directory and is stopped (and its data removed) by its fixture. A
missing binary fails the test loudly: the suite never skips silently.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from mediadesk.netutil import free_port, wait_for_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _require(path: Path | str, package: str) -> str:
    found = str(path) if Path(path).is_file() else shutil.which(str(path))
    if not found:
        pytest.fail(f"{path} is missing: install {package} (make setup-test does)")
    return found


@dataclass
class Postgres:
    port: int
    root: Path

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_postgres(argv: list[str]) -> list[str]:
    # initdb refuses to run as root; we are root in CI and on the dev machines.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def start_postgres() -> tuple[Postgres, subprocess.CompletedProcess[str]]:
    initdb = _require(PG_BIN / "initdb", "postgresql")
    pg_ctl = _require(PG_BIN / "pg_ctl", "postgresql")
    root = Path(tempfile.mkdtemp(prefix="mediadesk-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    data, sockets = root / "data", root
    port = free_port()
    subprocess.run(
        _as_postgres(
            [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    started = subprocess.run(
        _as_postgres(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if started.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log}")
    wait_for_port(port)
    return Postgres(port, root), started


def stop_postgres(pg: Postgres) -> None:
    pg_ctl = str(PG_BIN / "pg_ctl")
    subprocess.run(
        _as_postgres([pg_ctl, "-D", str(pg.root / "data"), "-m", "immediate", "-w", "stop"]),
        capture_output=True,
        timeout=60,
    )
    shutil.rmtree(pg.root, ignore_errors=True)


@dataclass
class Redis:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def start_redis() -> Redis:
    binary = _require("redis-server", "redis-server")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            tempfile.gettempdir(),
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return Redis(port, process)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """SIGTERM, a grace period, then SIGKILL."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stop_redis(redis: Redis) -> None:
    stop_process(redis.process)
