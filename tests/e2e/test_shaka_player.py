"""Shaka Player, a second real HLS client, lists and switches MediaDesk's tracks.

The web page uses hls.js; Shaka reads HLS its own way (its own playlist parser, MPEG-TS
transmuxer, WebVTT and image-playlist handling), so where the two disagree with the
stream the test shows it. Shaka is fetched for the tests only (scripts/vendor.json,
``"dest": "tests"``): the server has no route for it. Playwright answers two test-only
URLs on the server's own origin (a tiny page and the script), so the player loads the
real master playlist and everything it names same-origin, from the real server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mediadesk.server.host import ServerHost
from tests.e2e.test_players import chromium_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHAKA = Path(__file__).resolve().parent.parent / "vendor" / "shaka-player.compiled.js"
# Nothing on the server answers under this prefix: Playwright fulfils both requests.
PREFIX = "/__test-shaka__/"
PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Shaka</title></head>
<body><video id="video" width="320" height="180" muted></video>
<script src="{PREFIX}shaka-player.compiled.js"></script></body></html>
"""

# Load with every error Shaka reports recorded (its `error` event, and a rejected
# load), then start playback muted.
LOAD = """async (url) => {
  window.shakaErrors = [];
  const describe = (e) => `code ${e.code} category ${e.category} severity ${e.severity} `
    + JSON.stringify(e.data || []);
  shaka.polyfill.installAll();
  const video = document.getElementById('video');
  const player = new shaka.Player();
  window.player = player;
  player.addEventListener('error', (event) => window.shakaErrors.push(describe(event.detail)));
  await player.attach(video);
  try {
    await player.load(url);
  } catch (e) {
    window.shakaErrors.push('load: ' + describe(e));
    return;
  }
  await video.play();
}"""


def audio_tracks(page: Any) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            "() => window.player.getAudioTracks().map(t => ({language: t.language,"
            " label: t.label, roles: t.roles, channels: t.channelsCount, active: t.active}))"
        )
    )


def text_tracks(page: Any) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            "() => window.player.getTextTracks().map(t => ({id: t.id, language: t.language,"
            " label: t.label, forced: t.forced, kind: t.kind, active: t.active}))"
        )
    )


def select_text(page: Any, track_id: int) -> None:
    """Choose a text track and wait until Shaka reports it active."""
    page.evaluate(
        "(id) => window.player.selectTextTrack("
        "window.player.getTextTracks().find(t => t.id === id))",
        track_id,
    )
    page.wait_for_function(
        "(id) => window.player.getTextTracks().some(t => t.active && t.id === id)",
        arg=track_id,
        timeout=60_000,
    )


def rewind(page: Any) -> None:
    page.evaluate("() => { document.getElementById('video').currentTime = 0; }")


def cue_start(page: Any, text: str) -> float:
    """Where a cue with ``text`` starts once the player has put it on the video."""
    found = "(text) => Array.from(document.getElementById('video').textTracks).flatMap(t =>"
    found += " t.cues ? Array.from(t.cues) : []).find(c => c.text === text)"
    page.wait_for_function(f"(text) => !!({found})(text)", arg=text, timeout=60_000, polling=250)
    return float(page.evaluate(f"(text) => ({found})(text).startTime", text))


def errors_of(page: Any) -> list[str]:
    return list(page.evaluate("() => window.shakaErrors"))


def test_shaka_lists_and_switches_every_track(
    tracks_film: tuple[ServerHost, str], tmp_path: Path
) -> None:
    host, media_id = tracks_film
    assert SHAKA.is_file(), "Shaka Player is missing (make setup-test fetches it)"
    with chromium_page(tmp_path / "profile") as (page, page_errors):
        page.route(
            f"{host.url}{PREFIX}index.html",
            lambda route: route.fulfill(status=200, content_type="text/html", body=PAGE),
        )
        page.route(
            f"{host.url}{PREFIX}shaka-player.compiled.js",
            lambda route: route.fulfill(
                status=200, content_type="text/javascript", body=SHAKA.read_bytes()
            ),
        )
        page.goto(f"{host.url}{PREFIX}index.html", timeout=60_000)
        page.wait_for_function("() => window.shaka && shaka.Player.isBrowserSupported()")
        page.evaluate(LOAD, host.stream_url(media_id))
        assert errors_of(page) == []
        page.wait_for_function(
            "() => document.getElementById('video').currentTime > 0.5",
            timeout=90_000,
            polling=250,
        )

        # Every audio rendition: three languages, the commentary, and German in stereo
        # and 5.1 (its own group, reached through the variants that reference it).
        audio = audio_tracks(page)
        listed = sorted((t["language"], t["label"], t["channels"]) for t in audio)
        assert listed == [
            ("de", "Deutsch", 2),
            ("de", "Deutsch", 6),
            ("en", "English", 2),
            ("en", "English (Commentary)", 2),
            ("fr", "Français", 2),
        ], audio
        assert [t["language"] for t in audio if t["active"]] == ["en"], audio

        # Every subtitle track, the forced French one marked forced and in French.
        text = text_tracks(page)
        listed_text = sorted((t["language"], t["label"], t["forced"]) for t in text)
        assert listed_text == [
            ("en", "English", False),
            ("en", "English 2", False),
            ("fr", "Français", False),
            ("fr", "Français (forced)", True),
        ], text

        # The trickplay sheets, found through #EXT-X-IMAGE-STREAM-INF, and a picture
        # for a moment of the film (Shaka reads the sheet grid from EXT-X-TILES).
        images = page.evaluate(
            "() => window.player.getImageTracks().map(t => ({id: t.id, width: t.width,"
            " height: t.height, mimeType: t.mimeType}))"
        )
        assert len(images) == 1, images
        thumbnail = page.evaluate(
            "async (id) => { const t = await window.player.getThumbnails(id, 3);"
            " return t && {uris: t.uris, width: t.width, height: t.height,"
            " start: t.startTime, duration: t.duration}; }",
            images[0]["id"],
        )
        assert thumbnail and thumbnail["uris"] and thumbnail["width"] > 0, thumbnail
        assert thumbnail["start"] <= 3 < thumbnail["start"] + thumbnail["duration"], thumbnail

        # Switch the audio to French: the active track follows and playback goes on.
        page.evaluate(
            "() => window.player.selectAudioTrack("
            "window.player.getAudioTracks().find(t => t.language === 'fr'))"
        )
        page.wait_for_function(
            "() => window.player.getAudioTracks().find(t => t.active).language === 'fr'",
            timeout=60_000,
        )
        here = page.evaluate("() => document.getElementById('video').currentTime")
        page.wait_for_function(
            f"() => document.getElementById('video').currentTime > {here + 1}",
            timeout=90_000,
            polling=250,
        )

        # Then the surround rendition.
        page.evaluate(
            "() => window.player.selectAudioTrack("
            "window.player.getAudioTracks().find(t => t.channelsCount === 6))"
        )
        page.wait_for_function(
            "() => window.player.getAudioTracks().find(t => t.active).channelsCount === 6",
            timeout=60_000,
        )

        # English subtitles: the active text track follows, and its cue arrives on time:
        # half a second after the first picture, as in the source (the WebVTT segments'
        # X-TIMESTAMP-MAP ties them to the video's MPEG-TS clock).
        select_text(page, next(t["id"] for t in text if t["label"] == "English"))
        rewind(page)
        hello = cue_start(page, "Hello there")
        first_picture = page.evaluate("() => document.getElementById('video').buffered.start(0)")
        assert abs(hello - first_picture - 0.5) < 0.05, (hello, first_picture)
        page.wait_for_function(
            "() => document.getElementById('video').currentTime > 2.5",
            timeout=90_000,
            polling=250,
        )

        # The forced French track, chosen: its cue shows too.
        select_text(page, next(t["id"] for t in text if t["forced"]))
        rewind(page)
        cue_start(page, "Panneau : SORTIE")
        page.wait_for_function(
            "() => document.getElementById('video').currentTime > 1",
            timeout=90_000,
            polling=250,
        )
        assert errors_of(page) == []
        assert page_errors == []
