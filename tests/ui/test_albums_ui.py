"""Albums in the app: under Audio in the sidebar, each album with its songs in track
order; and in an upgraded library, once the songs an older version read have their
tags read again, the library shows their new names without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.domain.catalogue import CatalogueSort
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


def test_albums_are_listed_under_audio_with_their_songs_in_order(  # type: ignore[no-untyped-def]
    window, qtbot, media_dir: Path
) -> None:
    rt = window.shell.runtime

    def song(name: str, **tags: str) -> Path:
        return make_song(media_dir, name, cover=None, tags=tags)

    brown = {"artist": "Orbital", "album": "Brown"}
    songs = [
        song("b.mp3", title="Lush", track="2", **brown),
        song("a.mp3", title="Halcyon", track="1", **brown),
        song("c.mp3", title="La", artist="Air", album="Moon"),
        song("d.mp3", title="Single", artist="Air"),
    ]
    ids = [rt.ingest.import_path(song).media.id for song in songs]
    for media_id in ids:
        qtbot.waitUntil(
            lambda media_id=media_id: str(rt.library.get_media(media_id).status) == "READY",
            timeout=60_000,
        )
    lib = window.library
    audio = lib.sidebar.node_item(nodes.AUDIO.key)
    audio.setExpanded(True)

    def shown() -> list[tuple[str, str]]:
        return [(audio.child(i).text(0), audio.child(i).text(1)) for i in range(audio.childCount())]

    # Newest first, as the sort control says (Moon's song came last)...
    qtbot.waitUntil(lambda: shown() == [("Moon · Air", "1"), ("Brown · Orbital", "2")])
    sort = lib.filters.sort
    sort.setCurrentIndex(sort.findData(CatalogueSort.TITLE))  # ...and by name when it says so
    qtbot.waitUntil(lambda: shown() == [("Brown · Orbital", "2"), ("Moon · Air", "1")])
    lib.sidebar.setCurrentItem(audio.child(0))
    qtbot.waitUntil(lambda: lib.model.rowCount() == 2)
    titles = [lib.model.index(row, 0).data() for row in range(2)]
    assert titles == ["Orbital — Halcyon", "Orbital — Lush"]  # track order, not added order
    assert not lib.node.sortable  # an album keeps its own order whatever the sort control says

    # A song deleted: its album's count follows without reopening the sidebar.
    rt.library.delete_media(ids[2])
    qtbot.waitUntil(lambda: audio.childCount() == 1, timeout=10_000)
    assert audio.child(0).text(0) == "Brown · Orbital"
