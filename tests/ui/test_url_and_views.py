"""Import from URL through the dialog, and the grid/table switch over one selection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FAST
from tests.httpfixtures import http_server
from tests.media import Clip, make_clip
from tests.ui.conftest import drop_mime, shown_window
from ui.importing.url_dialog import UrlImportDialog
from ui.shell import Shell

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]


@pytest.fixture
def trusting_window(home: Path, qtbot):  # type: ignore[no-untyped-def]
    from mediadesk.settings import load_settings

    window = shown_window(Shell.open(load_settings({**FAST, "allow_private_urls": True})))
    window.shell.start_background(server=False)
    qtbot.waitUntil(lambda: window.shell.runtime.workers_running, timeout=30_000)
    yield window
    window.close()


def test_import_from_url_dialog(trusting_window, qtbot, media_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    served = tmp_path / "www"
    served.mkdir()
    shutil.copyfile(make_clip(media_dir, Clip(seed="url", duration=1)), served / "Film.2020.mp4")
    with http_server(served) as base:
        dialog = UrlImportDialog(trusting_window)
        dialog.open()
        dialog.url.setText("ftp://example.com/x.mp4")
        dialog.accept()
        assert dialog.isVisible() and "http" in dialog.error.text()
        dialog.url.setText(f"{base}/Film.2020.mp4")
        dialog.url.editingFinished.emit()  # the name is read as a guess
        assert dialog.title.text() == "Film" and dialog.mode.currentText() == "Movie"
        dialog.accept()
        assert not dialog.isVisible()
        trusting_window.submit_url(*dialog.request())
        model = trusting_window.import_dock.model
        qtbot.waitUntil(lambda: model.rowCount() == 1 and model.active_count == 0, timeout=60_000)
    (item,) = model.items
    assert item.state == "Done", item.error_message
    (movie,) = trusting_window.shell.runtime.catalogue.movies()
    assert movie.title == "Film" and movie.media_file_id == item.media_file_id


def test_grid_and_table_share_the_selection(idle_window, qtbot, shell, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    for seed in ("g1", "g2"):
        shell.runtime.ingest.import_path(make_clip(media_dir, Clip(seed=seed, duration=0.5)))
    view = idle_window.library
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5_000)
    view.grid.setCurrentIndex(view.model.index(1, 0))
    view.set_view_mode(1)
    assert view.stack.currentWidget() is view.table
    assert view.table.currentIndex().row() == 1
    assert view.table.model().index(1, 1).data() == "Video"
    qtbot.waitUntil(lambda: view.detail.media_id == view.model.media_id(1), timeout=5_000)


def test_a_link_dropped_from_a_browser_opens_the_url_dialog(idle_window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/films/Arrival.2016.mp4")])
    assert drop_mime(idle_window, mime)
    (dialog,) = [d for d in idle_window.findChildren(UrlImportDialog) if d.isVisible()]
    assert dialog.url.text() == "https://example.com/films/Arrival.2016.mp4"
    assert (dialog.mode.currentText(), dialog.title.text()) == ("Movie", "Arrival")
    dialog.reject()
