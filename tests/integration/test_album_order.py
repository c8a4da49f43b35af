"""An album plays through in its own order, as in any music player: the title order
puts its songs under "artist — album" by disc and track (ID3 ``TRCK``, Vorbis
``TRACKNUMBER``/``DISCNUMBER``), an artist's singles beside its albums; the song after
one is the album's next track, past any that were deleted; another artist's album of
the same name is another album; each song says where it sits (in the CLI too:
test_song_titles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import JobStatus
from mediadesk.domain.mediainfo import READ_TAGS
from mediadesk.library.models import MediaFile
from mediadesk.services.library import MediaFilter, MediaOrder
from tests.media import make_song
from tests.pipeline_support import WAIT_S, import_and_wait

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

    albums = [(a.label, a.songs) for a in rt.library.albums()]
    assert albums == [("River Songs · Battles", 1), ("River Songs · The Quiet Ferns", 4)]
    ferns = rt.library.albums()[1]
    on_it = rt.library.list_media(MediaFilter(album=ferns.key, order=MediaOrder.TITLE)).items
    assert [m.song.track for m in on_it if m.song] == [1, 2, 3, 1]  # disc 2 last

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


def test_songs_an_older_version_read_learn_their_album_at_start(  # type: ignore[no-untyped-def]
    runtime_factory, media_dir: Path
) -> None:
    """An upgraded library: the host reads again the songs whose tags an older probe
    read (one job for a batch of them, named in people's words), once."""
    tags = {**FERNS, "title": "Undertow", "track": "2/3"}
    rt = runtime_factory(pipeline_audio=["probe"])
    song = import_and_wait(rt, make_song(media_dir, "x.mp3", cover=None, tags=tags))
    gone = import_and_wait(
        rt, make_song(media_dir, "y.mp3", cover=None, tags=tags | {"title": "B"})
    )
    assert rt.queue_old_tags() == 0  # read by this version: nothing to do
    with rt.db.write() as s:  # as a version that kept only the title left them
        for media_id in (song.id, gone.id):
            row = s.get(MediaFile, media_id)
            row.probe = row.probe.model_copy(update={"tags": {"title": "Undertow"}})
            row.tagged_title, row.album_key, row.track_key = "Undertow", None, None
            row.tags_revision = None
    rt.library.delete_media(gone.id)
    old = rt.library.get_media(song.id)
    assert (old.display_title, old.song.place) == ("Undertow", None)

    assert rt.queue_old_tags() == 1  # the deleted one is left alone
    assert rt.queue_old_tags() == 0  # waiting already: not queued twice
    (job,) = rt.jobs.list_jobs(job_type=READ_TAGS).items
    assert rt.subjects.of([job]) == {job.id: "1 song"}
    assert words.job_type(job.type) == "Reading song tags again"
    (done,) = rt.jobs.wait([job.id], timeout=WAIT_S)
    assert done.status == JobStatus.COMPLETED, done.error_message
    assert done.result == {"files": 1, "read": 1, "skipped": 0, "covers": 0}
    now = rt.library.get_media(song.id)
    assert now.display_title == "The Quiet Ferns — Undertow"
    assert now.song is not None and now.song.place == "Track 2 of River Songs"
    assert rt.queue_old_tags() == 0
