"""The embedded player: mpv (null video output offscreen) plays a library file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from mediadesk.domain.vocabulary import PLAYING
from tests.media import Clip, make_clip, make_song
from ui.library.grid_view import caption_lines
from ui.main_window import PLAYER_TAB
from ui.player import engine as player_engine
from ui.player.engine import PlayerUnavailable

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]


@pytest.fixture
def imported(shell, media_dir: Path):  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, Clip(duration=6, seed="player"))
    return shell.runtime.ingest.import_path(clip).media


def test_play_original_and_position_advances(idle_window, qtbot, imported) -> None:  # type: ignore[no-untyped-def]
    idle_window.library.model.resync()
    idle_window.play_media(imported.id)
    player = idle_window.player
    qtbot.waitUntil(
        lambda: player.engine is not None and player.engine.state.loaded, timeout=30_000
    )
    assert idle_window.tabs.currentIndex() == PLAYER_TAB
    assert player.plan is not None and not player.plan.adaptive  # no HLS yet: the original
    assert player.source_label.text() == PLAYING["original"]
    qtbot.waitUntil(lambda: player.engine.state.position > 1.0, timeout=30_000)
    assert player.engine.state.duration == pytest.approx(6.0, abs=0.2)
    assert player.seek_bar.maximum() == pytest.approx(6000, abs=200)
    assert player.time_label.text().endswith("/ 0:06")

    # Keyboard: space pauses, the position stops; right arrow seeks forward.
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.engine.state.paused, timeout=5_000)
    # mpv's own word that its playback clock has stopped (core-idle), not only that the
    # pause flag is set: the position cannot move, so there is nothing to wait and see.
    qtbot.waitUntil(lambda: player.engine.player.core_idle, timeout=5_000)
    paused_at = player.engine.state.position
    qtbot.keyClick(player, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.engine.state.position > paused_at + 3, timeout=5_000)
    qtbot.keyClick(player, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: player.engine.state.muted, timeout=5_000)
    qtbot.keyClick(player, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: player.engine.state.volume == 95, timeout=5_000)
    assert player.quality_button.text() == "Quality: auto"


def test_fullscreen_toggles_window_chrome(idle_window, qtbot, imported) -> None:  # type: ignore[no-untyped-def]
    idle_window.play_media(imported.id)
    player = idle_window.player
    qtbot.waitUntil(
        lambda: player.engine is not None and player.engine.state.loaded, timeout=30_000
    )
    qtbot.keyClick(player, Qt.Key.Key_F)
    assert player.fullscreen and not idle_window.menuBar().isVisible()
    qtbot.keyClick(player, Qt.Key.Key_Escape)
    assert not player.fullscreen and idle_window.menuBar().isVisible()


def test_missing_libmpv_is_explained_and_the_app_runs(
    idle_window, qtbot, imported, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def no_libmpv() -> None:
        raise PlayerUnavailable(
            "libmpv could not be loaded (libmpv.so.2: cannot open shared object)"
        )

    monkeypatch.setattr(player_engine, "load_mpv", no_libmpv)
    idle_window.play_media(imported.id)
    player = idle_window.player
    qtbot.waitUntil(lambda: player.unavailable is not None, timeout=10_000)
    assert "Player unavailable" in player.message.text()
    assert "libmpv" in player.message.text()
    # The rest of the app is unaffected.
    idle_window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: idle_window.library.model.rowCount() == 1, timeout=5_000)


def test_with_the_server_the_original_streams_over_http(window, qtbot, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    shell = window.shell
    qtbot.waitUntil(lambda: shell.server is not None, timeout=30_000)
    assert window.status.server.text() == f"Server: {shell.server.url}"
    assert shell.server.url.startswith("http://127.0.0.1:")  # loopback only, for the app
    media = shell.runtime.ingest.import_path(make_clip(media_dir, Clip(duration=6, seed="http")))
    window.play_media(media.media.id)
    player = window.player
    qtbot.waitUntil(
        lambda: player.engine is not None and player.engine.state.loaded, timeout=60_000
    )
    assert player.plan is not None and str(player.plan.preferred_url).startswith(shell.server.url)
    start = player.engine.state.position
    qtbot.waitUntil(lambda: player.engine.state.position > start + 1.0, timeout=30_000)


def test_a_song_plays_under_its_cover_art(window, qtbot, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = window.shell.runtime
    brown = {"artist": "Orbital", "album": "Brown"}
    song = make_song(media_dir, tags={"title": "Halcyon", "track": "1", **brown})
    media_id = runtime.ingest.import_path(song).media.id
    after = make_song(media_dir, "Band - Next.mp3", tags={"title": "Lush", "track": "2", **brown})
    next_id = runtime.ingest.import_path(after).media.id
    for each in (media_id, next_id):
        qtbot.waitUntil(
            lambda each=each: str(runtime.library.get_media(each).status) in ("READY", "FAILED"),
            timeout=120_000,
        )
    # The library calls it what its tags say, and names the album.
    library = window.library
    qtbot.waitUntil(lambda: library.select_media(media_id), timeout=10_000)
    detail = library.detail
    qtbot.waitUntil(
        lambda: detail.detail is not None and detail.detail.media.id == media_id,
        timeout=10_000,
    )
    assert "Orbital — Halcyon" in detail.title.text()
    assert detail.entry.text() == "Track 1 of Brown"
    assert caption_lines(detail.detail.media) == ("Halcyon", "Orbital")  # its tile
    # A song is played, not watched: the menu, the pane and the player say so.
    menu = library.item_actions.media_menu([detail.detail.media], library.grid).actions()
    mark = next(a for a in menu if a.objectName() == "action_watched")
    assert mark.text() == "Mark as played"
    mark.trigger()
    qtbot.waitUntil(lambda: runtime.playback.get(media_id).watched, timeout=10_000)
    qtbot.waitUntil(lambda: detail.played.text() == "Played", timeout=10_000)

    window.play_media(media_id)
    player = window.player
    qtbot.waitUntil(
        lambda: player.engine is not None and player.engine.state.loaded, timeout=60_000
    )
    # The cover where a film's picture would be, not a note symbol on a blank page.
    assert player.video.currentWidget() is player.message
    qtbot.waitUntil(lambda: not player.message.pixmap().isNull(), timeout=30_000)
    assert not player.quality_button.isEnabled()  # one version: nothing to choose
    assert player.engine.state.position >= 0
    assert player.title.text() == "Orbital — Halcyon"  # its tags, not "Band - Song.mp3"
    assert player.resume.bar.text.text() == "Played before · playing from the start"
    # At its end the album goes on to its next track, with no button to press.
    qtbot.waitUntil(lambda: player.title.text() == "Orbital — Lush", timeout=60_000)
    qtbot.waitUntil(lambda: player.engine.state.position > 0.5, timeout=30_000)
    assert player.engine.state.loaded and not player.engine.state.paused
