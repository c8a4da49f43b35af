"""A song and a silent film on the web page, in Chromium: the song's cover art is its
card and is shown above its player, which offers no picture or subtitle menus; the
silent film's audio menu says it has no sound instead of being empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_players import chromium_page
from tests.media import Clip, make_clip, make_song
from tests.serverkit import serving, upload, wait_media

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

IMAGE_SHOWN = """(selector) => { const img = document.querySelector(selector);
    return img && !img.hidden && img.complete && img.naturalWidth > 0; }"""


def test_a_song_shows_its_cover_and_a_silent_film_says_it_has_no_sound(
    home: Path, tmp_path: Path
) -> None:
    song = make_song(
        tmp_path, tags={"title": "Windowlicker", "artist": "Aphex Twin", "album": "EP"}
    )
    silent = make_clip(tmp_path / "media", Clip(audio=False, seed="web-silent"), "silent.mp4")
    with serving() as host:
        song_id = upload(host, song)["mediaFileId"]
        silent_id = upload(host, silent)["mediaFileId"]
        assert wait_media(host, song_id)["status"] == "READY"
        assert wait_media(host, silent_id)["status"] == "READY"
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
            assert page.locator("#details dd").all_inner_texts()[terms.index("Album")] == "EP"
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
