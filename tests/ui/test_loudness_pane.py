"""The detail pane's Loudness section: measured values, or a Measure button that starts
the loudness job, and nothing at all for a picture (real runtime and workers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media import make_image

pytestmark = [pytest.mark.ui, pytest.mark.integration]

WAIT_MS = 60_000


def test_measure_from_the_detail_pane(window, qtbot, clip: Path, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    rt = window.shell.runtime
    media = rt.ingest.import_path(clip).media
    lib = window.library
    lib.model.resync()
    qtbot.waitUntil(lambda: lib.model.row_of(media.id) is not None, timeout=WAIT_MS)
    assert lib.select_media(media.id)
    pane = lib.detail
    qtbot.waitUntil(
        lambda: pane.detail is not None and pane.detail.media.id == media.id, timeout=WAIT_MS
    )
    assert pane.loudness_box.isVisible()
    assert pane.loudness.text() == "Not measured" and pane.measure_button.isVisible()

    pane.measure_button.click()
    assert pane.loudness.text() == "Measuring…" and not pane.measure_button.isVisible()
    qtbot.waitUntil(lambda: "LUFS integrated" in pane.loudness.text(), timeout=WAIT_MS)
    assert not pane.measure_button.isVisible()
    measured = rt.library.get_media(media.id).loudness
    assert measured is not None and f"{measured.integrated_lufs:.1f} LUFS" in pane.loudness.text()

    picture = rt.ingest.import_path(make_image(media_dir, "320x180")).media
    lib.model.resync()
    qtbot.waitUntil(lambda: lib.model.row_of(picture.id) is not None, timeout=WAIT_MS)
    assert lib.select_media(picture.id)
    qtbot.waitUntil(
        lambda: pane.detail is not None and pane.detail.media.id == picture.id, timeout=WAIT_MS
    )
    assert not pane.loudness_box.isVisible()  # a picture has no loudness to speak of
