"""An album plays through in its own order, as in any music player: the title order
puts its songs under "artist — album" by disc and track (ID3 ``TRCK``, Vorbis
``TRACKNUMBER``/``DISCNUMBER``), an artist's singles beside its albums; the song after
one is the album's next track, past any that were deleted; another artist's album of
the same name is another album; each song says where it sits (in the CLI too:
test_song_titles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.services.library import MediaFilter, MediaOrder
from tests.media import make_song
from tests.pipeline_support import import_and_wait

pytestmark = [pytest.mark.slow, pytest.mark.integration]

FERNS = {"artist": "The Quiet Ferns", "album": "River Songs"}


def test_an_album_sorts_by_disc_and_track_and_plays_through(  # type: ignore[no-untyped-def]
    runtime_factory, media_dir: Path
) -> None:
    def song(name: str, title: str, codec: str = "libmp3lame", **tags: str) -> Path:
        return make_song(media_dir, name, cover=None, codec=codec, tags={"title": title, **tags})

    songs = [
        song("x.mp3", "Aardvark", **FERNS, track="2/3"),
        song("y.mp3", "Undertow", **FERNS, track="01/3"),
        song("a.ogg", "Bonus", codec="libvorbis", **FERNS, track="1", disc="2/2"),
        song("m.mp3", "Hidden", **FERNS, track="3/3"),
        song("b.mp3", "Slow Current", artist="The Quiet Ferns"),
        song("c.mp3", "Atlas", artist="Battles", album="River Songs", track="2"),
    ]
    rt = runtime_factory(pipeline_audio=["probe"])
    ids = {}
    for path in songs:
        media = import_and_wait(rt, path)
        assert media.song is not None, media.error_message
        ids[media.song.title] = media.id

    by_title = rt.library.list_media(MediaFilter(order=MediaOrder.TITLE)).items
    assert [m.display_title for m in by_title] == [
        "Battles — Atlas",
        "The Quiet Ferns — Undertow",
        "The Quiet Ferns — Aardvark",
        "The Quiet Ferns — Hidden",
        "The Quiet Ferns — Bonus",
        "The Quiet Ferns — Slow Current",
    ]
    places = {m.song.title: m.song.place for m in by_title if m.song is not None}
    assert places["Undertow"] == "Track 1 of River Songs"
    assert places["Bonus"] == "Disc 2, track 1 of River Songs"
    assert places["Slow Current"] is None

    playback = rt.playback

    def after(title: str) -> str | None:
        found = playback.up_next(ids[title])
        return found.song.title if found is not None and found.song is not None else None

    assert [after(t) for t in ("Undertow", "Aardvark", "Hidden", "Bonus")] == [
        "Aardvark",
        "Hidden",
        "Bonus",
        None,
    ]
    assert after("Slow Current") is None  # a single is not on an album
    assert after("Atlas") is None  # Battles' "River Songs" is another album
    assert playback.next_episode(ids["Undertow"]) is None  # a song is no episode

    rt.library.delete_media(ids["Aardvark"])
    assert after("Undertow") == "Hidden"
