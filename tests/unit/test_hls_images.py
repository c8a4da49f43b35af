"""The trickplay image media playlist and its master entry (pure text)."""

from __future__ import annotations

from mediadesk.engine.hls.images import (
    ImageSheet,
    image_playlist,
    image_stream_line,
    line_from_playlist,
    with_image_stream,
)

SHEETS = [
    ImageSheet("sheet_000.jpg", 5, 5, 25, 10.0, 250_000),
    ImageSheet("sheet_001.jpg", 3, 1, 3, 10.0, 40_000),
]


def test_image_playlist_lists_each_sheet_with_its_grid() -> None:
    text = image_playlist(SHEETS, 320, 180)
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U" and "#EXT-X-IMAGES-ONLY" in lines
    assert "#EXT-X-TARGETDURATION:250" in lines and lines[-1] == "#EXT-X-ENDLIST"
    first = lines.index("sheet_000.jpg")
    assert lines[first - 2 : first] == [
        "#EXTINF:250.000,",
        "#EXT-X-TILES:RESOLUTION=320x180,LAYOUT=5x5,DURATION=10.000",
    ]
    last = lines.index("sheet_001.jpg")
    assert lines[last - 2 : last] == [
        "#EXTINF:30.000,",
        "#EXT-X-TILES:RESOLUTION=320x180,LAYOUT=3x1,DURATION=10.000",
    ]


def test_master_entry_and_its_rebuild_from_the_published_playlist() -> None:
    line = image_stream_line(SHEETS, 320, 180)
    # The heavier rate: 40 KB over 30 s beats 250 KB over 250 s.
    assert line == (
        '#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=10667,RESOLUTION=320x180,CODECS="jpeg",'
        'URI="thumbs/images.m3u8"'
    )
    sizes = {s.uri: s.size_bytes for s in SHEETS}
    assert line_from_playlist(image_playlist(SHEETS, 320, 180), sizes) == line
    # A sheet that is not there: no entry rather than one naming a missing file.
    assert line_from_playlist(image_playlist(SHEETS, 320, 180), {"sheet_000.jpg": 1}) is None


def test_the_master_holds_exactly_one_entry() -> None:
    master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n"
    once = with_image_stream(master, image_stream_line(SHEETS, 320, 180))
    twice = with_image_stream(once, image_stream_line(SHEETS[:1], 320, 180))
    assert twice.count("#EXT-X-IMAGE-STREAM-INF") == 1 and "BANDWIDTH=8000," in twice
    assert with_image_stream(twice, None) == master
