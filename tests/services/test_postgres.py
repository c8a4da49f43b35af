"""The library on a real PostgreSQL: migrations, and job claims under concurrency."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.domain.enums import JobStatus, MediaKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.events import EventBus
from mediadesk.handlers import default_registry
from mediadesk.handlers.inputs import PresetInput
from mediadesk.handlers.noop import NoopInput
from mediadesk.jobs.models import Job, JobAttempt
from mediadesk.jobs.schema import metadata
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.store import JobStore
from mediadesk.library.db import Database
from mediadesk.library.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_head,
)
from mediadesk.library.models import MediaFile
from mediadesk.runtime import Runtime
from mediadesk.services.library import MediaFilter, MediaOrder
from mediadesk.settings import load_settings
from tests.seed import seed_media


def test_migrations_run_and_agree_with_models(pg_url: str, tmp_path: Path) -> None:
    db = Database(pg_url)
    report = upgrade_to_head(db, tmp_path / "backups", None)
    assert report.before is None and report.after == head_revision(pg_url)
    assert report.backup is None  # only SQLite files are copied; PostgreSQL has pg_dump
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == [], f"models and migrations disagree on PostgreSQL: {diff}"
    db.dispose()


def test_round_trip_down_and_up(pg_url: str, tmp_path: Path) -> None:
    db = Database(pg_url)
    upgrade_to_head(db, tmp_path, None)
    cfg = alembic_config(pg_url)
    with db.writer_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        conn.commit()
    assert current_revision(db) is None
    assert upgrade_to_head(db, tmp_path, None).after == head_revision(pg_url)
    db.dispose()


def test_workers_starting_together_migrate_once(pg_url: str, tmp_path: Path) -> None:
    """Eight processes' worth of start-ups race; the advisory lock serialises them."""
    barrier = threading.Barrier(8)

    def start() -> str | None:
        db = Database(pg_url)
        barrier.wait()
        try:
            return upgrade_to_head(db, tmp_path, None).after
        finally:
            db.dispose()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: start(), range(8)))
    assert set(results) == {head_revision(pg_url)}


def test_claims_are_exclusive_under_concurrency(pg_url: str, home: Path) -> None:
    """Eight claimers race for the same 200 jobs: every job is claimed exactly once."""
    settings = load_settings({"database_url": pg_url, "queue_url": "sqlite:///unused"})
    db = Database(pg_url)
    upgrade_to_head(db, home, None)
    store = JobStore(db, default_registry(), settings, EventBus(), lambda wakeups: None)
    ids = store.enqueue(JobSpec("noop", NoopInput(tag=str(i))) for i in range(200))
    barrier = threading.Barrier(8)

    def claimer(n: int) -> list[str]:
        barrier.wait()
        won = []
        # Every claimer walks the ids in a different order, so they collide constantly.
        order = ids[n::8] + [i for k, i in enumerate(ids) if k % 8 != n]
        for job_id in order:
            if store.claim(job_id, f"test:{n}") is not None:
                won.append(job_id)
        return won

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(claimer, range(8)))
    wins = Counter(job_id for won in results for job_id in won)
    assert sorted(wins) == sorted(ids)
    assert set(wins.values()) == {1}, "a job was claimed twice"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(JobAttempt)) == 200
        statuses = set(s.scalars(select(Job.status)))
        per_job = s.execute(
            select(JobAttempt.job_id, func.count()).group_by(JobAttempt.job_id)
        ).all()
    assert statuses == {JobStatus.PROCESSING}
    assert {n for _, n in per_job} == {1}
    db.dispose()


def test_master_writers_of_one_media_file_never_run_together(pg_url: str, home: Path) -> None:
    """Claimers race for a ladder and a seek-thumbnails job of each of 25 media files:
    both rewrite the file's master, so for each file exactly one is claimed (the media
    row's lock orders the claims; without it both could see the other still PENDING)."""
    # The runtime opens its queue: an embedded one in the test's home, not the checkout.
    settings = load_settings({"database_url": pg_url, "queue_url": f"sqlite:///{home}/queue.db"})
    rt = Runtime(settings).open()
    try:
        media_ids = seed_media(rt, 25, prefix="writers")
        store = rt.store
        ids = store.enqueue(
            JobSpec(kind, PresetInput(media_file_id=m), media_file_id=m)
            for m in media_ids
            for kind in ("hls", "trickplay")
        )
        barrier = threading.Barrier(8)

        def claimer(n: int) -> list[str]:
            barrier.wait()
            order = ids[n::8] + [i for k, i in enumerate(ids) if k % 8 != n]
            return [job_id for job_id in order if store.claim(job_id, f"test:{n}") is not None]

        with ThreadPoolExecutor(8) as pool:
            won = [job_id for result in pool.map(claimer, range(8)) for job_id in result]
        per_media = Counter(rt.jobs.get(job_id).media_file_id for job_id in won)
        assert sorted(per_media) == sorted(media_ids)
        assert set(per_media.values()) == {1}, "two master writers of one file ran together"
    finally:
        rt.stop(grace=1)


def test_albums_and_their_order_on_postgresql(pg_url: str, home: Path) -> None:
    """The albums list reads tags inside the probe JSON and plans on a partial index:
    the same albums, covers and track order on PostgreSQL as on SQLite."""
    settings = load_settings({"database_url": pg_url, "queue_url": f"sqlite:///{home}/queue.db"})
    rt = Runtime(settings).open()
    try:
        ids = seed_media(rt, 3, prefix="album")
        songs = [("B", "2"), ("A", "1"), ("Loose", None)]
        with rt.db.write() as s:
            for media_id, (title, track) in zip(ids, songs, strict=True):
                row = s.get_one(MediaFile, media_id)
                row.kind = MediaKind.AUDIO
                tags = {"title": title, "artist": "Orbital"}
                if track is not None:
                    tags |= {"album": "Brown", "track": track, "date": "1993-05-01"}
                row.apply_probe(MediaInfo(container="mp3", tags=tags))
        (album,) = rt.library.albums(CatalogueSort.ADDED)
        assert (album.label, album.songs, album.first_song_id) == ("Brown · Orbital", 2, ids[1])
        assert album.year == 1993 and album.added_at.tzinfo is not None
        on_it = rt.library.list_media(MediaFilter(album=album.key, order=MediaOrder.TITLE))
        assert [m.song.title for m in on_it.items if m.song] == ["A", "B"]
        after = rt.playback.up_next(ids[1])
        assert after is not None and after.id == ids[0]
        assert rt.queue_old_tags() == 0  # read by this version's probe
    finally:
        rt.stop(grace=1)
