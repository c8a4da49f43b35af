"""The desktop app as a library: drops that follow each file's guess, conflicts in the
attach dialog, edits that re-order the tree, context menus and keys, the detail pane
following the selection, and playback that resumes and marks watched."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFormLayout

from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.domain.enums import ArtifactKind
from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.catalogue_attach import AttachConflict
from mediadesk.services.naming import guess_from_name
from tests.media import Clip, make_clip
from tests.seed import seed_media
from tests.ui.conftest import drop_files
from tests.ui.test_library_import import accepted, opened_dialog
from ui.format import clock
from ui.importing.attach_dialog import COL_TAKEN, AttachDialog
from ui.library import nodes
from ui.library.media_model import COLUMNS
from ui.library.thumbnails import POSTER_GROUND

pytestmark = [pytest.mark.ui, pytest.mark.integration]

WAIT_MS = 60_000


def copy_as(media_dir: Path, tmp_path: Path, name: str, seed: str, **kw: object) -> Path:
    out = tmp_path / "drop" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(make_clip(media_dir, Clip(seed=seed, **kw)), out)  # type: ignore[arg-type]
    return out


def children(sidebar, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    item = sidebar.node_item(key)
    return [item.child(i).text(0) for i in range(item.childCount())]


@pytest.mark.slow
def test_window_drop_uses_the_files_guess_not_the_selected_season(
    window, qtbot, media_dir: Path, tmp_path: Path, shell
) -> None:  # type: ignore[no-untyped-def]
    rt = shell.runtime
    rt.ingest.import_path(
        copy_as(media_dir, tmp_path, "a.mp4", "ux-a"), target=EpisodeTarget("Show", 1, 1)
    )
    sidebar = window.library.sidebar
    sidebar.reload_catalogue()
    sidebar.node_item("series").setExpanded(True)
    (series,) = rt.catalogue.series()
    season_key = f"season:{series.seasons[0].id}"
    qtbot.waitUntil(lambda: sidebar.node_item(season_key) is not None)
    sidebar.select(season_key)  # "Season 1" is selected
    assert window.library.node.entry_kind == "season"

    other = copy_as(media_dir, tmp_path, "Other.Movie.2019.mp4", "ux-b")
    assert drop_files(window, [other])
    dialog = opened_dialog(window, qtbot)
    target = dialog.target(0)
    assert isinstance(target, MovieTarget) and (target.title, target.year) == ("Other Movie", 2019)
    accepted(dialog, qtbot)
    qtbot.waitUntil(
        lambda: [m.title for m in rt.catalogue.movies()] == ["Other Movie"], timeout=WAIT_MS
    )
    (movie,) = rt.catalogue.movies()
    assert movie.year == 2019 and movie.media_file_id is not None
    assert (
        rt.catalogue.series()[0].seasons[0].episodes[0].versions[0].media_file_id
        != movie.media_file_id
    )


@pytest.mark.slow
def test_conflicts_are_shown_in_the_dialog_with_three_choices(
    window, qtbot, media_dir: Path, tmp_path: Path, shell
) -> None:  # type: ignore[no-untyped-def]
    rt = shell.runtime
    first = rt.ingest.import_path(
        copy_as(media_dir, tmp_path, "first.mp4", "ux-c"), target=EpisodeTarget("Show", 1, 2)
    )
    again = copy_as(media_dir, tmp_path, "Show.S01E02.mp4", "ux-d")
    assert drop_files(window, [again])
    dialog = opened_dialog(window, qtbot)
    qtbot.waitUntil(lambda: 0 in dialog.conflicts, timeout=10_000)
    assert "already has a file (first.mp4)" in dialog.conflicts[0].message
    assert dialog.notice.text() == (
        "Show S01E02 already has a file (first.mp4). In the last column: Replace it,"
        " Keep both (as versions) or Skip."
    )
    assert dialog.table.item(0, COL_TAKEN).text() == "Keep both"
    accepted(dialog, qtbot)
    episode_id = first.episode_id
    qtbot.waitUntil(
        lambda: len(rt.catalogue.get_episode(episode_id).versions) == 2, timeout=WAIT_MS
    )
    model = window.import_dock.model
    qtbot.waitUntil(lambda: [i.state for i in model.items] == ["Done"], timeout=WAIT_MS)


def test_edit_an_episode_and_the_tree_reorders(idle_window, qtbot, shell) -> None:  # type: ignore[no-untyped-def]
    rt = shell.runtime
    ids = seed_media(rt, 3, prefix="ux")
    for n, media_id in enumerate(ids, start=1):
        title = f"Part {n}" if n < 3 else None  # untitled: "Episode 3", as on the web page
        rt.catalogue.attach(media_id, EpisodeTarget("Garden Show", 1, n, title))
    sidebar = idle_window.library.sidebar
    sidebar.reload_catalogue()
    sidebar.node_item("series").setExpanded(True)
    (series,) = rt.catalogue.series()
    season_key = f"season:{series.seasons[0].id}"
    qtbot.waitUntil(lambda: sidebar.node_item(season_key) is not None)
    assert children(sidebar, season_key) == ["1. Part 1", "2. Part 2", "Episode 3"]

    first = series.seasons[0].episodes[0]
    sidebar.select(f"episode:{first.id}")
    sidebar.setFocus()
    QTest.keyClick(sidebar, Qt.Key.Key_F2)  # F2 edits
    qtbot.waitUntil(lambda: idle_window.library.item_actions.dialog is not None, timeout=10_000)
    dialog = idle_window.library.item_actions.dialog
    dialog.set_value("number", 2)
    dialog.set_value("title", "Roots")
    dialog.accept()
    qtbot.waitUntil(lambda: "S01E02 already exists" in dialog.error.text(), timeout=10_000)
    assert shiboken6.isValid(dialog) and dialog.isVisible()  # refused: the dialog stays
    assert rt.catalogue.get_episode(first.id).title == "Part 1"  # and nothing changed
    dialog.set_value("number", 4)
    dialog.accept()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            sidebar.node_item(season_key) is not None
            and children(sidebar, season_key) == ["2. Part 2", "Episode 3", "4. Roots"]
        ),
        timeout=10_000,
    )


def test_context_menu_actions_keys_and_the_detail_pane(  # type: ignore[no-untyped-def]
    idle_window, qtbot, shell, tmp_path: Path
) -> None:
    rt = shell.runtime
    ids = seed_media(rt, 3, prefix="menu")
    rt.catalogue.attach(ids[0], MovieTarget("Night Train", year=2021))
    lib = idle_window.library
    lib.item_actions.confirm = False
    lib.model.resync()
    qtbot.waitUntil(lambda: lib.model.rowCount() == 3)
    # Titles, not file names, for files in the catalogue.
    row = lib.model.row_of(ids[0])
    assert lib.model.index(row, 0).data() == "Night Train (2021)"
    # No poster yet: the table's row shows what the file is, as a grid tile does,
    # not a blank grey box.
    icon = lib.model.index(row, 0).data(Qt.ItemDataRole.DecorationRole)
    image = icon.pixmap(QSize(32, 18)).toImage()
    shades = {image.pixelColor(x, y).name() for x in range(32) for y in range(18)}
    assert POSTER_GROUND.name() in shades and len(shades) > 2  # a symbol on its ground

    # The detail pane follows the selection, and empties on a node with nothing.
    assert lib.select_media(ids[0])
    qtbot.waitUntil(lambda: lib.detail.detail is not None and lib.detail.detail.media.id == ids[0])
    assert lib.detail.title.text() == "<b>Night Train (2021)</b>"
    assert lib.detail.entry.text() == "Movie: Night Train (2021)"
    assert lib.detail.edit_button.text() == "Edit…"
    assert not lib.detail.technical_section.body.isVisible()  # internals stay folded
    # Codecs as people know them, alike in the table and the pane (not "h264").
    assert lib.model.index(row, COLUMNS.index("Codecs")).data() == "H.264 / AAC"
    meta = lib.detail.meta
    facts = {
        meta.itemAt(i, QFormLayout.ItemRole.LabelRole).widget().text(): meta.itemAt(
            i, QFormLayout.ItemRole.FieldRole
        )
        .widget()
        .text()
        for i in range(meta.rowCount())
    }
    assert (facts["Video"], facts["Audio"]) == ("H.264", "AAC")
    assert lib.select_media(ids[1])
    qtbot.waitUntil(lambda: lib.detail.detail is not None and lib.detail.detail.media.id == ids[1])
    # A loose file has no entry to edit: the pane's button says what it does instead.
    assert lib.detail.edit_button.text() == "Attach to…"
    lib.sidebar.select(nodes.CONTINUE.key)
    qtbot.waitUntil(lambda: lib.detail.media_id is None)
    assert lib.detail.title.text() == "<b>Nothing selected</b>"
    assert "half-watched" in lib.empty.text() and lib.empty.isVisible()
    lib.sidebar.select(nodes.ALL.key)
    qtbot.waitUntil(lambda: lib.model.rowCount() == 3)

    # The context menu's actions run on the selection: Detach, then Attach...
    movie_view = lib.model.view(lib.model.row_of(ids[0]))
    menu = lib.item_actions.media_menu([movie_view], lib.grid)
    names = {a.objectName() for a in menu.actions() if a.objectName()}
    assert {
        "action_play",
        "action_edit",
        "action_attach",
        "action_detach",
        "action_poster",
        "action_rerun",
        "action_master",
        "action_jobs",
        "action_delete",
        "action_subtitles",
    } <= names
    # Add subtitles... (a file dialog, then as a drop on the video): said in the status bar.
    srt = tmp_path / "Night.Train.fr.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nBonjour\n", "utf-8")
    with qtbot.waitSignal(lib.item_actions.message, timeout=10_000) as said:
        lib.item_actions.add_subtitle_files(ids[0], [srt])
    assert said.args[0].startswith("Subtitles added: Night.Train.fr.srt.")
    added = rt.library.get_media(ids[0]).subtitle_files or []
    assert [(s.language, s.forced) for s in added] == [("fr", False)]

    # Mark as watched, then (the menu offering the other way now) as unwatched.
    def menu_action(media_id: str, name: str) -> Any:
        view = lib.model.view(lib.model.row_of(media_id))
        items = lib.item_actions.media_menu([view], lib.grid).actions()
        return next((a for a in items if a.objectName() == name), None)

    menu_action(ids[1], "action_watched").trigger()
    qtbot.waitUntil(lambda: rt.playback.get(ids[1]).watched, timeout=10_000)
    qtbot.waitUntil(lambda: menu_action(ids[1], "action_unwatched") is not None, timeout=10_000)
    assert menu_action(ids[1], "action_watched") is None
    menu_action(ids[1], "action_unwatched").trigger()
    qtbot.waitUntil(lambda: not rt.playback.get(ids[1]).watched, timeout=10_000)
    next(a for a in menu.actions() if a.objectName() == "action_detach").trigger()
    qtbot.waitUntil(lambda: rt.library.get_media(ids[0]).catalogue is None, timeout=10_000)
    # Show jobs opens the jobs tab on this file's jobs.
    lib.item_actions.jobsRequested.emit(ids[0], "Night Train")
    assert (
        idle_window.jobs.media_id == ids[0]
        and "Night Train" in idle_window.jobs.media_filter.text()
    )

    # Keys: Ctrl+F searches, Delete deletes the selection (after asking, here: yes).
    idle_window.tabs.setCurrentIndex(0)
    idle_window.activateWindow()
    qtbot.waitUntil(idle_window.isActiveWindow, timeout=5000)
    lib.grid.setFocus()
    QTest.keyClick(lib.grid, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lib.filters.search.hasFocus, timeout=5000)
    # Return plays the current file.
    assert lib.select_media(ids[1])
    lib.grid.setFocus()
    with qtbot.waitSignal(lib.playRequested, timeout=5000) as played:
        QTest.keyClick(lib.grid, Qt.Key.Key_Return)
    assert played.args == [ids[1]]
    idle_window.tabs.setCurrentIndex(0)
    lib.grid.selectionModel().clearSelection()
    for media_id in ids[1:]:
        lib.grid.selectionModel().select(
            lib.model.index(lib.model.row_of(media_id), 0),
            lib.grid.selectionModel().SelectionFlag.Select,
        )
    lib.grid.setFocus()
    QTest.keyClick(lib.grid, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: rt.library.count_media() == 1, timeout=10_000)


@pytest.mark.slow
def test_play_stop_resume_and_watched_at_90_percent(
    window, qtbot, media_dir: Path, tmp_path: Path, shell
) -> None:  # type: ignore[no-untyped-def]
    rt = shell.runtime
    path = copy_as(media_dir, tmp_path, "Garden.Show.S01E01.Pilot.mp4", "ux-play", duration=6.0)
    media = rt.ingest.import_path(path, target=EpisodeTarget("Garden Show", 1, 1, "Pilot")).media
    window.play_media(media.id)
    player = window.player
    qtbot.waitUntil(
        lambda: player.engine is not None and player.engine.state.loaded, timeout=WAIT_MS
    )
    assert player.title.text() == "Garden Show · S01E01 · Pilot"
    assert not player.resume.bar.resume_button.isVisible()  # nothing saved yet
    duration = media.duration_seconds
    player.engine.set_paused(True)
    player.engine.seek(0.4 * duration)
    qtbot.waitUntil(
        lambda: abs(player.engine.state.position - 0.4 * duration) < 0.3, timeout=WAIT_MS
    )
    with qtbot.waitSignal(player.resume.saved, timeout=10_000):
        player.stop()
    assert rt.playback.get(media.id).position_s == pytest.approx(0.4 * duration, abs=0.3)

    def has_poster() -> bool:
        shown = rt.library.get_media(media.id, detail=True)
        return any(a.kind == ArtifactKind.POSTER for a in shown.artifacts or [])

    qtbot.waitUntil(has_poster, timeout=WAIT_MS)
    window.play_media(media.id)
    qtbot.waitUntil(lambda: player.resume.bar.resume_button.isVisible(), timeout=WAIT_MS)
    assert player.resume.bar.resume_button.text().startswith("Resume from 0:0")
    assert player.resume.bar.start_over_button.isVisible()
    # While it asks: the poster frame and the length, not a black box at 0:00 / 0:00.
    assert player.time_label.text() == f"0:00 / {clock(duration)}"
    assert player.video.currentWidget() is player.message
    qtbot.waitUntil(lambda: not player.message.pixmap().isNull(), timeout=WAIT_MS)
    player.play_button.click()  # Play answers it as "Resume from" would
    assert not player.resume.waiting
    assert player.message.pixmap().isNull()  # the picture area plays the file now
    qtbot.waitUntil(
        lambda: player.engine.state.loaded and player.engine.state.position >= 0.3 * duration,
        timeout=WAIT_MS,
    )
    player.seek_bar.seekRequested.emit(0.92 * duration)  # as a user dragging the bar
    qtbot.waitUntil(lambda: rt.playback.get(media.id).watched, timeout=WAIT_MS)
    assert rt.playback.get(media.id).position_s == 0


def test_the_conflict_notice_counts_several_and_names_one(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One conflict names the entry and its file; several are counted, each row's
    tooltip naming its own."""
    names = ["Show.S01E01.mkv", "Show.S01E02.mkv", "Other.Film.2019.mkv"]
    paths = [tmp_path / n for n in names]
    dialog = AttachDialog(paths, None, [guess_from_name(p) for p in paths])
    qtbot.addWidget(dialog)
    one = AttachConflict("Show S01E01", "m1", "Show.S01E01.old.mkv")
    dialog.show_conflicts([one, None, None])
    assert dialog.notice.text().startswith("Show S01E01 already has a file (Show.S01E01.old.mkv).")
    two = AttachConflict("Show S01E02", "m2", "Show.S01E02.old.mkv")
    dialog.show_conflicts([one, two, None])
    assert dialog.notice.text() == (
        "2 files go where a file already is (a row's tooltip says which). In the last"
        " column: Replace it, Keep both (as versions) or Skip."
    )
    assert dialog.table.item(1, COL_TAKEN).toolTip() == two.message
    assert dialog.table.item(2, COL_TAKEN).toolTip() == ""
    dialog.show_conflicts([None, None, None])
    assert dialog.notice.text() == ""


def test_sidebar_reads_the_movies_off_the_gui_thread_and_drops_a_stale_read(
    idle_window, qtbot, shell
) -> None:  # type: ignore[no-untyped-def]
    rt = shell.runtime
    ids = seed_media(rt, 2, prefix="sort")
    rt.catalogue.attach(ids[0], MovieTarget("Alpha", year=1999))  # added first
    rt.catalogue.attach(ids[1], MovieTarget("Zulu", year=2001))  # added last: first by date
    sidebar = idle_window.library.sidebar
    # The attaches asked the sidebar to reload; let that pass so only our reads remain.
    qtbot.waitUntil(lambda: not sidebar._refresh_catalogue.pending and not sidebar.tasks.busy)
    real_movies = rt.catalogue.movies
    release = threading.Event()
    reads: list[CatalogueSort] = []

    def gated_movies(sort: CatalogueSort = CatalogueSort.ADDED):  # type: ignore[no-untyped-def]
        reads.append(sort)
        if sort == CatalogueSort.TITLE:  # the first read is slow; it finishes last
            assert release.wait(30)
        return real_movies(sort)

    sidebar.catalogue = SimpleNamespace(movies=gated_movies, series=rt.catalogue.series)
    sidebar.set_sort(CatalogueSort.TITLE)
    sidebar.node_item("movies").setExpanded(True)
    # The GUI thread is not waiting on the read: the branch says so while it lasts.
    assert children(sidebar, "movies") == ["Loading…"]
    sidebar.set_sort(CatalogueSort.ADDED)
    newest_first = ["Zulu (2001)", "Alpha (1999)"]
    try:
        qtbot.waitUntil(lambda: children(sidebar, "movies") == newest_first)
    finally:
        release.set()  # the older, title-sorted read arrives now and must not win
    qtbot.waitUntil(lambda: not sidebar.tasks.busy)
    assert reads == [CatalogueSort.TITLE, CatalogueSort.ADDED]  # no later read hid the stale one
    assert children(sidebar, "movies") == newest_first


def test_a_burst_of_catalogue_changes_reads_the_shown_file_once_not_per_change(
    idle_window, qtbot, shell, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A library folder attaching hundreds of files sends hundreds of events; the detail
    pane read its file once per event, on the GUI thread's queue (40 s held with 4,000)."""
    from ui.library import detail_pane

    rt = shell.runtime
    shown, *others = seed_media(rt, 61, prefix="burst")
    lib = idle_window.library
    lib.model.resync()  # rows written straight to the database: no event said so
    qtbot.waitUntil(lambda: lib.select_media(shown))
    qtbot.waitUntil(lambda: lib.detail.detail is not None and lib.detail.media_id == shown)
    reads: list[str] = []
    real_load = detail_pane.load_detail

    def counted(runtime, media_id):  # type: ignore[no-untyped-def]
        reads.append(media_id)
        return real_load(runtime, media_id)

    monkeypatch.setattr(detail_pane, "load_detail", counted)
    for n, media_id in enumerate(others):
        rt.catalogue.attach(media_id, EpisodeTarget("Burst", 1, n + 1))
    rt.catalogue.attach(shown, MovieTarget("The Shown One", year=2020))  # the last change
    qtbot.waitUntil(lambda: "The Shown One" in lib.detail.entry.text(), timeout=10_000)
    qtbot.waitUntil(lambda: not lib.detail._refresh.pending and not shell.tasks.busy)
    assert 1 <= len(reads) <= 3, len(reads)  # 61 changes, one read per burst
