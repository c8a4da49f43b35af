"""The embedded player offers a burned-in picture subtitle in the Subtitles menu and
plays its master from where playback is, and the main master again on Off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.tracks_media import picture_subtitles_mkv
from tests.ui.test_player_tracks import pick, play_when_ready, texts

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]

BURNED = "Deutsch (forced, burned in)"


def test_burned_subtitle_switches_the_master(  # type: ignore[no-untyped-def]
    window, qtbot, media_dir: Path, tmp_path: Path
) -> None:
    movie = tmp_path / "Rip.mkv"
    shutil.copyfile(picture_subtitles_mkv(media_dir, 8.0, name="player-vobsub.mkv"), movie)
    runtime = window.shell.runtime
    media_id = play_when_ready(window, qtbot, movie)
    player = window.player
    menus = player.tracks
    qtbot.waitUntil(lambda: texts(menus.subtitle_button) == ["Off", BURNED], timeout=60_000)
    mpv = player.engine.player
    assert str(mpv.path).endswith("/master.m3u8")
    assert menus.subtitle_button.text() == "Subtitles: Off"
    qtbot.waitUntil(lambda: (mpv.time_pos or 0) > 2.0, timeout=60_000)
    mpv.pause = True
    qtbot.waitUntil(lambda: player._position > 2.0, timeout=10_000)
    before = player._position

    pick(menus.subtitle_button, BURNED)
    qtbot.waitUntil(lambda: "master.burned_1.m3u8" in str(mpv.path), timeout=30_000)
    qtbot.waitUntil(lambda: mpv.time_pos is not None, timeout=30_000)
    assert abs(float(mpv.time_pos) - before) < 0.5
    qtbot.waitUntil(lambda: menus.subtitle_button.text() == f"Subtitles: {BURNED}", timeout=10_000)
    checked = [a.text() for a in menus.subtitle_button.menu().actions() if a.isChecked()]
    assert checked == [BURNED]

    # Played again: the burned master, as chosen.
    player.stop()
    qtbot.waitUntil(lambda: runtime.playback.get(media_id).position_s > 1.0, timeout=10_000)
    window.play_media(media_id)
    # Asked where to start (the position was saved): from where it was.
    qtbot.waitUntil(lambda: player.resume.waiting, timeout=30_000)
    player.resume.bar.resume_button.click()
    qtbot.waitUntil(lambda: "master.burned_1.m3u8" in str(mpv.path), timeout=60_000)

    # Off: the main master again, from where playback is.
    qtbot.waitUntil(lambda: mpv.time_pos is not None, timeout=30_000)
    mpv.pause = True
    mpv.seek(3.0, reference="absolute", precision="exact")
    qtbot.waitUntil(lambda: abs(player._position - 3.0) < 0.2, timeout=30_000)
    pick(menus.subtitle_button, "Off")
    qtbot.waitUntil(lambda: str(mpv.path).endswith("/master.m3u8"), timeout=30_000)
    qtbot.waitUntil(lambda: mpv.time_pos is not None, timeout=30_000)
    assert abs(float(mpv.time_pos) - 3.0) < 0.5
    qtbot.waitUntil(lambda: menus.subtitle_button.text() == "Subtitles: Off", timeout=10_000)
