"""Schema upgrades at start-up, with a copy of the database taken first."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from mediadesk.bundled import migrations_dir
from mediadesk.library.db import Database

log = logging.getLogger(__name__)

# Any constant shared by every MediaDesk process; PostgreSQL advisory locks are per database.
MIGRATION_LOCK_ID = 0x4D454449  # "MEDI"


@dataclass(frozen=True)
class MigrationReport:
    before: str | None
    after: str | None
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(db_path: Path, backups_dir: Path, revision: str | None) -> Path:
    """Copy a live SQLite database consistently (the backup API honours WAL)."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir / f"{db_path.stem}-{revision or 'empty'}-{stamp}.db"
    src = sqlite3.connect(db_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade_to_head(db: Database, backups_dir: Path, db_path: Path | None) -> MigrationReport:
    """Bring the schema to head; back the SQLite file up first when it will change."""
    head = head_revision(db.url)
    before = current_revision(db)
    backup = None
    if before == head:
        return MigrationReport(before, before, None)
    if db_path is not None and before is not None and db_path.exists():
        backup = backup_sqlite(db_path, backups_dir, before)
        log.info("database backed up to %s before upgrading from %s", backup, before)
    cfg = alembic_config(db.url)
    # The writer engine starts with BEGIN IMMEDIATE on SQLite and PostgreSQL takes an
    # advisory lock, so processes starting at once (a fleet of workers) upgrade one
    # after the other and the later ones find nothing to do.
    with db.writer_engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
    after = current_revision(db)
    log.info("database schema upgraded from %s to %s", before, after)
    return MigrationReport(before, after, backup)
