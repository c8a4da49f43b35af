"""The albums shelf: an album's cover and its "play the album" start at its first song
as its own order has it (the lowest disc and track; for an album without track numbers
the first song by name, never whichever row the database happens to hold first), and
the albums sort as movies and series do: by name, by year (newest first), by date added
(newest first)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from mediadesk.base_types import utcnow
from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.domain.enums import MediaKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.library.models import MediaFile
from mediadesk.services.library import MediaFilter, MediaOrder
from tests.seed import seed_media

pytestmark = pytest.mark.integration


def as_songs(  # type: ignore[no-untyped-def]
    runtime, ids: list[str], album: str, titles: list[str], tracks: list[str | None], **tags: str
) -> None:
    """Make seeded rows the songs of an album, as a probe reading their tags does."""
    with runtime.db.write() as s:
        for media_id, title, track in zip(ids, titles, tracks, strict=True):
            row = s.get_one(MediaFile, media_id)
            row.kind = MediaKind.AUDIO
            said = {"title": title, "album": album, **tags} | ({"track": track} if track else {})
            row.apply_probe(MediaInfo(container="mp3", tags=said))


def test_the_first_song_of_an_album_is_its_first_in_album_order(runtime) -> None:  # type: ignore[no-untyped-def]
    ids = seed_media(runtime, 6, prefix="album")
    # Ids that sort against the names, so "the lowest id" would pick the wrong song.
    by_id = sorted(ids)
    unnumbered, numbered = by_id[:3], by_id[3:]
    as_songs(runtime, unnumbered, "Field", ["Wind", "Snow", "Rain"], [None] * 3, artist="Moss")
    as_songs(runtime, numbered, "River", ["B", "A", "C"], ["3", "2", "1"], artist="Ferns")

    albums = runtime.library.albums()
    assert [(a.title, a.artist, a.songs) for a in albums] == [
        ("Field", "Moss", 3),
        ("River", "Ferns", 3),
    ]
    for album in albums:
        in_order = runtime.library.list_media(MediaFilter(album=album.key, order=MediaOrder.TITLE))
        assert album.first_song_id == in_order.items[0].id
    assert albums[0].first_song_id == unnumbered[2]  # Rain: first by name
    assert albums[1].first_song_id == numbered[2]  # track 1


def test_albums_sort_by_name_year_and_date_added(runtime) -> None:  # type: ignore[no-untyped-def]
    a, b, c, d = seed_media(runtime, 4, prefix="shelf")
    as_songs(runtime, [a], "The Zebra Years", ["One"], ["1"], artist="Kite", date="2019-05-01")
    as_songs(runtime, [b], "Apples", ["Two"], ["1"], artist="Kite", year="2021")
    as_songs(runtime, [c], "Moon", ["Three"], ["1"], artist="Owl")  # no year
    as_songs(runtime, [d], "Moon", ["Four"], ["1"], artist="Bat", date="nonsense")
    with runtime.db.write() as s:  # added: Owl's Moon last, then The Zebra Years
        for media_id, days in ((c, 0), (a, 1), (b, 2), (d, 3)):
            s.execute(
                update(MediaFile)
                .where(MediaFile.id == media_id)
                .values(created_at=utcnow() - timedelta(days=days))
            )

    def shelf(sort: CatalogueSort) -> list[str]:
        return [a.label for a in runtime.library.albums(sort)]

    # "The" is not where "The Zebra Years" sorts; the same name sorts by who made it.
    assert shelf(CatalogueSort.TITLE) == [
        "Apples · Kite",
        "Moon · Bat",
        "Moon · Owl",
        "The Zebra Years · Kite",
    ]
    assert shelf(CatalogueSort.YEAR) == [
        "Apples · Kite",
        "The Zebra Years · Kite",
        "Moon · Bat",
        "Moon · Owl",
    ]
    assert shelf(CatalogueSort.ADDED) == [
        "Moon · Owl",
        "The Zebra Years · Kite",
        "Apples · Kite",
        "Moon · Bat",
    ]
    years = {x.label: x.year for x in runtime.library.albums()}
    assert years == {
        "Apples · Kite": 2021,
        "Moon · Bat": None,
        "Moon · Owl": None,
        "The Zebra Years · Kite": 2019,
    }
