"""A song and a silent film on the web page, in Chromium: the song's cover art is its
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
    ep = {"artist": "Aphex Twin", "album": "EP"}
    song = make_song(tmp_path, tags={"title": "Windowlicker", "track": "1/2", **ep})
    after = make_song(
        tmp_path, "Next.mp3", cover=None, tags={"title": "Nannou", "track": "2/2", **ep}
    )
    silent = make_clip(tmp_path / "media", Clip(audio=False, seed="web-silent"), "silent.mp4")
    with serving() as host:
        song_id = upload(host, song)["mediaFileId"]
        after_id = upload(host, after)["mediaFileId"]
        silent_id = upload(host, silent)["mediaFileId"]
        for media_id in (song_id, after_id, silent_id):
            assert wait_media(host, media_id)["status"] == "READY"
        up_next = httpx.get(f"{host.url}/api/v1/media/{song_id}/next", headers=auth(host))
        assert up_next.status_code == 200 and up_next.json()["id"] == after_id
        last = httpx.get(f"{host.url}/api/v1/media/{after_id}/next", headers=auth(host))
        assert last.status_code == 204
        albums = httpx.get(f"{host.url}/api/v1/library/albums", headers=auth(host)).json()
        assert [(a["label"], a["songs"]) for a in albums] == [("EP · Aphex Twin", 2)]
        # The page's sort control orders the other files too: by title, the album in
        # its track order; newest first, as they came.
        for sort, order in (("title", [song_id, after_id, silent_id]),
                            ("added", [silent_id, after_id, song_id])):  # fmt: skip
            shelves = httpx.get(
                f"{host.url}/api/v1/browse/home", params={"sort": sort}, headers=auth(host)
            ).json()
            assert [card["id"] for card in shelves["other"]] == order, sort
        with chromium_page(tmp_path / "profile") as (page, errors):
            page.goto(host.web_url(), timeout=60_000)
            page.wait_for_selector("section[data-shelf='other'] li.card", timeout=30_000)
            card = f"section[data-shelf='other'] li.card[data-id='{song_id}']"
            page.wait_for_function(IMAGE_SHOWN, arg=f"{card} img", timeout=30_000)
            assert page.locator(f"{card} .placeholder").count() == 0
            # Shown whole, as the app's tile shows it: a square cover is not cropped.
            fit = page.evaluate(
                "(sel) => getComputedStyle(document.querySelector(sel)).objectFit", f"{card} img"
            )
            assert fit == "contain"
            # The card as a music player shows a song: its title over its artist.
            assert page.inner_text(f"{card} .name") == "Windowlicker"
            assert "Aphex Twin" in page.inner_text(card)

            page.goto(f"{host.url}/#/media/{song_id}", timeout=60_000)
            page.wait_for_function(IMAGE_SHOWN, arg="#cover", timeout=30_000)
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
