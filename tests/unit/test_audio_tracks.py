"""Audio tracks: language tags and names, which streams become renditions (pure)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mediadesk.domain.languages import language_name, language_tag, track_label, unique_labels
from mediadesk.domain.mediainfo import MediaInfo, StreamInfo
from mediadesk.engine.encoders import CPU_ENCODER as X264
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.master import AudioEntry, SubtitleEntry, VariantEntry, master_playlist
from mediadesk.engine.hls.plan import plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.hls.tracks import (
    digest_argv,
    duplicate_candidates,
    parse_digests,
    plan_audio_tracks,
)
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import MKV
from tests.unit.test_pipeline_golden import SOURCE

LADDER = load_typed("hls/ladder_v1", LadderPreset)
AUDIO = load_typed("hls/audio_v1", AudioHlsPreset)


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("eng", "en"),
        ("fre", "fr"),
        ("fra", "fr"),
        ("ger", "de"),
        ("en", "en"),
        ("pt-br", "pt-BR"),
        ("zh_hant", "zh-Hant"),
        ("gsw", "gsw"),
        ("und", None),
        ("", None),
        (None, None),
        ("english!", None),
    ],
)
def test_language_tags_follow_rfc_5646(code: str | None, tag: str | None) -> None:
    assert language_tag(code) == tag


def test_names_are_in_the_language_itself() -> None:
    assert language_name("fr") == "Français"
    assert language_name("fr", native=False) == "French"
    assert language_name("pt-BR") == "Português (Brasil)"
    assert track_label("fr", commentary=True) == "Français (commentary)"
    assert track_label("en", title="English") == "English"
    assert track_label("en", title="Director's commentary", commentary=True) == (
        "English (Director's commentary)"
    )
    assert track_label(None, unknown="Audio") == "Audio"
    assert track_label("de", forced=True) == "Deutsch (forced)"
    assert unique_labels(["English", "English", "Français"]) == [
        "English",
        "English 2",
        "Français",
    ]


def _audio(index: int, language: str | None, **kw: object) -> StreamInfo:
    fields: dict[str, object] = {
        "codec": "aac",
        "channels": 2,
        "sample_rate": 48000,
        "bit_rate": 128000,
        "duration": 10.0,
    }
    fields.update(kw)
    return StreamInfo(index=index, type="audio", language=language, **fields)  # type: ignore[arg-type]


def _source(*audio: StreamInfo) -> MediaInfo:
    video = StreamInfo(
        index=0, type="video", width=320, height=180, avg_frame_rate="25/1", r_frame_rate="25/1"
    )
    return MediaInfo(container="matroska", duration=10.0, streams=[video, *audio])


def test_every_language_commentary_and_surround() -> None:
    info = _source(
        _audio(1, "eng"),
        _audio(2, "fre", default=True),
        _audio(3, "eng", commentary=True, title="Commentary"),
        _audio(4, "ger", channels=6, channel_layout="5.1(side)", bit_rate=448000),
    )
    tracks = plan_audio_tracks(info, AUDIO)
    # The default-disposition track comes first and is the only default.
    assert [(t.stream_index, t.label, t.language, t.default) for t in tracks.stereo] == [
        (2, "Français", "fr", True),
        (1, "English", "en", False),
        (3, "English (Commentary)", "en", False),
        (4, "Deutsch", "de", False),
    ]
    assert {t.channels for t in tracks.stereo} == {2}
    assert [(t.stream_index, t.channels, t.bitrate_k, t.group_id) for t in tracks.surround] == [
        (4, 6, 384, "aud_surround")
    ]
    # The surround group still offers every language.
    assert [(t.stream_index, t.channels) for t in tracks.surround_group] == [
        (2, 2),
        (1, 2),
        (3, 2),
        (4, 6),
    ]
    names = [t.name for t in tracks.encoded]
    assert len(set(names)) == len(names)


def test_first_track_is_default_without_a_disposition_and_the_preset_caps() -> None:
    info = _source(*(_audio(i, lang) for i, lang in enumerate(["spa", "ita", "jpn"], start=1)))
    tracks = plan_audio_tracks(info, AUDIO.model_copy(update={"max_tracks": 2}))
    assert [(t.language, t.default) for t in tracks.stereo] == [("es", True), ("it", False)]


def test_exact_duplicates_are_made_once() -> None:
    info = _source(_audio(1, "eng"), _audio(2, "eng"), _audio(3, "eng", bit_rate=96000))
    # Only streams that look alike are worth hashing.
    assert duplicate_candidates(info) == [1, 2]
    same = plan_audio_tracks(info, AUDIO, {1: "ab", 2: "ab"})
    assert [t.stream_index for t in same.stereo] == [1, 3]
    # Alike but different bytes (two unlabelled mixes): both kept, names made unique.
    different = plan_audio_tracks(info, AUDIO, {1: "ab", 2: "cd"})
    assert [t.label for t in different.stereo] == ["English", "English 2", "English 3"]


def test_digest_argv_and_parse() -> None:
    argv = digest_argv("ffmpeg", SOURCE, MKV, [2, 5])
    assert argv[argv.index("-f", argv.index("-i")) + 1] == "streamhash"
    assert argv[argv.index("-map") : argv.index("-map") + 4] == ["-map", "0:2", "-map", "0:5"]
    assert parse_digests("0,a,SHA256=aa\n1,a,SHA256=bb\n", [2, 5]) == {2: "aa", 5: "bb"}


def test_ladder_argv_maps_every_track_once_and_splits_for_surround() -> None:
    info = _source(_audio(1, "eng"), _audio(2, "ger", channels=6))
    plan = plan_ladder(LADDER, AUDIO, info)
    argv = ladder_argv("ffmpeg", SOURCE, MKV, plan, SOURCE.parent / "out", X264)
    graph = argv[argv.index("-filter_complex") + 1]
    assert graph.count("[0:1]") == 1 and graph.count("[0:2]") == 1
    assert "asplit=2" in graph
    stream_map = argv[argv.index("-var_stream_map") + 1]
    assert stream_map.endswith("a:0,name:audio a:1,name:audio_2 a:2,name:audio_2_surround")
    for option, value in (("-ac:a:2", "6"), ("-b:a:2", "384k"), ("-ac:a:0", "2")):
        assert argv[argv.index(option) + 1] == value


def test_master_lists_tracks_and_subtitles() -> None:
    variant = VariantEntry(
        "360p/index.m3u8", 900_000, 800_000, "avc1.64001E,mp4a.40.2", 640, 360, Fraction(25), "aud"
    )
    text = master_playlist(
        [variant],
        [
            AudioEntry("aud", "English", "audio/index.m3u8", 2, "en"),
            AudioEntry("aud", "Français (commentary)", "audio_2/index.m3u8", 2, "fr", False),
        ],
        subtitles=[
            SubtitleEntry("subs", "Français (forced)", "sub_1/index.m3u8", "fr", forced=True)
        ],
    )
    assert (
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Français (commentary)",LANGUAGE="fr",'
        'AUTOSELECT=YES,DEFAULT=NO,CHANNELS="2",URI="audio_2/index.m3u8"'
    ) in text
    assert (
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français (forced)",LANGUAGE="fr",'
        'DEFAULT=NO,AUTOSELECT=YES,FORCED=YES,URI="sub_1/index.m3u8"'
    ) in text
    assert 'AUDIO="aud",SUBTITLES="subs"' in text
