"""The desktop app's library folders: the settings page (add, state, progress, skipped
files, scan, remove) and the Missing and Damaged nodes with the Check health action."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mediadesk.domain.folders import HealthState
from tests.media import Clip, make_clip

pytestmark = pytest.mark.ui


def test_folders_page_adds_reads_lists_skipped_and_removes(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lib = tmp_path / "lib"
    film = make_clip(lib / "Films", Clip(seed="ui-folder"), "Some Film (2003).mp4")
    (lib / "Films" / "notes.txt").write_text("hi")
    dialog = window.open_settings()
    panel = dialog.folders
    assert panel is not None and dialog.tabs.count() == 2
    panel.add(str(lib))
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=30_000)
    # Read in the background by the app's workers: the counts and state follow.
    qtbot.waitUntil(
        lambda: panel.table.item(0, 3) is not None and panel.table.item(0, 3).text() == "1",
        timeout=60_000,
    )
    assert panel.table.item(0, 0).text() == str(lib.resolve())
    assert panel.table.item(0, 2).text() in ("Up to date", "Watching")
    assert panel.progress.isHidden()
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.skipped.rowCount() == 1, timeout=10_000)
    assert panel.skipped.item(0, 0).text() == "Films/notes.txt"
    assert panel.skipped.item(0, 1).text() == "Not a media file"

    panel.scan_button.click()
    qtbot.waitUntil(lambda: panel.message.text().startswith("Scanned"), timeout=30_000)
    assert "0 new" in panel.message.text()
    panel.remove_button.click()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0, timeout=30_000)
    assert panel.message.text().startswith("Removed")
    assert film.is_file(), "removing a folder never touches the disk"
    dialog.close()


def test_missing_and_damaged_nodes_and_check_health(window, qtbot, shell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rt = shell.runtime
    lib = tmp_path / "lib"
    clean = make_clip(lib, Clip(duration=6.0, container="mkv", seed="ui-clean"), "clean.mkv")
    data = bytearray(clean.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 20_000] = os.urandom(20_000)
    (lib / "damaged.mkv").write_bytes(bytes(data))
    gone = make_clip(lib, Clip(seed="ui-gone"), "gone.mp4")
    folder = rt.folders.add(lib)
    rt.folders.scan(folder.id)
    qtbot.waitUntil(lambda: rt.folders.get(folder.id).waiting == 0, timeout=60_000)

    library = window.library
    library.item_actions.confirm = False
    by_name = {m.original_filename: m for m in rt.library.list_media().items}
    library.item_actions.check_health([by_name["clean.mkv"].id, by_name["damaged.mkv"].id])
    qtbot.waitUntil(
        lambda: (
            rt.library.get_media(by_name["damaged.mkv"].id).health is not None
            and rt.library.get_media(by_name["clean.mkv"].id).health is not None
        ),
        timeout=120_000,
    )
    assert rt.library.get_media(by_name["damaged.mkv"].id).health == HealthState.DAMAGED
    library.sidebar.select("damaged")
    damaged_id = by_name["damaged.mkv"].id
    qtbot.waitUntil(
        lambda: library.model.total == 1 and library.model.row_of(damaged_id) is not None,
        timeout=10_000,
    )

    # The file says so where it is listed, not only by the node it is under (its row is
    # redrawn when the check's completion reaches the window, a moment after the commit
    # the node's query already sees).
    def state_of(media_id: str) -> object:
        row = library.model.row_of(media_id)
        return library.model.index(row, 2).data() if row is not None else None

    qtbot.waitUntil(lambda: state_of(damaged_id) == "Damaged", timeout=10_000)

    gone.unlink()
    rt.folders.scan(folder.id)
    library.sidebar.select("missing")
    gone_id = by_name["gone.mp4"].id
    qtbot.waitUntil(
        lambda: library.model.total == 1 and library.model.row_of(gone_id) is not None,
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: state_of(gone_id) == "Missing", timeout=10_000)
    assert library.select_media(gone_id)
    qtbot.waitUntil(lambda: library.detail.detail is not None, timeout=10_000)
    assert library.detail.state.text().startswith("Missing · ")
