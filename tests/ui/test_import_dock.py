"""The imports dock over import jobs: it shows, updates, hides, tells about failures,
and lists the same imports after a restart (real runtime, real servers, offscreen)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from mediadesk.events import JobProgress
from mediadesk.settings import Settings, load_settings
from tests.conftest import FAST
from tests.slowhttp import Request, head, raw_server
from tests.ui.conftest import shown_window
from ui.importing.imports_model import COL_PROGRESS, COL_STATE
from ui.library import nodes
from ui.progress_delegate import PROGRESS_ROLE
from ui.shell import Shell

pytestmark = [pytest.mark.ui, pytest.mark.integration]

WAIT_MS = 60_000


@pytest.fixture
def settings(home: Path) -> Settings:
    return load_settings({**FAST, "server_port": 0, "allow_private_urls": True})


def slowly(path: Path, pieces: int = 8, pause_s: float = 0.3):  # type: ignore[no-untyped-def]
    """Serve a file in ``pieces`` with a pause between them (a couple of seconds)."""
    body = path.read_bytes()
    step = len(body) // pieces + 1

    def respond(conn: socket.socket, _req: Request) -> None:
        conn.sendall(head(Content_Length=len(body), Content_Type="video/mp4"))
        for start in range(0, len(body), step):
            conn.sendall(body[start : start + step])
            time.sleep(pause_s)

    return respond


def not_found(conn: socket.socket, _req: Request) -> None:
    conn.sendall(head("404 Not Found", Content_Length=0))


def test_the_dock_shows_updates_and_hides(window, qtbot, clip: Path) -> None:  # type: ignore[no-untyped-def]
    dock, model = window.import_dock, window.import_dock.model
    dock.hide_delay_ms = 200
    assert not dock.isVisible()
    seen: list[tuple[str, float]] = []
    model.dataChanged.connect(
        lambda *_a: (
            model.rowCount()
            and seen.append(
                (
                    model.index(0, COL_PROGRESS).data(),
                    model.index(0, COL_PROGRESS).data(PROGRESS_ROLE),
                )
            )
        )
    )
    with raw_server(slowly(clip)) as server:
        window.submit_url(f"{server.url}/{clip.name}", None)
        qtbot.waitUntil(dock.isVisible, timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: model.rowCount() == 1 and model.index(0, COL_STATE).data() == "Importing",
            timeout=WAIT_MS,
        )
        # A late event of an earlier attempt (a retried download) is not this one's.
        (item,) = model.items
        stale = JobProgress(item.id, 99.0, 0.1, None, 987_654, 987_655, item.attempts - 1)
        window.shell.bridge.jobProgress.emit(stale)
        assert "964.5 KiB" not in (model.index(0, COL_PROGRESS).data() or "")
        with qtbot.waitSignal(window.import_dock.imported, timeout=WAIT_MS) as done:
            pass
    # While it ran the row said how far: "12.0 KiB of 40.0 KiB" and a bar part-way.
    moving = [(text, pct) for text, pct in seen if text and " of " in text]
    assert moving, seen
    assert any(pct is not None and 0 < pct < 100 for _text, pct in moving), moving
    assert model.index(0, COL_STATE).data() == "Done"
    assert model.index(0, COL_PROGRESS).data(PROGRESS_ROLE) == 100.0
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=WAIT_MS)  # hides itself when done
    media_id = done.args[0]
    qtbot.waitUntil(lambda: window.library.selected_ids() == [media_id], timeout=WAIT_MS)


def test_a_failed_import_notifies_and_stays_listed_under_failed(window, qtbot, clip: Path) -> None:  # type: ignore[no-untyped-def]
    dock, model = window.import_dock, window.import_dock.model
    dock.hide_delay_ms = 200
    with (
        raw_server(not_found) as srv,
        qtbot.waitSignal(window.notifier.notified, timeout=WAIT_MS) as told,
    ):
        window.submit_url(f"{srv.url}/lost.mp4", None)
    title, message = told.args
    assert title == "Import failed" and message.startswith("lost.mp4: ")
    assert "answered 404" in message
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    assert model.index(0, COL_STATE).data().startswith("Failed: ")
    assert "Check that the address opens" in model.index(0, COL_STATE).data(3)  # tooltip
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=WAIT_MS)

    # The sidebar's Failed node counts it and lists it with what to do next.
    sidebar = window.library.sidebar
    qtbot.waitUntil(lambda: sidebar.node_item(nodes.FAILED.key).text(1) == "1", timeout=WAIT_MS)
    sidebar.select(nodes.FAILED.key)
    failed = window.library.failed_imports
    qtbot.waitUntil(failed.isVisible, timeout=WAIT_MS)
    row = failed.tree.topLevelItem(0)
    assert row.text(0) == "lost.mp4" and "answered 404" in row.text(1)
    assert "Retry" in row.text(2)
    row.setSelected(True)
    # Remove from list: gone from the Failed node, the dock and the count.
    (remove,) = [b for b in failed.findChildren(QPushButton) if b.text() == "Remove from list"]
    remove.click()
    qtbot.waitUntil(lambda: not failed.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: sidebar.node_item(nodes.FAILED.key).text(1) == "", timeout=WAIT_MS)
    model.reload()
    assert model.rowCount() == 0


def test_a_restart_shows_the_same_list(home: Path, qtbot, clip: Path, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    with raw_server(not_found) as srv:
        first = shown_window(Shell.open(settings))  # no workers: imports wait
        try:
            first.submit_url(f"{srv.url}/lost.mp4", None)
            model = first.import_dock.model
            qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
            assert model.index(0, COL_STATE).data() == "Waiting"
            assert first.import_dock.isVisible()  # something is to be done
        finally:
            first.close()

        second = shown_window(Shell.open(settings))
        try:
            again = second.import_dock.model
            assert again.rowCount() == 1 and again.index(0, COL_STATE).data() == "Waiting"
            assert second.import_dock.isVisible()
            second.import_dock.hide_delay_ms = 200
            second.shell.start_background(server=False)  # now it runs, and fails
            qtbot.waitUntil(
                lambda: (again.index(0, COL_STATE).data() or "").startswith("Failed"),
                timeout=WAIT_MS,
            )
            qtbot.waitUntil(lambda: not second.import_dock.isVisible(), timeout=WAIT_MS)
            listed = [(i.id, i.state) for i in again.items]
        finally:
            second.close()

    third = shown_window(Shell.open(settings))
    try:
        assert [(i.id, i.state) for i in third.import_dock.model.items] == listed
        assert not third.import_dock.isVisible()  # nothing to do: it stays out of the way
    finally:
        third.close()
