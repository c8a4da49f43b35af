"""Dropping files on the window and on library nodes; the library fills and updates."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QPixmap

from mediadesk.domain.enums import MediaStatus
from mediadesk.services.catalogue import EpisodeTarget
from tests.media import Clip, make_clip
from tests.ui.conftest import drop_files
from ui.importing.attach_dialog import EPISODE, MOVIE, NOTHING
from ui.importing.import_queue import ImportRequest, ItemState
from ui.library.detail_pane import JOB_ID_ROLE
from ui.library.media_model import POSTER_ROLE

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]

WAIT_MS = 90_000


def opened_dialog(window, qtbot):  # type: ignore[no-untyped-def]
    """The attach dialog opens once the names are read (off the GUI thread)."""
    qtbot.waitUntil(lambda: window.attach_dialog is not None, timeout=30_000)
    return window.attach_dialog


def accepted(dialog, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Import: the dialog asks the core about conflicts first, then closes."""
    import shiboken6

    dialog.accept()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=30_000)


def named_clip(media_dir: Path, tmp_path: Path, name: str, seed: str, **kw: object) -> Path:
    src = make_clip(media_dir, Clip(seed=seed, **kw))  # type: ignore[arg-type]
    out = tmp_path / "drop" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, out)
    return out


def test_drop_on_window_fills_library_with_poster_and_ready_state(
    window, qtbot, media_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clip = named_clip(media_dir, tmp_path, "Show.S02E05.The.Title.mp4", "drop")
    assert drop_files(window, [clip])
    dialog = opened_dialog(window, qtbot)
    assert dialog.isVisible()
    # The file name was read: an episode of "Show", season 2, episode 5.
    target = dialog.target(0)
    assert (target.series, target.season, target.episode, target.title) == (
        "Show",
        2,
        5,
        "The Title",
    )
    accepted(dialog, qtbot)

    model = window.library.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    media_id = model.media_id(0)
    qtbot.waitUntil(
        lambda: model.view(0) is not None and model.view(0).status == MediaStatus.READY,
        timeout=WAIT_MS,
    )
    # The poster thumbnail (made by the poster job) is what the grid paints.
    qtbot.waitUntil(
        lambda: isinstance(model.data(model.index(0, 0), POSTER_ROLE), QPixmap), timeout=WAIT_MS
    )
    pixmap = model.data(model.index(0, 0), POSTER_ROLE)
    assert pixmap.width() == 320 and not pixmap.isNull()
    assert window.imports.items[0].state == ItemState.IMPORTED

    # The detail pane shows the file once it is selected, with its artifacts and jobs.
    assert window.library.select_media(media_id)
    detail = window.library.detail
    qtbot.waitUntil(lambda: detail.detail is not None and detail.jobs.topLevelItemCount() >= 2)
    assert {
        detail.jobs.topLevelItem(i).text(0) for i in range(detail.jobs.topLevelItemCount())
    } >= {
        "Reading the file",
        "Poster",
    }

    def kinds() -> set[str]:
        items = detail.artifacts
        return {items.topLevelItem(i).text(0) for i in range(items.topLevelItemCount())}

    qtbot.waitUntil(lambda: {"poster", "thumbnail"} <= kinds(), timeout=WAIT_MS)
    # Double-clicking a job in the history opens its log.
    first_job = detail.jobs.topLevelItem(0)
    detail.jobs.itemDoubleClicked.emit(first_job, 0)
    job_id = first_job.data(0, JOB_ID_ROLE)
    assert job_id in window.log_viewers and window.log_viewers[job_id].isVisible()

    # The episode is in the catalogue and in the sidebar's series tree.
    (series,) = window.shell.runtime.catalogue.series()
    assert series.title == "Show" and series.seasons[0].episodes[0].media_file_id == media_id
    sidebar = window.library.sidebar
    sidebar.node_item("series").setExpanded(True)
    season_key = f"season:{series.seasons[0].id}"
    qtbot.waitUntil(lambda: sidebar.node_item(season_key) is not None)


def test_drop_on_season_node_prefills_series_and_season(
    idle_window, qtbot, media_dir: Path, tmp_path: Path, shell
) -> None:  # type: ignore[no-untyped-def]
    first = named_clip(media_dir, tmp_path, "Show.S01E01.mp4", "s1")
    shell.runtime.ingest.import_path(first, target=EpisodeTarget("Show", 3, 1))
    sidebar = idle_window.library.sidebar
    sidebar.reload_catalogue()
    sidebar.node_item("series").setExpanded(True)
    (series,) = shell.runtime.catalogue.series()
    season_item = sidebar.node_item(f"season:{series.seasons[0].id}")
    assert season_item is not None
    sidebar.scrollToItem(season_item)
    pos = sidebar.visualItemRect(season_item).center()

    extra = named_clip(media_dir, tmp_path, "bonus clip.mp4", "s2")
    assert drop_files(sidebar.viewport(), [extra], pos)
    dialog = opened_dialog(idle_window, qtbot)
    target = dialog.target(0)
    assert (target.series, target.season) == ("Show", 3)


def test_folder_drop_reports_errors_and_duplicates_per_file(
    idle_window, qtbot, media_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "batch"
    folder.mkdir()
    good = make_clip(media_dir, Clip(seed="batch-a", duration=1))
    shutil.copyfile(good, folder / "a.mp4")
    shutil.copyfile(good, folder / "b-same-bytes.mp4")  # a duplicate of a.mp4
    (folder / "broken.mp4").write_bytes(b"this is not a video at all")
    shutil.copyfile(make_clip(media_dir, Clip(seed="batch-c", duration=1)), folder / "c.mp4")
    (folder / ".hidden.mp4").write_bytes(b"skipped")

    assert drop_files(idle_window, [folder])
    dialog = opened_dialog(idle_window, qtbot)
    assert [p.name for p in dialog.paths] == ["a.mp4", "b-same-bytes.mp4", "broken.mp4", "c.mp4"]
    for row in range(4):
        dialog.set_row(row, NOTHING, "")
    accepted(dialog, qtbot)

    imports = idle_window.imports
    qtbot.waitUntil(lambda: len(imports.items) == 4 and not imports.active, timeout=WAIT_MS)
    states = {i.request.label: i.state for i in imports.items}
    assert states == {
        "a.mp4": ItemState.IMPORTED,
        "b-same-bytes.mp4": ItemState.DUPLICATE,
        "broken.mp4": ItemState.FAILED,
        "c.mp4": ItemState.IMPORTED,
    }
    broken = next(i for i in imports.items if i.request.label == "broken.mp4")
    assert "broken.mp4" in broken.message  # the core's message names the file
    dup = next(i for i in imports.items if i.request.label == "b-same-bytes.mp4")
    assert "a.mp4" in dup.message
    panel = idle_window.import_panel
    assert panel.model.rowCount() == 4
    assert "Failed" in panel.model.index(2, 3).data()
    qtbot.waitUntil(lambda: idle_window.library.model.rowCount() == 2, timeout=10_000)


def test_attach_dialog_refuses_incomplete_rows(idle_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "x1.mp4", tmp_path / "x2.mp4"
    a.write_bytes(b"1")
    b.write_bytes(b"2")
    idle_window.import_paths([a, b])
    dialog = opened_dialog(idle_window, qtbot)
    dialog.set_row(0, MOVIE, "")
    dialog.accept()
    assert dialog.isVisible() and "needs a title" in dialog.error.text()
    dialog.set_row(0, EPISODE, "Show", 1, 2)
    dialog.set_row(1, EPISODE, "Show", 1, 2)
    dialog.accept()
    assert dialog.isVisible() and "both Show S01E02" in dialog.error.text()
    dialog.set_row(1, EPISODE, "Show", 1, 3)
    accepted(dialog, qtbot)
    episodes = [i.request.target.episode for i in idle_window.imports.items]
    assert episodes == [2, 3]


def test_cancel_a_copy_in_progress(idle_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.mp4"
    with big.open("wb") as fh:
        block = os.urandom(1024 * 1024)
        for _ in range(400):
            fh.write(block)
    small = tmp_path / "queued.mp4"
    small.write_bytes(b"never copied")
    imports = idle_window.imports
    cancelled_at: list[int] = []

    def on_change(row: int) -> None:
        item = imports.items[row]
        if row == 0 and item.state == ItemState.COPYING and item.done > 0 and not cancelled_at:
            cancelled_at.append(item.done)
            imports.cancel(0)

    imports.itemChanged.connect(on_change)
    rows = idle_window.submit_imports([ImportRequest(big), ImportRequest(small)])
    imports.cancel(rows[1])  # still queued behind the big copy
    qtbot.waitUntil(lambda: not imports.active, timeout=WAIT_MS)
    assert cancelled_at and cancelled_at[0] < big.stat().st_size
    assert [i.state for i in imports.items] == [ItemState.CANCELLED, ItemState.CANCELLED]
    rt = idle_window.shell.runtime
    assert rt.library.count_media() == 0
    assert list(rt.storage.staging_dir().iterdir()) == []  # the partial copy is gone
