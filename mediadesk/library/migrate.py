"""Schema upgrades at start-up, with a copy of the database taken first.

Alembic (with Mako and Pygments behind it) costs about a third of a second to import,
which the desktop app's cold start cannot afford when, as almost always, there is
nothing to do. So the common case is checked without it: the head revision is read
from the migration scripts' ``revision``/``down_revision`` assignments and compared
with the ``alembic_version`` row. Anything unusual (several heads, unreadable
scripts, a difference) goes through Alembic itself.
"""

from __future__ import annotations

import ast
import logging
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mediadesk.bundled import migrations_dir
from mediadesk.library.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

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
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _literal_assignments(path: Path, names: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in names and value is not None:
            found[target.id] = ast.literal_eval(value)
    return found


# CPython 3.11's parser is not safe to enter from several threads at once ("AST
# constructor recursion depth mismatch"); runtimes opened together share this lock.
_parse_lock = threading.Lock()


def scripted_head() -> str | None:
    """The single head revision named by the scripts, or ``None`` when unsure."""
    with _parse_lock:
        return _scripted_head()


def _scripted_head() -> str | None:
    try:
        revisions: set[str] = set()
        parents: set[str] = set()
        for path in (migrations_dir() / "versions").glob("*.py"):
            found = _literal_assignments(path, {"revision", "down_revision"})
            revision, down = found.get("revision"), found.get("down_revision")
            if not isinstance(revision, str):
                return None
            revisions.add(revision)
            if isinstance(down, str):
                parents.add(down)
            elif isinstance(down, tuple | list):
                parents.update(str(d) for d in down)
    except (OSError, SyntaxError, ValueError):
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(db: Database) -> str | None:
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return None  # no table yet: a new database
    return str(rows[0][0]) if len(rows) == 1 else None


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
    quick = scripted_head()
    if quick is not None and _stored_revision(db) == quick:
        return MigrationReport(quick, quick, None)
    from alembic import command

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
