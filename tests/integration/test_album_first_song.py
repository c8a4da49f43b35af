"""An album's cover and its "play the album" start at its first song, as its own
order has it: the lowest disc and track, and for an album without track numbers the
first song by name, never whichever row the database happens to hold first."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from mediadesk.library.models import MediaFile
from mediadesk.services.library import MediaFilter, MediaOrder
from tests.seed import seed_media

pytestmark = pytest.mark.integration


def as_songs(runtime, ids: list[str], album: str, names: list[str], tracks: list[int | None]):  # type: ignore[no-untyped-def]
    with runtime.db.write() as s:
        for media_id, name, track in zip(ids, names, tracks, strict=True):
            s.execute(
                update(MediaFile)
                .where(MediaFile.id == media_id)
                .values(kind="audio", album_key=album, track_key=track, tagged_title=name)
            )


def test_the_first_song_of_an_album_is_its_first_in_album_order(runtime) -> None:  # type: ignore[no-untyped-def]
    ids = seed_media(runtime, 6, prefix="album")
    # Ids that sort against the names, so "the lowest id" would pick the wrong song.
    by_id = sorted(ids)
    unnumbered, numbered = by_id[:3], by_id[3:]
    as_songs(
        runtime,
        unnumbered,
        "moss\x1ffield",
        ["Moss — Wind", "Moss — Snow", "Moss — Rain"],
        [None] * 3,
    )
    as_songs(runtime, numbered, "ferns\x1friver", ["B", "A", "C"], [2_000, 1_002, 1_001])

    albums = {a.key: a.first_song_id for a in runtime.library.albums()}
    for key in ("moss\x1ffield", "ferns\x1friver"):
        in_order = runtime.library.list_media(MediaFilter(album=key, order=MediaOrder.TITLE))
        assert albums[key] == in_order.items[0].id
    assert albums["moss\x1ffield"] == unnumbered[2]  # Rain: first by name
    assert albums["ferns\x1friver"] == numbered[2]  # disc 1, track 1
