"""The web page as a library, in Chromium: the token prompt (missing and wrong told
apart), shelves with pictures and placeholders (never a broken image), series ->
season -> episodes in order, resume offered after a reload, the next episode offered
at the end of one."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_players import chromium_page
from tests.media import Clip, make_clip, make_image
from tests.serverkit import auth, serving, upload, wait_media

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NO_BROKEN_IMAGES = """() => [...document.querySelectorAll('img')].every(
    (img) => img.complete && img.naturalWidth > 0)"""


def files(tmp: Path) -> list[Path]:
    media = tmp / "media"
    out = []
    for name, clip in (
        ("Garden.Show.S01E02.Seeds.mp4", Clip(duration=6.0, seed="web-e2")),
        ("Garden.Show.S01E01.Pilot.mp4", Clip(duration=6.0, seed="web-e1")),
        ("Night.Train.2021.mp4", Clip(duration=2.0, seed="web-m")),
        ("podcast-12.m4a", Clip(duration=2.0, video=False, container="m4a", seed="web-a")),
    ):
        target = tmp / name
        shutil.copyfile(make_clip(media, clip), target)
        out.append(target)
    image = make_image(media, "640x360", source="gradients")
    out.append(image.rename(tmp / "Poster artwork.jpg"))
    return out


def test_web_library_shelves_series_order_resume_and_token_messages(
    home: Path, tmp_path: Path
) -> None:
    with serving(headless=True) as host:
        ids = [upload(host, path)["mediaFileId"] for path in files(tmp_path)]
        for media_id in ids:
            wait_media(host, media_id)
        with chromium_page(tmp_path / "profile") as (page, errors):
            page.goto(host.url + "/#/", timeout=60_000)
            # No token: the prompt says it is needed and where it is.
            page.wait_for_selector("#token-form:not([hidden])", timeout=30_000)
            missing = page.inner_text("#token-form")
            assert "needs its access token" in missing and "mediadesk.toml" in missing
            assert "mediadesk serve" in missing
            page.fill("#token-input", "not-the-token")
            page.click("#token-form button")
            page.wait_for_function(
                "() => document.querySelector('#token-form').dataset.reason === 'wrong'"
            )
            wrong = page.inner_text("#token-message")
            assert "not accepted" in wrong and wrong != missing
            page.fill("#token-input", str(host.token))
            page.click("#token-form button")

            # Shelves: movies, series, other media, with pictures or placeholders.
            page.wait_for_selector("section[data-shelf='series'] li.card", timeout=30_000)
            assert page.inner_text("section[data-shelf='movies'] li.card .name") == "Night Train"
            # The header in the status bar's words (not "ok"), the version as its tooltip.
            page.wait_for_function(
                "() => document.querySelector('#server-status').textContent !== ''"
            )
            assert page.inner_text("#server-status") == "Workers: running"
            assert (page.get_attribute("#server-status", "title") or "").startswith("MediaDesk ")
            other = page.inner_text("section[data-shelf='other']")
            assert "podcast-12.m4a" in other and "Poster artwork.jpg" in other
            page.wait_for_function(NO_BROKEN_IMAGES, timeout=30_000)
            assert page.locator("section[data-shelf='other'] .placeholder.audio").count() == 1
            assert page.locator("section[data-shelf='other'] img").count() >= 1  # the image

            # Series -> season -> episodes, by number (E02 was added first).
            page.click("section[data-shelf='series'] li.card a")
            page.wait_for_selector("section[data-shelf='season-1'] li.card", timeout=30_000)
            titles = page.locator("section[data-shelf='season-1'] li.card .name").all_inner_texts()
            assert titles == ["Pilot", "Seeds"]
            series_page = page.url
            page.wait_for_function(NO_BROKEN_IMAGES, timeout=30_000)

            # Play the pilot part-way, pause: a reload offers to resume.
            page.click("section[data-shelf='season-1'] li.card:first-child a")
            page.wait_for_selector("#media-title", timeout=30_000)
            page.wait_for_function(
                "() => document.querySelector('#media-title').textContent.includes('Pilot')"
            )
            page.wait_for_function(
                "() => window.mediadesk.video && window.mediadesk.video.readyState >= 1",
                timeout=60_000,
            )
            page.evaluate(
                "() => { const v = window.mediadesk.video; v.muted = true;"
                " v.currentTime = 2.5; v.pause(); }"
            )
            page.wait_for_function(
                f"""async () => {{
                    const r = await fetch('/api/v1/media-files/{ids[1]}/playback-state',
                        {{ headers: {{ Authorization: 'Bearer {host.token}' }} }});
                    return (await r.json()).position_s > 2;
                }}""",
                timeout=30_000,
            )
            page.reload()
            page.wait_for_selector("#resume-button", timeout=30_000)
            assert page.inner_text("#resume-button").startswith("Resume from 0:0")
            assert page.is_visible("#start-over-button")
            # Marked watched by hand, and back: the server keeps what the page says.
            state_url = f"{host.url}/api/v1/media-files/{ids[1]}/playback-state"
            page.click("#watched-toggle")
            page.wait_for_selector("#watched-note", timeout=30_000)
            assert page.inner_text("#watched-toggle") == "Mark as unwatched"
            assert httpx.get(state_url, headers=auth(host)).json()["watched"] is True
            page.click("#watched-toggle")
            page.wait_for_function(
                "() => document.querySelector('#watched-toggle').textContent === 'Mark as watched'"
            )
            after = httpx.get(state_url, headers=auth(host)).json()
            assert (after["watched"], after["position_s"]) == (False, 0)
            # At the pilot's end the page offers the next episode; it does not start it.
            page.evaluate(
                "() => { const v = window.mediadesk.video; v.muted = true;"
                " v.currentTime = Math.max(0, v.duration - 0.4); return v.play(); }"
            )
            page.wait_for_selector("#next-episode", timeout=30_000)
            assert page.inner_text("#next-episode") == "Next episode: Garden Show · S01E02 · Seeds"
            assert page.get_attribute("#next-episode", "href") == f"#/media/{ids[0]}"
            assert page.url.endswith(f"#/media/{ids[1]}")

            # An upload the server refuses says why beside the button, in words.
            fake = tmp_path / "holiday.mp4"
            fake.write_text("this is not a video\n")
            page.goto(host.url + "/#/", timeout=60_000)
            page.wait_for_selector("#upload-input", state="attached", timeout=30_000)
            page.set_input_files("#upload-input", str(fake))
            page.wait_for_selector("#upload-message.problem", timeout=30_000)
            said = page.inner_text("#upload-message")
            assert said.startswith("holiday.mp4 was not uploaded: ") and "{" not in said
            assert page.is_hidden("#upload-progress")

            # Several files picked at once: each placed by its name, the refused one named.
            film = tmp_path / "Harbour.Lights.2018.mp4"
            shutil.copyfile(make_clip(tmp_path / "media", Clip(seed="web-several")), film)
            page.set_input_files("#upload-input", [str(film), str(fake)])
            page.wait_for_function(
                "() => document.querySelector('#upload-message').textContent.startsWith('1 of 2')",
                timeout=60_000,
            )
            said = page.inner_text("#upload-message")
            assert said.startswith("1 of 2 uploaded. holiday.mp4 was not uploaded: ")
            page.wait_for_selector(
                "section[data-shelf='movies'] li.card:has-text('Harbour Lights')", timeout=30_000
            )
            # Files dropped on the page upload the same way.
            page.evaluate(
                """() => { const dt = new DataTransfer();
                dt.items.add(new File(["not a video either"], "dropped.mkv"));
                window.dispatchEvent(new DragEvent("drop", { dataTransfer: dt })); }"""
            )
            page.wait_for_function(
                "() => document.querySelector('#upload-message').textContent"
                ".startsWith('dropped.mkv was not uploaded')",
                timeout=30_000,
            )

            # Subtitles are offered for videos, not for a podcast.
            page.goto(f"{host.url}/#/media/{ids[3]}", timeout=60_000)
            page.wait_for_selector("#details dd", timeout=30_000)
            assert page.is_hidden("#subtitle-add")
            page.goto(f"{host.url}/#/media/{ids[1]}", timeout=60_000)
            page.wait_for_selector("#details dd", timeout=30_000)
            assert page.is_visible("#subtitle-add")

            # On a phone nothing is wider than the screen: the library, a series, a film.
            page.set_viewport_size({"width": 390, "height": 844})
            fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
            for where, ready in (
                ("/#/", "section[data-shelf='series'] li.card"),
                (series_page.removeprefix(host.url), "section[data-shelf='season-1'] li.card"),
                (f"/#/media/{ids[1]}", "#quality option"),
            ):
                page.goto(host.url + where, timeout=60_000)
                page.wait_for_selector(ready, state="attached", timeout=30_000)
                assert page.evaluate(fits), f"{where} is wider than a phone's screen"
            assert errors == []
