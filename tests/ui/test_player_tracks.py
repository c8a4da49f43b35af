"""The embedded player's Audio, Subtitles and Chapters menus on a many-track film:
names from the library, forced subtitles with the language heard, the choice kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mediadesk.domain.enums import MediaStatus
from mediadesk.domain.vocabulary import PLAYING
from tests.tracks_media import multi_audio_mkv, with_sidecars

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]


def texts(button) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.text() for a in button.menu().actions()]


def pick(button, text: str) -> None:  # type: ignore[no-untyped-def]
    next(a for a in button.menu().actions() if a.text() == text).trigger()


def play_when_ready(window, qtbot, movie: Path) -> str:  # type: ignore[no-untyped-def]
    """Import ``movie`` in the app's runtime, wait for Ready and play it; its id."""
    runtime = window.shell.runtime
    qtbot.waitUntil(lambda: window.shell.server is not None, timeout=30_000)
    media_id = runtime.ingest.import_path(movie).media.id
    qtbot.waitUntil(
        lambda: (
            runtime.library.get_media(media_id).status in (MediaStatus.READY, MediaStatus.FAILED)
        ),
        timeout=180_000,
    )
    assert runtime.library.get_media(media_id).status == MediaStatus.READY
    window.play_media(media_id)
    return str(media_id)


def selected(player, kind: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    tracks = player.engine.player.track_list
    return next((t for t in tracks if t["type"] == kind and t.get("selected")), {})


def test_menus_forced_subtitles_and_memory(window, qtbot, media_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    movie = tmp_path / "Film.mkv"
    shutil.copyfile(multi_audio_mkv(media_dir, duration=6.0, name="player-tracks.mkv"), movie)
    with_sidecars(movie)
    media_id = play_when_ready(window, qtbot, movie)
    player = window.player
    menus = player.tracks
    qtbot.waitUntil(lambda: len(texts(menus.subtitle_button)) == 4, timeout=60_000)
    assert texts(menus.audio_button) == [
        "English",
        "Français",
        "English (Commentary)",
        "Deutsch",
        "Deutsch · 5.1",
    ]
    # The forced French track is not offered: it shows by itself with French audio.
    assert texts(menus.subtitle_button) == ["Off", "English", "Français", "English 2"]
    assert texts(menus.chapter_button) == ["Opening  0:00", "Le départ  0:02"]
    assert player.seek_bar.marks == [0.0, 1.5]
    assert menus.subtitle_button.text() == "Subtitles: Off"
    assert player.source_label.text() == PLAYING["stream"]  # the web page's word too

    pick(menus.audio_button, "Français")
    qtbot.waitUntil(lambda: selected(player, "audio").get("lang") == "fr", timeout=30_000)
    qtbot.waitUntil(
        lambda: selected(player, "sub").get("title") == "Français (forced)", timeout=30_000
    )
    assert menus.subtitle_button.text() == "Subtitles: Off"
    pick(menus.subtitle_button, "English 2")
    qtbot.waitUntil(lambda: selected(player, "sub").get("title") == "English 2", timeout=30_000)
    # The label follows the player's next state (polled), not mpv's property at once.
    qtbot.waitUntil(lambda: menus.subtitle_button.text() == "Subtitles: English 2", timeout=10_000)

    # Played again: French audio and the second English track, as chosen.
    player.stop()
    window.play_media(media_id)
    qtbot.waitUntil(lambda: selected(player, "sub").get("title") == "English 2", timeout=60_000)
    qtbot.waitUntil(lambda: selected(player, "audio").get("lang") == "fr", timeout=30_000)
    # Off again: the forced track of the language heard.
    pick(menus.subtitle_button, "Off")
    qtbot.waitUntil(
        lambda: selected(player, "sub").get("title") == "Français (forced)", timeout=30_000
    )
