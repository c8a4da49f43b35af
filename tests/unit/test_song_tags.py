"""A song's place on its album, read from its own tags: the track number in the forms
taggers write it, the album it shares with the rest of the album, the words for both."""

from __future__ import annotations

import pytest

from mediadesk.domain.mediainfo import MediaInfo, Song, tag_number


@pytest.mark.parametrize(
    ("raw", "number"),
    [("3", 3), ("03", 3), ("3/12", 3), (" 7 / 9 ", 7), ("12/", 12), ("0", None), ("A1", None),
     ("", None), (None, None), ("1234", None), ("3 of 12", None)],
)  # fmt: skip
def test_track_numbers_read_as_taggers_write_them(raw: str | None, number: int | None) -> None:
    assert tag_number(raw) == number


def test_a_song_knows_its_album_and_its_place_on_it() -> None:
    info = MediaInfo(
        container="mp3",
        tags={"title": "Undertow", "artist": "Ferns", "album": "River Songs", "track": "02/10"},
    )
    song = info.song
    assert song is not None
    assert (song.track, song.disc, song.place) == (2, None, "Track 2 of River Songs")
    assert song.album_key == "ferns — river songs"
    assert song.track_key == 1002
    second_disc = Song(title="Bonus", album="River Songs", track=1, disc=2)
    assert second_disc.place == "Disc 2, track 1 of River Songs"
    assert second_disc.track_key == 2001 > song.track_key
    assert (song.number, second_disc.number) == ("Track 2", "Disc 2, track 1")
    assert Song(title="Untracked", album="River Songs").place == "From the album River Songs"
    assert Song(title="Single", artist="Ferns").place is None
    assert Song(title="Single", artist="Ferns").album_key is None


def test_a_compilation_is_one_album_whoever_sings_each_song() -> None:
    """The album artist, when tagged, holds a compilation together; each song keeps its
    own artist in its name."""
    tags = {"album": "Now 42", "album_artist": "Various Artists"}
    first = Song(title="A", artist="Blur", **tags)
    second = Song(title="B", artist="Pulp", **tags)
    assert first.album_key == second.album_key == "various artists — now 42"
    assert (first.label, second.label) == ("Blur — A", "Pulp — B")
    assert Song(title="C", artist="Blur", album="Now 42").album_key != first.album_key


def test_the_place_is_in_the_api_document() -> None:
    song = Song(title="Undertow", album="River Songs", track=2)
    assert song.model_dump(mode="json")["place"] == "Track 2 of River Songs"
