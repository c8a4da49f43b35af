"""A subtitle file dropped on a video's tile is added to that video, with a
``subtitles`` job to update its streaming version (no re-encode)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media import Clip, make_clip
from tests.tracks_media import SIDECAR_EN
from tests.ui.conftest import drop_files

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]


def test_subtitle_dropped_on_a_tile_goes_to_that_video(
    idle_window, qtbot, media_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    runtime = idle_window.shell.runtime
    first = runtime.ingest.import_path(make_clip(media_dir, Clip(seed="tile-a"))).media.id
    second = runtime.ingest.import_path(make_clip(media_dir, Clip(seed="tile-b"))).media.id
    model = idle_window.library.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=30_000)
    grid = idle_window.library.grid
    row = next(r for r in range(2) if model.media_id(r) == second)
    tile = grid.visualRect(model.index(row, 0)).center()
    at = grid.viewport().mapTo(idle_window, tile)
    subtitle = tmp_path / "Film.fr.srt"
    subtitle.write_bytes(SIDECAR_EN.encode("cp1252"))
    assert drop_files(idle_window, [subtitle], at)

    def subtitles_of(media_id: str) -> list[str]:
        view = runtime.library.get_media(media_id)
        return [f.language or "" for f in view.subtitle_files or []]

    qtbot.waitUntil(lambda: subtitles_of(second) == ["fr"], timeout=30_000)
    assert subtitles_of(first) == []
    jobs = runtime.jobs.list_jobs(media_file_id=second, limit=50).items
    assert "subtitles" in {j.type for j in jobs}
    qtbot.waitUntil(lambda: "Subtitles added: Film.fr.srt" in idle_window.status.currentMessage())
    # No stream yet (no workers here): the subtitle comes with it, and it says so.
    assert "join the stream when its streaming versions are made" in (
        idle_window.status.currentMessage()
    )

    # Not a subtitle file: said plainly, nothing added.
    bad = tmp_path / "Notes.srt"
    bad.write_text("shopping list\n")
    assert drop_files(idle_window, [bad], at)
    qtbot.waitUntil(
        lambda: (
            "Not added: Notes.srt does not read as a SRT subtitle file"
            in idle_window.status.currentMessage()
        )
    )
    assert subtitles_of(second) == ["fr"]
