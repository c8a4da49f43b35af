"""Start-up, settings, presets, notifications, window state, and a clean quit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from mediadesk.domain.enums import JobStatus
from mediadesk.errors import ErrorCode, MediaDeskError
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import LibraryLock
from mediadesk.settings import load_settings, read_settings_file
from tests.jobtypes import EncodeInput
from ui.dialogs.presets_dialog import PresetsDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.main_window import MainWindow
from ui.shell import Shell

pytestmark = pytest.mark.ui


def test_a_second_app_on_the_same_library_is_refused(shell, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MediaDeskError) as err:
        Shell.open(settings)
    assert err.value.code == ErrorCode.LIBRARY_LOCKED


def test_settings_dialog_saves_validated_values(
    idle_window, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    dialog = idle_window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    dialog.workers.setValue(3)
    dialog.port.setValue(9123)
    assert dialog.encoder.currentText().startswith("Automatic")  # words, not "auto"
    dialog.encoder.setCurrentText("Processor (x264)")
    dialog.token.setText("letmein")
    # How titles are encoded, by the presets' titles; the default is by quality.
    assert dialog.ladder.currentText() == "Streaming versions by quality"
    ladders = [dialog.ladder.itemText(i) for i in range(dialog.ladder.count())]
    assert "Streaming versions, fixed bit rates" in ladders and "Preview clip" not in ladders
    assert dialog.budget.text() == "No cap"
    dialog.ladder.setCurrentText("Streaming versions, fixed bit rates")
    dialog.budget.setValue(2.5)
    dialog.accept()
    saved = read_settings_file(home)
    assert saved == {
        "workers": 3,
        "server_port": 9123,
        "encoder": "cpu",
        "server_token": "letmein",
        "step_presets": {"hls": "hls/ladder_v1"},
        "ladder_budget_gb_per_hour": 2.5,
    }
    chosen = SettingsDialog(load_settings())
    assert chosen.ladder.currentText() == "Streaming versions, fixed bit rates"
    assert chosen.budget.value() == 2.5
    chosen.ladder.setCurrentText("Streaming versions by quality")  # back to the default
    chosen.budget.setValue(0)
    chosen.accept()
    saved = read_settings_file(home)
    assert "step_presets" not in saved and "ladder_budget_gb_per_hour" not in saved
    assert load_settings().server_port == 9123

    monkeypatch.setenv("MEDIADESK_WORKERS", "5")
    again = SettingsDialog(load_settings())
    assert not again.workers.isEnabled() and "MEDIADESK_WORKERS" in again.workers.toolTip()
    again.storage.setText("")  # empty: back to the default location
    again.accept()
    assert "workers" in read_settings_file(home)  # the overridden field was left alone


def test_presets_browser_names_kinds_and_presets_in_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = PresetsDialog()
    qtbot.addWidget(dialog)
    groups = [dialog.list.topLevelItem(i).text(0) for i in range(dialog.list.topLevelItemCount())]
    assert "Image sizes" in groups and "image_variants" not in groups
    names = {
        dialog.list.topLevelItem(i).child(j).text(0)
        for i in range(dialog.list.topLevelItemCount())
        for j in range(dialog.list.topLevelItem(i).childCount())
    }
    assert "Streaming versions by quality" in names and "hls/ladder_v2" not in names
    assert dialog.raw.isHidden()  # the file itself is folded away
    # The ladder's parameters in words and units, each rung by its name.
    ladder = next(e for e in dialog.entries if e.id == "hls/ladder_v2")
    dialog.list.setCurrentItem(
        next(
            dialog.list.topLevelItem(i).child(j)
            for i in range(dialog.list.topLevelItemCount())
            for j in range(dialog.list.topLevelItem(i).childCount())
            if dialog.list.topLevelItem(i).child(j).text(0) == ladder.title
        )
    )
    rows = {
        dialog.params.topLevelItem(i).text(0): dialog.params.topLevelItem(i)
        for i in range(dialog.params.topLevelItemCount())
    }
    assert "rungs" not in rows and "segment_seconds" not in rows
    assert rows["Segment length"].text(1) == "6 s"
    assert rows["Segment length"].toolTip(0) == "segment_seconds"
    first = rows["Versions"].child(0)
    assert first.text(0) == "1080p"
    cells = {first.child(k).text(0): first.child(k).text(1) for k in range(first.childCount())}
    assert cells["Bit rate at most"] == "5000 kb/s" and cells["Width"] == "1920 px"


def test_presets_browser_lists_valid_and_broken(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "broken.json").write_text("{oops")
    (tmp_path / "x" / "unknown.json").write_text(json.dumps({"kind": "nope", "version": 1}))
    dialog = PresetsDialog(tmp_path)
    qtbot.addWidget(dialog)
    assert [e.id for e in dialog.entries] == ["x/broken", "x/unknown"]
    assert all(not e.valid for e in dialog.entries)
    assert dialog.summary.text() == "2 presets, 2 invalid"
    group = dialog.list.topLevelItem(0)
    dialog.list.setCurrentItem(group.child(0) if group.childCount() else group)
    assert dialog.error.text()


def test_window_geometry_is_remembered(shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(shell)
    first.start()
    first.resize(700, 500)
    first.library.set_view_mode(1)
    first.save_state()
    assert QSettings().value("library/viewMode") == 1
    second = MainWindow(shell)
    second.start()
    assert (second.size().width(), second.size().height()) == (700, 500)
    assert second.library.mode == 1  # (the empty library shows its empty state)
    first.deleteLater()
    second.deleteLater()


@pytest.mark.slow
@pytest.mark.integration
def test_long_job_notification(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.notifier.min_seconds = 0.5
    with qtbot.waitSignal(window.notifier.notified, timeout=60_000) as blocker:
        window.shell.runtime.jobs.submit(JobSpec(type="test_encode", input=EncodeInput(seconds=1)))
    assert blocker.args[1] == "Test encode finished"
    assert "Test encode finished" in window.status.currentMessage()


@pytest.mark.slow
@pytest.mark.integration
def test_quit_stops_workers_and_running_jobs_checkpoint(window, qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    shell = window.shell
    shell.shutdown_grace = 1.0
    job = shell.runtime.jobs.submit(JobSpec(type="test_encode", input=EncodeInput(seconds=30)))
    qtbot.waitUntil(
        lambda: shell.runtime.jobs.get(job.id).status == JobStatus.PROCESSING, timeout=60_000
    )
    window.close()
    assert not shell.runtime.workers_running
    # The library lock is free again: another app may open it now.
    lock = LibraryLock(settings.lock_path)
    lock.acquire()
    lock.release()
    from mediadesk.runtime import Runtime

    with Runtime(settings) as rt:
        view = rt.jobs.get(job.id)
        assert view.status == JobStatus.PENDING  # comes back on the next start
        assert view.attempt_history and view.attempt_history[-1].outcome == "INTERRUPTED"


def test_desktop_integration_files(qapp) -> None:  # type: ignore[no-untyped-def]
    import configparser
    import shutil
    import subprocess

    from mediadesk.bundled import resources_dir
    from ui.app import APP_ID, app_icon, application

    desktop = resources_dir() / f"{APP_ID}.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(desktop)
    section = entry["Desktop Entry"]
    assert section["Exec"] == "mediadesk" and section["Icon"] == APP_ID
    validator = shutil.which("desktop-file-validate")
    if validator:  # present on Debian with desktop-file-utils; the parse above still ran
        subprocess.run([validator, str(desktop)], check=True)
    app = application()
    assert app.desktopFileName() == APP_ID
    assert not app_icon().pixmap(64, 64).isNull()  # the SVG icon renders


@pytest.mark.slow
@pytest.mark.integration
def test_launch_paints_then_starts_workers(settings, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.app import launch

    launched = launch(settings)
    window = launched.window
    try:
        assert window.isVisible()
        # Workers, counts and activity start only once the first paint is done.
        qtbot.waitUntil(lambda: launched.shell.runtime.workers_running, timeout=30_000)
        qtbot.waitUntil(lambda: "Workers:" in window.status.workers.text(), timeout=10_000)
        assert window.library.model.rowCount() == 0
    finally:
        window.close()
    assert not launched.shell.runtime.workers_running


def test_web_page_opens_with_the_apps_token(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    import httpx
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []

    class Browser(QObject):
        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            opened.append(url.toString())

    browser = Browser()
    QDesktopServices.setUrlHandler("http", browser, "open")
    try:
        qtbot.waitUntil(lambda: window.shell.server is not None, timeout=30_000)
        assert window.open_web_page()
        host = window.shell.server
        assert opened == [f"{host.url}/#token={host.token}"]
        token = opened[0].split("#token=", 1)[1]
        listing = httpx.get(
            host.url + "/api/v1/media", headers={"Authorization": f"Bearer {token}"}
        )
        assert listing.status_code == 200
        assert httpx.get(host.url + "/api/v1/media").status_code == 401
    finally:
        QDesktopServices.unsetUrlHandler("http")


def test_what_the_app_built_at_start_is_kept_out_of_collections(idle_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A full collection walked every object the app built (about 250,000): a 200 ms
    stall of the event loop every few seconds of activity, until they were frozen."""
    import gc

    # Warm-up ends in the pool, then freezes on the GUI thread.
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 50_000, timeout=30_000)
    assert not gc.isenabled()  # still collected on the GUI thread only
    from ui import gui_gc

    assert gui_gc._installed is not None
    gui_gc._installed.stop()  # as when the app ends: the frozen objects are collectable again
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gui_gc.install(idle_window)  # back to the GUI-thread collector for the rest of the test
