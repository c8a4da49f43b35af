"""An upgraded library in the app: once the songs an older version read have their tags
read again, the library shows their new names and album order without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.library.models import MediaFile
from tests.media import make_song
from ui.library import nodes

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]


def test_songs_read_again_are_renamed_in_place(window, qtbot, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    rt = window.shell.runtime
    tags = {"artist": "Orbital", "album": "Brown", "title": "Halcyon", "track": "1"}
    media_id = rt.ingest.import_path(make_song(media_dir, "01.mp3", cover=None, tags=tags)).media.id
    qtbot.waitUntil(lambda: str(rt.library.get_media(media_id).status) == "READY", timeout=60_000)
    with rt.db.write() as s:  # as a version that kept only the title left it
        row = s.get(MediaFile, media_id)
        row.probe = row.probe.model_copy(update={"tags": {"title": "Halcyon"}})
        row.tagged_title, row.album_key, row.track_key, row.tags_revision = (
            "Halcyon",
            None,
            None,
            None,
        )
    lib = window.library
    lib.sidebar.select(nodes.AUDIO.key)
    lib.model.refresh_all()

    def shown() -> str:
        row = lib.model.row_of(media_id)
        return "" if row is None else str(lib.model.index(row, 0).data())

    qtbot.waitUntil(lambda: shown() == "Halcyon", timeout=10_000)
    assert lib.select_media(media_id)
    qtbot.waitUntil(lambda: lib.detail.entry.text() == "Not in an album", timeout=10_000)

    assert rt.queue_old_tags() == 1
    qtbot.waitUntil(lambda: shown() == "Orbital — Halcyon", timeout=60_000)
    qtbot.waitUntil(lambda: lib.detail.entry.text() == "Track 1 of Brown", timeout=10_000)
