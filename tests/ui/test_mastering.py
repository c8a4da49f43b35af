"""The mastering dialog: from the detail pane's Master button to a new, measured master."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from mediadesk.domain.enums import JobStatus, MediaKind, MediaStatus
from tests.audio_signals import Programme, make_music, make_programme
from ui.dialogs.mastering_dialog import MasteringDialog

pytestmark = [pytest.mark.ui, pytest.mark.slow, pytest.mark.integration]

WAIT_MS = 180_000
PRESET = "audio/music_mix_roll_duck_v1"


def _ready(rt, media_id: str) -> bool:  # type: ignore[no-untyped-def]
    return rt.library.get_media(media_id).status == MediaStatus.READY


def test_master_a_video_with_a_music_bed(window, qtbot, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    rt = window.shell.runtime
    programme = rt.ingest.import_path(make_programme(media_dir, Programme())).media
    music = rt.ingest.import_path(make_music(media_dir)).media
    qtbot.waitUntil(lambda: _ready(rt, programme.id) and _ready(rt, music.id), timeout=WAIT_MS)
    model = window.library.model
    qtbot.waitUntil(lambda: model.row_of(programme.id) is not None, timeout=30_000)

    # A video programme can be mastered: the detail pane's button opens the dialog on it.
    assert window.library.select_media(programme.id)
    detail = window.library.detail
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.media.id == programme.id)
    assert detail.master_button.isEnabled()
    qtbot.mouseClick(detail.master_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(QDialog, "masteringDialog")
    assert isinstance(dialog, MasteringDialog) and dialog.isVisible()
    assert dialog.programme.currentData() == programme.id
    # People's words: the programme's title, the intent's name; the preset id and raw
    # parameters wait folded under "Technical details".
    assert dialog.programme.currentText() == programme.display_title
    assert dialog.presets.itemText(dialog.presets.findData("audio/broadcast_r128_v1")) == (
        "Broadcast (EBU R128)"
    )
    assert not dialog.params.isVisible() and not dialog.preset_id.isVisible()
    dialog.technical.toggle.click()
    assert dialog.params.isVisible() and "audio/" in dialog.preset_id.text()

    # Music replace without music is refused by the core, in words, and the dialog stays.
    dialog.presets.setCurrentIndex(dialog.presets.findData("audio/music_replace_v1"))
    dialog.music.setCurrentIndex(dialog.music.findData(None))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: "music" in dialog.message.text().lower(), timeout=30_000)
    assert dialog.isVisible() and dialog.started_job is None
    assert dialog.start_button.isEnabled()

    # The preset's parameters are shown before starting.
    dialog.presets.setCurrentIndex(dialog.presets.findData(PRESET))
    params = {
        dialog.params.topLevelItem(i).text(0) for i in range(dialog.params.topLevelItemCount())
    }
    assert "Ducking" in params and "ducking" not in params, params  # in people's words
    dialog.music.setCurrentIndex(dialog.music.findData(music.id))
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.started_job is not None, timeout=30_000)
    job_id = dialog.started_job

    (done,) = rt.jobs.wait([job_id], timeout=WAIT_MS / 1000)
    assert done.status == JobStatus.COMPLETED, done.error_message
    master_id = done.result["media_file_id"]  # type: ignore[index]
    # The master shows up in the library like any import, as a video, measured.
    qtbot.waitUntil(lambda: model.row_of(master_id) is not None, timeout=30_000)
    master = rt.library.get_media(master_id)
    assert master.kind == MediaKind.VIDEO
    assert master.loudness is not None
    assert master.loudness.integrated_lufs == pytest.approx(-16.0, abs=0.5)
