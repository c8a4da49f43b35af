"""The end of an episode in the app's player offers the next one; pressing it plays it.
mpv holds the last frame at the end (keep-open), so the end is its eof flag, not an
end-of-file event: this plays the real files to their end."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.services.ingest import GUESS
from tests.media import Clip, make_clip

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]


@pytest.fixture
def settings(home: Path):  # type: ignore[no-untyped-def]
    from mediadesk.settings import load_settings
    from tests.conftest import FAST

    # Probed is enough to play: the player falls back to the original file.
    return load_settings({**FAST, "server_port": 0, "pipeline_video": ["probe"]})


def test_the_end_of_an_episode_offers_the_next_one(window, qtbot, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = window.shell.runtime
    ids = []
    for number in (1, 2):
        clip = make_clip(
            media_dir, Clip(duration=2, seed=f"episode-{number}"), f"Garden.Show.S01E0{number}.mp4"
        )
        ids.append(runtime.ingest.import_path(clip, target=GUESS).media.id)
    for media_id in ids:
        qtbot.waitUntil(
            lambda media_id=media_id: str(runtime.library.get_media(media_id).status) == "READY",
            timeout=120_000,
        )
    first, second = (runtime.library.get_media(i) for i in ids)
    assert first.catalogue is not None and first.catalogue.episode == 1
    assert second.catalogue is not None and second.catalogue.episode == 2

    window.play_media(first.id)
    player = window.player
    resume = player.resume
    qtbot.waitUntil(lambda: resume.bar.next_button.isVisible(), timeout=60_000)
    assert resume.bar.next_button.text() == f"Next episode: {second.display_title}"
    assert runtime.playback.get(first.id).watched  # played to the end
    resume.bar.next_button.click()
    qtbot.waitUntil(lambda: player.title.text() == second.display_title, timeout=30_000)
    qtbot.waitUntil(lambda: player.engine.state.position > 0.5, timeout=30_000)
    # The last one says so instead of offering nothing.
    qtbot.waitUntil(lambda: resume.bar.text.text() == "That was the last episode.", timeout=60_000)
    assert not resume.bar.next_button.isVisible()
