"""Loose audio is called what its own tags call it, as in every music player: an MP3's
ID3 title and artist, an Ogg file's Vorbis comments. The grid, the web page and the CLI
read ``display_title``; sorting by title and searching use the same words. A song with
no title tag keeps its file name, and a video's container title never replaces it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.services.library import MediaFilter, MediaOrder
from tests.integration.test_cli import run
from tests.media import make_song
from tests.pipeline_support import import_and_wait

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_songs_are_shown_sorted_and_found_by_their_tags(  # type: ignore[no-untyped-def]
    runtime_factory, media_dir: Path
) -> None:
    tagged = make_song(
        media_dir, "track01.mp3", cover=None,
        tags={"title": "Blue Monday", "artist": "New Order", "album": "Power"},
    )  # fmt: skip
    vorbis = make_song(
        media_dir, "zz-01.ogg", cover=None, codec="libvorbis",
        tags={"TITLE": "Atlas", "ARTIST": "Battles"},
    )  # fmt: skip
    titled_only = make_song(media_dir, "b.mp3", cover=None, tags={"title": "Intro"})
    untagged = make_song(media_dir, "Middle Song.mp3", cover=None)
    rt = runtime_factory(pipeline_audio=["probe"])
    shown = {}
    for path in (tagged, vorbis, titled_only, untagged):
        media = import_and_wait(rt, path)
        assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
        assert media.kind == MediaKind.AUDIO
        shown[path.name] = media.display_title
    assert shown == {
        "track01.mp3": "New Order — Blue Monday",
        "zz-01.ogg": "Battles — Atlas",
        "b.mp3": "Intro",
        "Middle Song.mp3": "Middle Song.mp3",
    }

    by_title = rt.library.list_media(MediaFilter(order=MediaOrder.TITLE)).items
    assert [m.display_title for m in by_title] == [
        "Battles — Atlas",
        "Intro",
        "Middle Song.mp3",
        "New Order — Blue Monday",
    ]
    found = rt.library.list_media(MediaFilter(search="monday")).items
    assert [m.original_filename for m in found] == ["track01.mp3"]
    assert rt.library.list_media(MediaFilter(search="track01")).total == 1  # names still work


def test_the_cli_names_a_song_by_its_tags_its_file_and_its_album(
    home: Path, media_dir: Path
) -> None:
    song = make_song(
        media_dir, "track07.mp3", cover=None,
        tags={"title": "Teardrop", "artist": "Massive Attack", "album": "Mezzanine",
              "track": "3/11"},
    )  # fmt: skip
    home.mkdir(parents=True, exist_ok=True)
    (home / "mediadesk.toml").write_text('pipeline_audio = ["probe"]\n')
    out = run(home, "import", str(song), "--wait", "--json")
    assert out.returncode == 0, out.stderr
    media_id = json.loads(out.stdout)["media"]["id"]
    shown = run(home, "media", "show", media_id)
    assert shown.returncode == 0, shown.stderr
    first, second, third = shown.stdout.splitlines()[:3]
    assert first == f"{media_id}  Massive Attack — Teardrop  Ready"
    assert second == "  file: track07.mp3"
    assert third == "  Track 3 of Mezzanine"  # its place on its album
    shown_json = run(home, "media", "show", media_id, "--json")
    assert json.loads(shown_json.stdout)["song"]["place"] == "Track 3 of Mezzanine"
    albums = run(home, "library", "albums").stdout.splitlines()
    assert albums[0].split() == ["Album", "By", "Year", "Songs"]
    assert albums[-1].split() == ["Mezzanine", "Massive", "Attack", "1", "song"]
    songs = run(home, "library", "albums", "--songs").stdout.splitlines()
    assert songs[0] == "Mezzanine · Massive Attack  (1 song)"
    assert songs[1].split()[:2] == ["3.", "Teardrop"] and media_id.startswith(songs[1].split()[-1])
    listed = run(home, "library", "list").stdout
    assert "Massive Attack — Teardrop" in listed
