"""Deletion tombstones on a real library file: the reaper prunes those older than a day
(never the newest), and a server that slept through a prune forgets what it knew."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from mediadesk.base_types import utcnow
from mediadesk.jobs.reaper import Reaper
from mediadesk.library.models import MediaDeletion
from mediadesk.runtime import Runtime
from mediadesk.server.visibility import LiveMedia
from mediadesk.services.deletions import DeletionFeed
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.media import Clip, make_clip

pytestmark = pytest.mark.integration


def test_old_tombstones_are_pruned_and_a_sleeping_reader_forgets(
    home: Path, media_dir: Path
) -> None:
    rt = Runtime(load_settings({**FAST, "pipeline_video": ["probe"]})).open()
    try:
        ids = {
            name: rt.ingest.import_path(make_clip(media_dir, Clip(seed=f"tomb-{name}"))).media.id
            for name in ("a", "b", "c")
        }
        feed = DeletionFeed(rt.db)
        live = LiveMedia(feed)  # polled by hand: a server that then sleeps
        live.poll()
        assert live.lookup(ids["c"]) is not None and live.status(ids["c"]) is True

        for name in ("a", "c", "b"):
            rt.library.delete_media(ids[name], purge=True)
        with rt.db.write() as s:
            s.execute(update(MediaDeletion).values(deleted_at=utcnow() - timedelta(days=2)))
        reaper = Reaper(rt.settings, rt.db, rt.store, rt.transport, rt.storage, None)
        assert reaper.prune_tombstones() == 2
        with rt.db.read() as s:
            kept = list(s.scalars(select(MediaDeletion.media_file_id)))
        assert kept == [ids["b"]]  # the newest stays: the next seq follows it
        assert reaper.prune_tombstones() == 0

        # Awake again: c's tombstone is gone, but the reader knows it is behind and
        # asks the database about everything it remembered.
        live.poll()
        assert live.status(ids["b"]) is False
        assert live.status(ids["c"]) is None
        assert live.lookup(ids["c"]) is None
        # Caught up: the next poll is not behind, and a new delete still arrives.
        media = rt.ingest.import_path(make_clip(media_dir, Clip(seed="tomb-d"))).media.id
        assert live.lookup(media) is not None
        rt.library.delete_media(media, purge=True)
        live.poll()
        assert live.status(media) is False
        assert not feed.since(feed.cursor()).behind
    finally:
        rt.stop(grace=1)
