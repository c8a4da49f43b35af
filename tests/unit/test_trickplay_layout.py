"""Trickplay tile layout and its WebVTT index (pure)."""

from __future__ import annotations

from mediadesk.engine.trickplay import TrickplayPlan, layout, webvtt

PLAN = TrickplayPlan(video_stream_index=0, interval_s=10.0, width=320, height=180, duration=63.5)


def test_tiles_fill_sheets_row_by_row() -> None:
    tiles = layout(7, PLAN, columns=3, rows=2)
    assert [(t.sheet, t.x, t.y) for t in tiles] == [
        ("sheet_000.jpg", 0, 0),
        ("sheet_000.jpg", 320, 0),
        ("sheet_000.jpg", 640, 0),
        ("sheet_000.jpg", 0, 180),
        ("sheet_000.jpg", 320, 180),
        ("sheet_000.jpg", 640, 180),
        ("sheet_001.jpg", 0, 0),
    ]
    assert (tiles[-1].start, tiles[-1].end) == (60.0, 63.5)


def test_a_frame_past_the_end_is_dropped() -> None:
    assert len(layout(8, PLAN, 5, 5)) == 7


def test_webvtt() -> None:
    text = webvtt(layout(2, PLAN, 5, 5), 320, 180)
    assert text == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:10.000\nsheet_000.jpg#xywh=0,0,320,180\n\n"
        "00:00:10.000 --> 00:00:20.000\nsheet_000.jpg#xywh=320,0,320,180\n"
    )
