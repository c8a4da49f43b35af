"""Going back to the library while a video's page is still loading, in Chromium: the
library shows, never the half-loaded page's failure over it (it did: "Cannot read
properties of null"), and no player is left running for a page that is gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.test_players import chromium_page
from tests.media import Clip, make_clip
from tests.serverkit import serving, upload, wait_media

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROUNDS = 12


def test_leaving_a_loading_page_shows_the_next_one(home: Path, tmp_path: Path) -> None:
    film = tmp_path / "Night.Train.2021.mp4"
    shutil.copyfile(make_clip(tmp_path / "media", Clip(duration=2.0, seed="web-nav")), film)
    with serving() as host:
        media_id = upload(host, film)["mediaFileId"]
        assert wait_media(host, media_id)["status"] == "READY"
        with chromium_page(tmp_path / "profile") as (page, errors):
            page.goto(host.web_url(), timeout=60_000)
            page.wait_for_selector("section[data-shelf='movies'] li.card", timeout=30_000)
            for _ in range(ROUNDS):
                page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
                page.wait_for_selector("#details dd", timeout=30_000)
                page.goto(f"{host.url}/#/", timeout=60_000)  # at once, while it loads
                page.wait_for_selector("section[data-shelf='movies'] li.card", timeout=30_000)
                assert page.locator("#view > p.muted").count() == 0  # no failure shown
            # The last page left no player behind: nothing holds a stream now.
            assert page.evaluate("() => window.mediadesk.hls") is None
            assert errors == []
