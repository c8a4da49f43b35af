"""Real players play MediaDesk's HLS over HTTP: ffprobe, mpv, VLC, hls.js in Chromium.

One server, one video for the whole module. Generous timeouts, no timing asserts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from mediadesk.server.host import ServerHost
from tests.serverkit import auth, ready_video, serving_home

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerHost, str]]:
    with serving_home(tmp_path_factory.mktemp("e2e-home")) as host:
        media_id = ready_video(host, tmp_path_factory.mktemp("e2e-media"), grainy=True)
        yield host, media_id


@contextmanager
def chromium_page(profile: Path) -> Iterator[tuple[Any, list[str]]]:
    """A page of Debian's Chromium (headless, through playwright) and its script errors."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing (make setup-test installs it)"
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            yield page, errors
        finally:
            context.close()


def variants(host: ServerHost, media_id: str) -> list[str]:
    master = httpx.get(host.stream_url(media_id)).text
    return [line for line in master.splitlines() if line and not line.startswith("#")]


def test_ffprobe_lists_every_variant(served: tuple[ServerHost, str]) -> None:
    host, media_id = served
    names = variants(host, media_id)
    assert len(names) >= 2
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_programs",
         host.stream_url(media_id)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    programs = json.loads(out.stdout)["programs"]
    assert len(programs) == len(names)
    for program in programs:
        kinds = {s["codec_type"] for s in program["streams"]}
        assert "video" in kinds
        assert program["tags"]["variant_bitrate"]


@contextmanager
def mpv_player() -> Iterator[Any]:
    import mpv

    player = mpv.MPV(vo="null", ao="null", ytdl=False, input_default_bindings=False)
    try:
        yield player
    finally:
        player.terminate()


def test_mpv_plays_and_seeks(served: tuple[ServerHost, str]) -> None:
    host, media_id = served
    with mpv_player() as player:
        player.play(host.stream_url(media_id))
        player.wait_for_property("time-pos", lambda t: t is not None and t > 5.0, timeout=90)
        duration = player.duration
        assert duration and duration > 8
        middle = duration / 2
        player.seek(middle, reference="absolute", precision="exact")
        player.wait_for_property(
            "time-pos", lambda t: t is not None and abs(t - middle) < 2.0, timeout=60
        )
        assert player.video_params is not None  # a video stream was decoded


def test_vlc_plays_to_the_end(served: tuple[ServerHost, str], tmp_path: Path) -> None:
    host, media_id = served
    cvlc = shutil.which("cvlc")
    assert cvlc, "cvlc is missing (Debian vlc-bin; make setup-test installs it)"
    # VLC 3's adaptive logic switches variant a second into playback and, with dummy
    # outputs, logs "buffer deadlock prevented" from its decoder (python's http.server
    # serving the same files gets the same); pin the top variant so any error is ours.
    argv = [cvlc, "-vv", "--intf", "dummy", "--vout", "vdummy", "--aout", "adummy",
            "--adaptive-logic=highest", "--play-and-exit", "--no-media-library",
            host.stream_url(media_id)]  # fmt: skip
    if os.getuid() == 0:  # VLC refuses to run as root: drop to nobody
        tmp_path.chmod(0o777)
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)}
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    media_errors = [
        line
        for line in log.splitlines()
        if re.search(
            r"\b(input|demux|adaptive|access|stream|decoder|packetizer)\b.*\berror\b", line
        )
    ]
    assert media_errors == []
    assert "EOF reached" in log  # it played to the end of the stream


def test_hlsjs_in_chromium_lists_levels_plays_and_switches(
    served: tuple[ServerHost, str], tmp_path: Path
) -> None:
    host, media_id = served
    levels = len(variants(host, media_id))
    assert levels >= 2  # something to switch between
    with chromium_page(tmp_path / "profile") as (page, errors):
        # Opened as the desktop app opens it: the per-run token in the fragment,
        # which the page keeps in sessionStorage and removes from the address bar.
        page.goto(host.web_url(), timeout=60_000)
        page.wait_for_selector(f"li.card[data-id='{media_id}']", timeout=30_000)
        assert "token" not in page.url
        page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
        page.wait_for_selector("#quality[data-levels]", state="attached", timeout=60_000)
        assert page.eval_on_selector("#quality", "q => Number(q.dataset.levels)") == levels
        assert page.locator("#quality option").count() == levels + 1  # plus "Auto"
        page.evaluate("() => { const v = window.mediadesk.video; v.muted = true; v.play(); }")
        page.wait_for_function(
            "() => window.mediadesk.video.currentTime > 5", timeout=90_000, polling=250
        )
        current = page.evaluate("() => window.mediadesk.hls.currentLevel")
        target = 0 if current != 0 else levels - 1
        page.select_option("#quality", str(target))
        page.wait_for_function(
            f"() => document.querySelector('#source').dataset.level === '{target}'",
            timeout=60_000,
        )
        assert page.evaluate("() => window.mediadesk.hls.levels.length") == levels
        height = page.evaluate(f"() => window.mediadesk.hls.levels[{target}].height")
        assert f"Stream · {height}p" in page.inner_text("#source")  # as the app says it
        # Every step done, none with a problem: no empty Problem column.
        page.wait_for_selector("#jobs tbody tr", timeout=30_000)
        assert not page.is_visible("#jobs th.col-problem")
        details = page.inner_text("#details")
        assert "H.264 " in details and "AAC" in details and "h264" not in details
        icon = page.request.get(f"{host.url}/favicon.svg")
        assert icon.ok and icon.headers["content-type"] == "image/svg+xml"
        assert errors == []
        # The library page lists the media file too.
        page.goto(f"{host.url}/#/", timeout=60_000)
        page.wait_for_selector(f"li.card[data-id='{media_id}']", timeout=30_000)


def test_original_plays_over_http(served: tuple[ServerHost, str]) -> None:
    host, media_id = served
    with mpv_player() as player:
        player.play(host.original_url(media_id))
        player.wait_for_property("time-pos", lambda t: t is not None and t > 1.0, timeout=60)


def test_contract_points_at_the_manifest(served: tuple[ServerHost, str]) -> None:
    host, media_id = served
    status = httpx.get(f"{host.url}/media-files/{media_id}", headers=auth(host)).json()
    assert status == {
        "id": media_id,
        "status": "READY",
        "manifestUrl": f"/stream/hls/{media_id}/master.m3u8",
        "errorMessage": None,
    }
    playback = httpx.get(f"{host.url}/api/v1/media/{media_id}/playback", headers=auth(host)).json()
    assert playback["hlsUrl"] == status["manifestUrl"]
    media = httpx.get(f"{host.url}/api/v1/media/{media_id}", headers=auth(host)).json()
    assert "hls_master" in {a["kind"] for a in media["artifacts"]}
    assert playback["preferredUrl"] == status["manifestUrl"]
    assert playback["posterUrl"] and httpx.get(host.url + playback["posterUrl"]).status_code == 200
