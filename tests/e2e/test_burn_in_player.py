"""The web page's hls.js player offers a burned-in picture subtitle among the subtitles
and switches the source to its master at the same position, and back on Off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mediadesk.server.host import ServerHost
from tests.e2e.test_players import chromium_page
from tests.serverkit import import_ready, serving_home
from tests.tracks_media import picture_subtitles_mkv

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BURNED = "Deutsch (forced, burned in)"


@pytest.fixture(scope="module")
def dvd_rip(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerHost, str]]:
    source = picture_subtitles_mkv(tmp_path_factory.mktemp("burn-media"), duration=8.0)
    with serving_home(tmp_path_factory.mktemp("burn-home")) as host:
        yield host, import_ready(host, source)


def test_hlsjs_switches_to_the_burned_master_and_back(
    dvd_rip: tuple[ServerHost, str], tmp_path: Path
) -> None:
    host, media_id = dvd_rip
    with chromium_page(tmp_path / "profile") as (page, errors):
        page.goto(host.web_url(), timeout=60_000)
        page.wait_for_selector(f"li.card[data-id='{media_id}']", timeout=30_000)
        page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
        page.wait_for_function(
            "() => window.mediadesk.hls && window.mediadesk.hls.levels.length > 0",
            timeout=60_000,
            polling=250,
        )
        options = page.eval_on_selector_all(
            "#subtitle-track option", "os => os.map(o => [o.value, o.textContent])"
        )
        # No text tracks: Off and the burned-in German track.
        assert options == [["-1", "Off"], ["b0", BURNED]]
        assert "master.m3u8" in page.evaluate("() => window.mediadesk.hls.url")
        page.evaluate("() => { const v = window.mediadesk.video; v.muted = true; v.play(); }")
        page.wait_for_function(
            "() => window.mediadesk.video.currentTime > 1.5", timeout=90_000, polling=100
        )
        page.evaluate("() => window.mediadesk.video.pause()")
        before = page.evaluate("() => window.mediadesk.video.currentTime")

        page.select_option("#subtitle-track", "b0")
        page.wait_for_function(
            "() => window.mediadesk.hls && window.mediadesk.hls.url.includes('master.burned_1')"
            " && window.mediadesk.hls.levels.length === 1"
            " && window.mediadesk.video.readyState >= 2",
            timeout=60_000,
            polling=250,
        )
        # The same place in the film, on the one burned picture.
        at = page.evaluate("() => window.mediadesk.video.currentTime")
        assert abs(at - before) < 0.5, (before, at)
        assert page.eval_on_selector("#subtitle-track", "s => s.value") == "b0"
        assert page.eval_on_selector("#source", "s => s.dataset.master") == "burned"

        # Remembered: the page opens again on the burned master.
        page.goto(f"{host.url}/#/", timeout=60_000)
        page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
        page.wait_for_function(
            "() => window.mediadesk.hls && window.mediadesk.hls.url.includes('master.burned_1')",
            timeout=60_000,
            polling=250,
        )

        # Off: back to the main master (every rung), at the same place.
        page.wait_for_function(
            "() => window.mediadesk.video.readyState >= 1", timeout=60_000, polling=250
        )
        page.evaluate("() => { window.mediadesk.video.currentTime = 2.0; }")
        page.wait_for_function(
            "() => Math.abs(window.mediadesk.video.currentTime - 2.0) < 0.1",
            timeout=30_000,
            polling=100,
        )
        page.select_option("#subtitle-track", "-1")
        page.wait_for_function(
            "() => window.mediadesk.hls && window.mediadesk.hls.url.endsWith('master.m3u8')"
            " && window.mediadesk.video.readyState >= 2",
            timeout=60_000,
            polling=250,
        )
        at = page.evaluate("() => window.mediadesk.video.currentTime")
        assert abs(at - 2.0) < 0.5, at
        assert page.eval_on_selector("#subtitle-track", "s => s.value") == "-1"
        assert errors == []
