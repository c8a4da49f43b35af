"""Tools > Storage renders the read model in people's words, loaded in the pool."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from mediadesk.domain import vocabulary as words
from mediadesk.library.views import OutputBytes, RenditionBytes, StorageStats
from ui.dialogs.storage_dialog import StorageDialog
from ui.tasks import TaskRunner


def stats() -> StorageStats:
    return StorageStats(
        media_files=2,
        hours=1.5,
        originals_bytes=3_000_000_000,
        originals_bytes_per_hour=2_000_000_000,
        outputs=[
            OutputBytes(
                kind="hls_variant", label="Streaming versions (video)", bytes=900_000_000, files=3
            )
        ],
        outputs_bytes=900_000_000,
        renditions=[
            RenditionBytes(
                name="1080p",
                titles=2,
                bytes=600_000_000,
                hours=1.5,
                bytes_per_hour=400_000_000,
                mean_ssim=0.985,
                picture=words.picture_quality(0.985),
            ),
            RenditionBytes(
                name="360p",
                titles=1,
                bytes=300_000_000,
                hours=0.5,
                bytes_per_hour=600_000_000,
                mean_ssim=None,
            ),
        ],
        ladder_hours=1.5,
        ladder_bytes_per_hour=600_000_000,
        budget_bytes_per_hour=1_000_000_000,
        total_bytes=3_900_000_000,
        summary="2 files, 1.50 hours of media; 3.6 GiB in MediaDesk's storage.",
        ladder_summary=words.ladder_summary(600_000_000, 1_000_000_000),
    )


def test_storage_dialog_shows_sizes_and_quality_in_words(qtbot: Any) -> None:
    tasks = TaskRunner()
    dialog = StorageDialog(tasks, stats)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.stats is not None, timeout=5000)
    # The read model's sentence, as the CLI and the web page print it.
    assert dialog.summary.text() == stats().summary
    assert dialog.outputs.item(0, 0).text() == "Streaming versions (video)"
    assert dialog.renditions.rowCount() == 2
    assert dialog.renditions.item(0, 4).text() == "Excellent"
    assert dialog.renditions.item(1, 4).text() == "—"
    assert dialog.ladder.text() == stats().ladder_summary  # the CLI's and the web's line
    assert "budget" in dialog.ladder.text()
    assert "0.985" not in dialog.renditions.item(0, 4).text()
    # A Close button, not only the window's frame or Esc.
    dialog.show()
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    close.click()
    assert not dialog.isVisible()


def test_every_kind_of_output_shows_without_scrolling(qtbot: Any) -> None:
    """Ten kinds of output (a library with video, audio and pictures) all show at once,
    and two streaming versions leave no empty box under them."""
    kinds = [
        OutputBytes(kind=f"kind{i}", label=f"Output {i}", bytes=1000 * (10 - i), files=1)
        for i in range(10)
    ]
    dialog = StorageDialog(TaskRunner(), lambda: stats().model_copy(update={"outputs": kinds}))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.stats is not None, timeout=5000)
    qtbot.waitExposed(dialog)
    assert dialog.outputs.verticalScrollBar().maximum() == 0
    assert dialog.renditions.verticalScrollBar().maximum() == 0
    last = dialog.renditions.visualItemRect(dialog.renditions.item(1, 0))
    assert dialog.renditions.viewport().height() - last.bottom() < last.height()
