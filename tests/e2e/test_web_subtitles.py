"""Subtitles added on a video's web page, in Chromium: the button and a drop, words
from the vocabulary, and the new tracks in the player's menu once the stream is made
again (without leaving the page)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mediadesk.domain import vocabulary as words
from tests.e2e.test_players import chromium_page
from tests.media import Clip, make_clip
from tests.serverkit import serving, upload, wait_media

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

OPTIONS = "() => [...document.querySelectorAll('#subtitle-track option')].map(o => o.textContent)"


def test_subtitles_added_on_the_page_join_the_menu(home: Path, tmp_path: Path) -> None:
    film = tmp_path / "Harbour.Lights.2018.mp4"
    shutil.copyfile(make_clip(tmp_path / "media", Clip(duration=4.0, seed="web-subs")), film)
    french = tmp_path / "Harbour.Lights.2018.fr.srt"
    french.write_text("1\n00:00:00,500 --> 00:00:02,000\nBonjour\n", "utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("not subtitles")
    with serving() as host:  # the desktop server: the page gets its token from the app
        media_id = upload(host, film)["mediaFileId"]
        assert wait_media(host, media_id)["status"] == "READY"
        with chromium_page(tmp_path / "profile") as (page, errors):
            page.goto(host.web_url(), timeout=60_000)
            page.wait_for_selector("li.card", timeout=30_000)
            page.goto(f"{host.url}/#/media/{media_id}", timeout=60_000)
            page.wait_for_function(
                "() => window.mediadesk.hls && window.mediadesk.hls.levels.length > 0",
                timeout=60_000,
            )
            assert page.evaluate(OPTIONS) == ["Off"]
            # The picker offers the files the server reads (the shared vocabulary).
            accept = page.get_attribute("#subtitle-input", "accept") or ""
            assert sorted(accept.split(",")) == sorted(f".{e}" for e in words.SUBTITLE_FILE)

            page.set_input_files("#subtitle-input", [str(french), str(notes)])
            page.wait_for_function(
                "() => document.querySelector('#subtitle-message').textContent"
                ".startsWith('Subtitles added')",
                timeout=60_000,
            )
            said = page.inner_text("#subtitle-message")
            assert said.startswith("Subtitles added: Harbour.Lights.2018.fr.srt. ")
            assert words.SUBTITLES_ADDED["updating"] in said
            assert "Not added: notes.txt: not a subtitle file (.srt, .ass, .ssa or .vtt)" in said
            # Once the job is done the stream is loaded again, with the new track.
            page.wait_for_function(
                f"() => ({OPTIONS})().includes('Français')", timeout=120_000, polling=500
            )

            # A subtitle file dropped on the page is added the same way.
            page.evaluate(
                """() => { const dt = new DataTransfer();
                dt.items.add(new File(["WEBVTT\\n\\n00:00.500 --> 00:02.000\\nHello\\n"],
                    "Harbour.Lights.2018.en.vtt"));
                window.dispatchEvent(new DragEvent("drop", { dataTransfer: dt })); }"""
            )
            page.wait_for_function(
                f"() => ({OPTIONS})().includes('English')", timeout=120_000, polling=500
            )
            assert page.evaluate(OPTIONS) == ["Off", "Français", "English"]  # as added
            assert errors == []
