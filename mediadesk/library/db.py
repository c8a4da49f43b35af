"""Database engine and sessions.

SQLite is tuned for several threads and processes sharing one file: WAL, a busy
timeout, foreign keys on, ``synchronous`` set explicitly, and writers that start with
``BEGIN IMMEDIATE``. A deferred transaction that reads and then writes fails at once
with a busy-snapshot error whatever the busy timeout, so every write session takes the
write lock up front and waits its turn instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from mediadesk.errors import ConfigError

BUSY_TIMEOUT_S = 30.0
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "fuse.sshfs", "afs", "ceph", "glusterfs"}
)
_IMMEDIATE = "mediadesk_begin_immediate"


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding ``path``, from /proc/mounts (Linux only)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, best_type = "", None
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def check_sqlite_location(db_path: Path) -> None:
    fs = filesystem_type(db_path.parent)
    if fs in NETWORK_FILESYSTEMS:
        raise ConfigError(
            f"the library database {db_path} is on a network filesystem ({fs}); SQLite's "
            "WAL mode does not work there. Keep MEDIADESK_HOME on a local disk, or use "
            "PostgreSQL (database_url=postgresql+psycopg://...)."
        )


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///PATH`` URL; ``None`` for any other database."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


class Database:
    """One engine per process; sessions are short and never shared across threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = self._create_engine(url)
        self.writer_engine = self.engine.execution_options(**{_IMMEDIATE: True})
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self.writer_engine, expire_on_commit=False)

    def _create_engine(self, url: str) -> Engine:
        if not self.is_sqlite:
            return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        path = sqlite_file(url)
        if path is None:
            raise ConfigError(f"unsupported SQLite URL {url!r}: use sqlite:///path")
        path.parent.mkdir(parents=True, exist_ok=True)
        check_sqlite_location(path)
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
            pool_size=8,
            max_overflow=24,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; anything it writes is rolled back."""
        with self._reader() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A writing session: takes the write lock first, commits on success."""
        with self._writer() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself instead of pysqlite's
    # implicit, deferred one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL in WAL mode never corrupts; a power cut may lose the last commits,
    # which the job system tolerates (a job that loses COMPLETED runs again).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(_IMMEDIATE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
