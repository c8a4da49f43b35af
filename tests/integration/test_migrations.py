"""Migrations round-trip and agree with the models; upgrades back the database up."""

import json
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from mediadesk.jobs.schema import metadata
from mediadesk.library.db import Database
from mediadesk.library.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_head,
)

pytestmark = pytest.mark.integration


def at_revision(tmp_path: Path, revision: str) -> Database:
    """A library database migrated up to ``revision`` only (``tmp_path/lib.db``)."""
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    db = Database(url)
    cfg = alembic_config(url)
    with db.writer_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    return db


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'lib.db'}")
    upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_round_trip_down_and_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lib.db'}"
    db = Database(url)
    upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    cfg = alembic_config(url)
    with db.writer_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        conn.commit()
    assert current_revision(db) is None
    report = upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    assert report.after == head_revision(url)


def test_upgrade_backs_up_first(tmp_path: Path) -> None:
    db = at_revision(tmp_path, "0001")
    report = upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    assert report.before == "0001" and report.changed
    assert report.backup is not None and report.backup.exists()
    backup = Database(f"sqlite:///{report.backup}")
    assert current_revision(backup) == "0001"


def test_sqlite_pragmas(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'lib.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_quick_head_check_agrees_with_alembic(tmp_path: Path) -> None:
    from mediadesk.library.migrate import scripted_head

    url = f"sqlite:///{tmp_path / 'lib.db'}"
    assert scripted_head() == head_revision(url)
    db = Database(url)
    first = upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    assert first.changed and first.after == scripted_head()
    again = upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    assert not again.changed and again.after == first.after


def test_reopening_a_current_library_does_not_import_alembic(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    db_path = tmp_path / "lib.db"
    upgrade_to_head(Database(f"sqlite:///{db_path}"), tmp_path / "backups", db_path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mediadesk.library.db import Database\n"
        "from mediadesk.library.migrate import upgrade_to_head\n"
        f"p = Path({str(db_path)!r})\n"
        "r = upgrade_to_head(Database(f'sqlite:///{p}'), p.parent / 'b', p)\n"
        "print(r.after, 'alembic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=os.environ
    )
    revision, imported = out.stdout.split()
    assert revision == head_revision(f"sqlite:///{db_path}") and imported == "False"


def test_nfo_files_get_their_own_skip_reason(tmp_path: Path) -> None:
    """0014: NFOs a scan recorded as "not media" become "nfo"; other files stay."""
    db = at_revision(tmp_path, "0010")
    with db.writer_engine.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO library_folders (id, path, kind, watch, watch_mode, created_at)"
                " VALUES ('f', '/lib', 'movies', 0, 'auto', '2026-01-01 00:00:00')"
            )
        )
        for i, rel in enumerate(("A (2001)/movie.NFO", "Show/tvshow.nfo", "notes.txt")):
            conn.execute(
                text(
                    "INSERT INTO folder_files (id, folder_id, rel_path, size, mtime_ns,"
                    " inode, skip_reason, seen_at) VALUES (:id, 'f', :rel, 1, 1, 1,"
                    " 'not_media', '2026-01-01 00:00:00')"
                ),
                {"id": str(i), "rel": rel},
            )
        conn.commit()
    upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    with db.engine.connect() as conn:
        reasons = dict(conn.execute(text("SELECT rel_path, skip_reason FROM folder_files")).all())
    assert reasons == {
        "A (2001)/movie.NFO": "nfo",
        "Show/tvshow.nfo": "nfo",
        "notes.txt": "not_media",
    }


def test_songs_probed_before_0015_keep_their_title(tmp_path: Path) -> None:
    """0015: audio read before songs kept their artist sorts by its title tag at once."""
    db = at_revision(tmp_path, "0014")
    probes = {
        "song": ("audio", '{"container": "mp3", "tags": {"title": "Teardrop"}}'),
        "untagged": ("audio", '{"container": "mp3", "tags": {}}'),
        "film": ("video", '{"container": "mov", "tags": {"title": "Not a song"}}'),
    }
    insert_probed(db, probes)
    upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    with db.engine.connect() as conn:
        titles = dict(conn.execute(text("SELECT id, tagged_title FROM media_files")).all())
    assert titles == {"song": "Teardrop", "untagged": None, "film": None}


def test_songs_probed_before_0016_join_their_album(tmp_path: Path) -> None:
    """0016: a song whose probe kept its album (0015 on) is placed on it at once; one
    probed before track numbers were kept sorts by title there until it is re-read."""
    db = at_revision(tmp_path, "0015")
    album = {"artist": "Ferns", "album": "River Songs"}

    def probe(container: str, **tags: str) -> str:
        return json.dumps({"container": container, "tags": tags})

    probes = {
        "tracked": ("audio", probe("mp3", title="B", track="2/9", **album)),
        "untracked": ("audio", probe("mp3", title="A", **album)),
        "single": ("audio", probe("mp3", title="Solo", artist="Ferns")),
        "film": ("video", probe("mov", title="Film", **album)),
        "odd": ("audio", json.dumps({"container": "mp3", "streams": "no list", "tags": album})),
    }
    insert_probed(db, probes)
    upgrade_to_head(db, tmp_path / "backups", tmp_path / "lib.db")
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, album_key, track_key FROM media_files")).all()
    assert {row.id: (row.album_key, row.track_key) for row in rows} == {
        "tracked": ("ferns — river songs", 1002),
        "untracked": ("ferns — river songs", None),
        "single": (None, None),
        "film": (None, None),
        "odd": (None, None),
    }


def insert_probed(db: Database, probes: dict[str, tuple[str, str]]) -> None:
    """Media files as an older revision left them: id -> (kind, probe document)."""
    with db.writer_engine.connect() as conn:
        for media_id, (kind, probe) in probes.items():
            conn.execute(
                text(
                    "INSERT INTO media_files (id, kind, status, original_key, original_filename,"
                    " size_bytes, mime, probe, created_at, updated_at) VALUES (:id, :kind,"
                    " 'ready', 'k', 'f', 1, 'audio/mpeg', :probe, '2026-01-01 00:00:00',"
                    " '2026-01-01 00:00:00')"
                ),
                {"id": media_id, "kind": kind, "probe": probe},
            )
        conn.commit()
