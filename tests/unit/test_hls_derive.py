"""Reading a published ladder back for the preview and trickplay (pure)."""

from __future__ import annotations

import pytest

from mediadesk.engine.hls.derive import first_segments, parse_master, truncated
from mediadesk.engine.hls.playlist import parse_media_playlist
from mediadesk.errors import VerificationFailed

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Français",LANGUAGE="fr",AUTOSELECT=YES,URI="audio_2/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,FRAME-RATE=25.000,AUDIO="aud"
1080p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=854x480,FRAME-RATE=25.000,AUDIO="aud"
480p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=640x360,FRAME-RATE=25.000,AUDIO="aud"
360p/index.m3u8
#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=9000,RESOLUTION=320x180,CODECS="jpeg",URI="thumbs/images.m3u8"
"""

MEDIA = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:6
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:6.000000,
seg_00000.ts
#EXTINF:6.000000,
seg_00001.ts
#EXTINF:1.000000,
seg_00002.ts
#EXT-X-ENDLIST
"""


def test_master_gives_variants_and_the_default_audio() -> None:
    ladder = parse_master(MASTER)
    assert ladder is not None
    assert [(v.uri, v.width, v.height) for v in ladder.variants] == [
        ("1080p/index.m3u8", 1920, 1080),
        ("480p/index.m3u8", 854, 480),
        ("360p/index.m3u8", 640, 360),
    ]
    assert ladder.audio_uri == "audio/index.m3u8"
    assert ladder.smallest.uri == "360p/index.m3u8"
    assert ladder.fitting(854, 480).uri == "480p/index.m3u8"
    assert ladder.fitting(100, 100).uri == "360p/index.m3u8"


def test_a_master_naming_other_places_is_not_derived_from() -> None:
    assert (
        parse_master(MASTER.replace("1080p/index", "../x/index").replace("480p/", "/abs/"))
        is not None
    )
    strange = "#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\nhttp://elsewhere/x.m3u8\n"
    assert parse_master(strange) is None


def test_first_segments_and_the_cut_playlist() -> None:
    playlist = parse_media_playlist(MEDIA)
    assert first_segments(playlist, None) == 3
    assert first_segments(playlist, 6.0) == 1
    assert first_segments(playlist, 30.0) == 3
    cut = parse_media_playlist(truncated(MEDIA, 2))
    assert [s.uri for s in cut.segments] == ["seg_00000.ts", "seg_00001.ts"]
    assert cut.ended and cut.vod and cut.target_duration == 6
    with pytest.raises(VerificationFailed):
        truncated("#EXTM3U\nseg.ts\n", 1)
