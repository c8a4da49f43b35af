"""Reading trickplay WebVTT files for the seek bar's thumbnails."""

import pytest

from mediadesk.domain.trickplay import TrickplayIndex, parse_vtt

VTT = """WEBVTT

00:00:00.000 --> 00:00:05.000
tiles_001.jpg#xywh=0,0,160,90

00:00:05.000 --> 00:00:10.000
tiles_001.jpg#xywh=160,0,160,90

1
00:01:00.500 --> 01:00:10.250
sub/tiles_002.jpg#xywh=0,90,160,90
"""


def test_cues_and_lookup() -> None:
    index = TrickplayIndex(parse_vtt(VTT), "trickplay/abc")
    assert [c.start for c in index.cues] == [0.0, 5.0, 60.5]
    assert index.cues[2].end == pytest.approx(3610.25)
    assert index.at(7.2) is index.cues[1]
    assert index.at(-1) is index.cues[0]
    assert index.at(99999) is index.cues[2]
    cue = index.at(61)
    assert cue is not None and (cue.x, cue.y, cue.w, cue.h) == (0, 90, 160, 90)
    assert index.image_key(cue) == "trickplay/abc/sub/tiles_002.jpg"
    assert index.images == ["sub/tiles_002.jpg", "tiles_001.jpg"]


def test_not_webvtt() -> None:
    with pytest.raises(ValueError):
        parse_vtt("#EXTM3U\n")
    assert TrickplayIndex(parse_vtt("WEBVTT\n")).at(3) is None
