"""Dropping files on the window and on library nodes; the library fills and updates."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QPixmap

from mediadesk.domain.enums import MediaStatus
from mediadesk.services.catalogue import EpisodeTarget
from mediadesk.services.imports import PathImport
from tests.media import Clip, make_clip
from tests.ui.conftest import drop_files
from ui.importing.attach_dialog import EPISODE, MOVIE, NOTHING
from ui.library.detail_pane import JOB_ID_ROLE
from ui.library.media_model import POSTER_ROLE

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]

WAIT_MS = 90_000


def opened_dialog(window, qtbot):  # type: ignore[no-untyped-def]
    """The attach dialog opens once the names are read (off the GUI thread)."""
    qtbot.waitUntil(lambda: window.attach_dialog is not None, timeout=30_000)
    # "Reading the names of 1 file…" ends when the dialog opens (it stayed behind it).
    assert window.status.currentMessage() == ""
    return window.attach_dialog


def accepted(dialog, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Import: the dialog asks the core about conflicts first, then closes."""
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
    assert window.import_dock.model.items[0].state == "Done"

    # The detail pane shows the file once it is selected, with its artifacts and jobs.
    assert window.library.select_media(media_id)
    detail = window.library.detail
    qtbot.waitUntil(lambda: detail.detail is not None and detail.jobs.topLevelItemCount() >= 2)
    steps = [detail.jobs.topLevelItem(i).text(0) for i in range(detail.jobs.topLevelItemCount())]
    assert steps[0] == "Reading the file" and "Poster" in steps  # in the order they ran
    # Every column in the pane's width (the start time was off its right edge).
    jobs_header = detail.jobs.header()
    used = sum(jobs_header.sectionSize(c) for c in range(jobs_header.count()))
    assert used <= detail.jobs.viewport().width()

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
    season_key = f"season:{series.seasons[0].id}"
    qtbot.waitUntil(lambda: sidebar.node_item(season_key) is not None)  # read off the GUI thread
    season_item = sidebar.node_item(season_key)
    sidebar.scrollToItem(season_item)
    pos = sidebar.visualItemRect(season_item).center()

    extra = named_clip(media_dir, tmp_path, "bonus clip.mp4", "s2")
    assert drop_files(sidebar.viewport(), [extra], pos)
    dialog = opened_dialog(idle_window, qtbot)
    target = dialog.target(0)
    assert (target.series, target.season) == ("Show", 3)


def test_folder_drop_reports_errors_and_duplicates_per_file(
    window, qtbot, media_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "batch"
    folder.mkdir()
    good = make_clip(media_dir, Clip(seed="batch-a", duration=1))
    shutil.copyfile(good, folder / "a.mp4")
    shutil.copyfile(good, folder / "b-same-bytes.mp4")  # a duplicate of a.mp4
    (folder / "broken.mp4").write_bytes(b"this is not a video at all")
    shutil.copyfile(make_clip(media_dir, Clip(seed="batch-c", duration=1)), folder / "c.mp4")
    (folder / ".hidden.mp4").write_bytes(b"skipped")

    assert drop_files(window, [folder])
    dialog = opened_dialog(window, qtbot)
    assert [p.name for p in dialog.paths] == ["a.mp4", "b-same-bytes.mp4", "broken.mp4", "c.mp4"]
    for row in range(4):
        dialog.set_row(row, NOTHING, "")
    accepted(dialog, qtbot)

    model = window.import_dock.model
    qtbot.waitUntil(lambda: model.rowCount() == 4 and model.active_count == 0, timeout=WAIT_MS)
    states = {i.name: i.state for i in model.items}
    assert states == {"a.mp4": "Done", "b-same-bytes.mp4": "Done", "broken.mp4": "Failed",
                      "c.mp4": "Done"}  # fmt: skip
    texts = {model.index(r, 0).data(): model.index(r, 3).data() for r in range(4)}
    assert texts["broken.mp4"].startswith("Failed: ")
    assert "broken.mp4" in texts["broken.mp4"]  # the core's message names the file
    assert texts["b-same-bytes.mp4"] == "Done: already in the library as a.mp4"
    qtbot.waitUntil(lambda: window.library.model.rowCount() == 2, timeout=10_000)


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
    # The dialog asks the core about conflicts first (off the GUI thread), then queues.
    with qtbot.waitSignal(idle_window.importsSubmitted, timeout=30_000) as queued:
        dialog.accept()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    # Queued as jobs (no workers here: they wait), each with its episode.
    assert sorted((i.name, i.target.episode, i.state) for i in queued.args[0]) == [
        ("x1.mp4", 2, "Waiting"),
        ("x2.mp4", 3, "Waiting"),
    ]


def test_cancel_a_copy_in_progress(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.mp4"
    with big.open("wb") as fh:
        block = os.urandom(1024 * 1024)
        for _ in range(400):
            fh.write(block)
    small = tmp_path / "queued.mp4"
    small.write_bytes(b"never copied")
    model, panel = window.import_dock.model, window.import_panel
    window.submit_imports([PathImport(big), PathImport(small)])
    # Copies run one at a time on this host's lane: the big one copies, the small waits.
    qtbot.waitUntil(
        lambda: (
            {i.name: i.state for i in model.items}
            == {"big.mp4": "Importing", "queued.mp4": "Waiting"}
        ),
        timeout=WAIT_MS,
    )
    panel.table.selectAll()
    panel.buttons["Cancel"].click()
    qtbot.waitUntil(lambda: model.rowCount() == 2 and model.active_count == 0, timeout=WAIT_MS)
    assert [i.state for i in model.items] == ["Cancelled", "Cancelled"]
    big_item = next(i for i in model.items if i.name == "big.mp4")
    assert (big_item.bytes_done or 0) < big.stat().st_size
    rt = window.shell.runtime
    assert rt.library.count_media() == 0
    assert list(rt.storage.staging_dir().iterdir()) == []  # the partial copy is gone


def test_a_dropped_release_folder_offers_its_film_only(idle_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Folders are walked off the GUI thread; subtitles, NFO files, artwork and samples
    are not offered as imports of their own, and the status bar says so."""
    release = tmp_path / "Heat (1995)"
    (release / "Sample").mkdir(parents=True)
    (release / "Heat (1995).mkv").write_bytes(b"film")
    for name in ("Heat (1995).en.srt", "movie.nfo", "poster.jpg", "Sample/heat-sample.mkv"):
        (release / name).write_bytes(b"x")
    idle_window.import_paths([release])
    qtbot.waitUntil(lambda: idle_window.attach_dialog is not None, timeout=30_000)
    dialog = idle_window.attach_dialog
    assert dialog.paths == [release / "Heat (1995).mkv"]
    assert idle_window.status.currentMessage().startswith("4 other files left out")
    dialog.reject()
