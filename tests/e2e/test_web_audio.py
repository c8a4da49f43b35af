"""Songs and a silent film on the web page, in Chromium: an album is a shelf card (its
first song's cover) and a page of its songs in track order; a song's cover art is its
card and is shown above its player, which offers no picture or subtitle menus; at its
end the album's next track plays; the silent film's audio menu says it has no sound
instead of being empty."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.test_players import chromium_page
from tests.media import Clip, make_clip, make_song
from tests.serverkit import auth, serving, upload, wait_media

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

IMAGE_SHOWN = """(selector) => { const img = document.querySelector(selector);
    return img && !img.hidden && img.complete && img.naturalWidth > 0; }"""


def test_a_song_shows_its_cover_and_a_silent_film_says_it_has_no_sound(
    home: Path, tmp_path: Path
) -> None:
    ep = {"artist": "Aphex Twin", "album": "EP", "date": "1999"}
    song = make_song(tmp_path, tags={"title": "Windowlicker", "track": "1/2", **ep})
    after = make_song(
        tmp_path, "Next.mp3", cover=None, tags={"title": "Nannou", "track": "2/2", **ep}
    )
    silent = make_clip(tmp_path / "media", Clip(audio=False, seed="web-silent"), "silent.mp4")
    single = make_song(tmp_path, "Single.mp3", cover=None, tags={"title": "Zed"})  # no album
    with serving() as host:
        song_id = upload(host, song)["mediaFileId"]
        after_id = upload(host, after)["mediaFileId"]
        silent_id = upload(host, silent)["mediaFileId"]
        single_id = upload(host, single)["mediaFileId"]
        for media_id in (song_id, after_id, silent_id, single_id):
            assert wait_media(host, media_id)["status"] == "READY"
        up_next = httpx.get(f"{host.url}/api/v1/media/{song_id}/next", headers=auth(host))
        assert up_next.status_code == 200 and up_next.json()["id"] == after_id
        last = httpx.get(f"{host.url}/api/v1/media/{after_id}/next", headers=auth(host))
        assert last.status_code == 204
        albums = httpx.get(f"{host.url}/api/v1/library/albums", headers=auth(host)).json()
        assert [(a["label"], a["songs"]) for a in albums] == [("EP · Aphex Twin", 2)]
        # The album is a shelf of its own; the sort control orders the other files too:
        # by title, or newest first.
        for sort, order in (("title", [silent_id, single_id]), ("added", [single_id, silent_id])):
            shelves = httpx.get(
                f"{host.url}/api/v1/browse/home", params={"sort": sort}, headers=auth(host)
            ).json()
            assert [card["id"] for card in shelves["other"]] == order, sort
            assert [(c["title"], c["subtitle"]) for c in shelves["albums"]] == [
                ("EP", "Aphex Twin · 1999 · 2 songs")  # the year its songs' tags give
            ]
        with chromium_page(tmp_path / "profile") as (page, errors):
            page.goto(host.web_url(), timeout=60_000)
            # The album's card: its first song's cover, shown whole.
            album = "section[data-shelf='albums'] li.card"
            page.wait_for_function(IMAGE_SHOWN, arg=f"{album} img", timeout=30_000)
            assert page.inner_text(f"{album} .name") == "EP"
            album_fit = page.evaluate(
                "(sel) => getComputedStyle(document.querySelector(sel)).objectFit", f"{album} img"
            )
            assert album_fit == "contain"
            # Its page: the songs in track order, each with its cover or a placeholder.
            page.click(f"{album} a")
            page.wait_for_selector("section[data-shelf='songs'] li.card", timeout=30_000)
            names = page.locator("section[data-shelf='songs'] li.card .name").all_inner_texts()
            assert names == ["Windowlicker", "Nannou"]
            assert page.inner_text(".series-head h1") == "EP"
            card = f"section[data-shelf='songs'] li.card[data-id='{song_id}']"
            page.wait_for_function(IMAGE_SHOWN, arg=f"{card} img", timeout=30_000)
            # On its album's page a song says its number (the album goes without saying).
            assert page.inner_text(f"{card} .meta .muted") == "Track 1 · Aphex Twin"
            assert page.locator(f"{card} .placeholder").count() == 0
            # Shown whole, as the app's tile shows it: a square cover is not cropped.
            fit = page.evaluate(
                "(sel) => getComputedStyle(document.querySelector(sel)).objectFit", f"{card} img"
            )
            assert fit == "contain"
            # The card as a music player shows a song: its title over its artist.
            assert page.inner_text(f"{card} .name") == "Windowlicker"
            assert "Aphex Twin" in page.inner_text(card)

            page.click(f"{card} a")
            page.wait_for_function(IMAGE_SHOWN, arg="#cover", timeout=30_000)
            assert page.inner_text("#back-link") == "\u2190 EP"  # back to its album
            assert page.evaluate("() => document.querySelector('#cover').naturalWidth") == 400
            page.wait_for_function(
                "() => document.querySelector('#source').textContent === 'Stream'",
                timeout=60_000,
            )
            for menu in ("#quality", "#audio-track", "#subtitle-track", "#chapter-menu"):
                assert not page.is_visible(menu), menu
            assert "Video" not in page.locator("#details dt").all_inner_texts()
            # Called what its tags say, with its album, on the card and the page alike.
            assert page.inner_text("#media-title") == "Aphex Twin — Windowlicker"
            terms = page.locator("#details dt").all_inner_texts()
            place = page.locator("#details dd").all_inner_texts()[terms.index("Album")]
            assert place == "Track 1 of EP"
            # A song is played, not watched.
            page.wait_for_selector("#watched-toggle", timeout=30_000)
            assert page.inner_text("#watched-toggle") == "Mark as played"
            page.click("#watched-toggle")
            page.wait_for_function(
                "() => document.querySelector('#watched-toggle').textContent"
                " === 'Mark as unplayed'",
                timeout=30_000,
            )
            assert page.inner_text("#watched-note") == "Played"
            # At its end the album goes on to its next track and plays it.
            page.evaluate(
                "() => { const v = document.querySelector('#video');"
                " v.currentTime = Math.max(0, v.duration - 0.5); return v.play(); }"
            )
            page.wait_for_function(f"() => location.hash === '#/media/{after_id}'", timeout=30_000)
            page.wait_for_function(
                "() => { const v = document.querySelector('#video');"
                " return !v.paused && v.currentTime > 0.3; }",
                timeout=30_000,
            )
            assert page.inner_text("#media-title") == "Aphex Twin — Nannou"

            page.goto(f"{host.url}/#/media/{silent_id}", timeout=60_000)
            page.wait_for_function(
                "() => window.mediadesk.hls && window.mediadesk.hls.levels.length > 0",
                timeout=60_000,
            )
            page.wait_for_function(
                "() => document.querySelector('#audio-track').options.length > 0",
                timeout=30_000,
            )
            options = page.locator("#audio-track option").all_inner_texts()
            assert options == ["No sound"]
            assert page.is_visible("#quality") and page.is_hidden("#cover")
            assert errors == []
