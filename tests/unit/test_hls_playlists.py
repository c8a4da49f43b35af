"""Media playlist parsing, the INDEPENDENT-SEGMENTS patch and the master writer."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mediadesk.engine.hls.master import (
    AudioEntry,
    VariantEntry,
    aac_codec,
    avc_codec,
    master_playlist,
)
from mediadesk.engine.hls.playlist import parse_media_playlist, with_independent_segments
from mediadesk.engine.hls.verify import FirstSegment
from mediadesk.errors import ErrorCode, VerificationFailed

# What ffmpeg 5.1 writes for an audio-only rendition: no INDEPENDENT-SEGMENTS.
FFMPEG_AUDIO = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:6.016000,
seg_00000.ts
#EXTINF:2.005333,
seg_00001.ts
#EXT-X-ENDLIST
"""


def test_parse_ffmpeg_playlist() -> None:
    playlist = parse_media_playlist(FFMPEG_AUDIO)
    assert [s.uri for s in playlist.segments] == ["seg_00000.ts", "seg_00001.ts"]
    assert playlist.duration == pytest.approx(8.021333)
    assert (playlist.version, playlist.target_duration) == (6, 6)
    assert playlist.vod and playlist.ended and not playlist.independent


def test_independent_segments_is_added_once() -> None:
    patched = with_independent_segments(FFMPEG_AUDIO)
    assert patched.splitlines()[:3] == [
        "#EXTM3U",
        "#EXT-X-VERSION:6",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    assert parse_media_playlist(patched).independent
    assert with_independent_segments(patched) == patched


def test_fmp4_map_is_read() -> None:
    text = FFMPEG_AUDIO.replace(
        "#EXT-X-PLAYLIST-TYPE:VOD", '#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI="init_4.mp4"'
    )
    assert parse_media_playlist(text).init_uri == "init_4.mp4"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "#EXTM3U"),
        (FFMPEG_AUDIO.replace("#EXT-X-ENDLIST\n", ""), "ENDLIST"),
        (FFMPEG_AUDIO.replace("#EXT-X-TARGETDURATION:6\n", ""), "TARGETDURATION"),
        (FFMPEG_AUDIO.replace("seg_00001.ts", "../../etc/passwd"), "not a plain file"),
        (FFMPEG_AUDIO.replace("seg_00001.ts", "file:/etc/passwd"), "not a plain file"),
        (FFMPEG_AUDIO.replace("seg_00001.ts", "http://x/seg.ts"), "not a plain file"),
        (FFMPEG_AUDIO.replace("#EXTINF:6.016000,\n", ""), "no #EXTINF"),
        (FFMPEG_AUDIO.replace("6.016000", "six"), "bad duration"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nx/index.m3u8\n", "master playlist"),
    ],
)
def test_bad_playlists_are_refused(text: str, why: str) -> None:
    with pytest.raises(VerificationFailed) as err:
        parse_media_playlist(text, "720p/index.m3u8")
    assert err.value.code == ErrorCode.PLAYLIST_INVALID and why in err.value.message


def first(profile: str, level: int | None = None) -> FirstSegment:
    return FirstSegment("h264", profile, level, 1280, 720, None, 10, True)


@pytest.mark.parametrize(
    ("profile", "level", "codec"),
    [
        ("High", 40, "avc1.640028"),
        ("High", 31, "avc1.64001F"),
        ("Main", 30, "avc1.4D401E"),
        ("Constrained Baseline", 30, "avc1.42C01E"),
    ],
)
def test_avc_codecs_string(profile: str, level: int, codec: str) -> None:
    assert avc_codec(first(profile, level)) == codec


def test_aac_codecs_string() -> None:
    assert aac_codec(FirstSegment("aac", "LC", None, None, None, 2, 40, True)) == "mp4a.40.2"
    assert aac_codec(FirstSegment("aac", "HE-AAC", None, None, None, 2, 40, True)) == "mp4a.40.5"


def test_master_playlist_has_every_attribute() -> None:
    text = master_playlist(
        [
            VariantEntry(
                "720p/index.m3u8",
                3_400_000,
                3_100_000,
                "avc1.64001F,mp4a.40.2",
                1280,
                720,
                Fraction(30000, 1001),
                "aud",
            ),
            VariantEntry(
                "360p/index.m3u8",
                950_000,
                900_000,
                "avc1.64001E,mp4a.40.2",
                640,
                360,
                Fraction(30000, 1001),
                "aud",
            ),
        ],
        AudioEntry("aud", "audio", "audio/index.m3u8", 2, "eng"),
        version=6,
    )
    assert text == (
        "#EXTM3U\n"
        "#EXT-X-VERSION:6\n"
        "#EXT-X-INDEPENDENT-SEGMENTS\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="audio",LANGUAGE="eng",AUTOSELECT=YES,'
        'DEFAULT=YES,CHANNELS="2",URI="audio/index.m3u8"\n'
        "#EXT-X-STREAM-INF:BANDWIDTH=3400000,AVERAGE-BANDWIDTH=3100000,RESOLUTION=1280x720,"
        'FRAME-RATE=29.970,CODECS="avc1.64001F,mp4a.40.2",AUDIO="aud"\n'
        "720p/index.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=950000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,"
        'FRAME-RATE=29.970,CODECS="avc1.64001E,mp4a.40.2",AUDIO="aud"\n'
        "360p/index.m3u8\n"
    )


def test_audio_only_master() -> None:
    text = master_playlist([VariantEntry("audio/index.m3u8", 140_000, 130_000, "mp4a.40.2")])
    assert "RESOLUTION" not in text and "FRAME-RATE" not in text and "AUDIO=" not in text
    assert '#EXT-X-STREAM-INF:BANDWIDTH=140000,AVERAGE-BANDWIDTH=130000,CODECS="mp4a.40.2"' in text
