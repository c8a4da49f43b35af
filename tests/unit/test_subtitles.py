"""Subtitle files, WebVTT cutting and the master's subtitle lines (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.domain.mediainfo import MediaInfo, StreamInfo
from mediadesk.engine.hls.master import SubtitleEntry, with_subtitles
from mediadesk.engine.hls.subtitles import (
    Cue,
    SidecarSubtitle,
    extract_argv,
    parse_vtt,
    plain_text,
    plan_subtitles,
    write_rendition,
)
from mediadesk.engine.sniff import MKV
from mediadesk.engine.subtitle_files import (
    SRT,
    SubtitleName,
    decode,
    find_sidecars,
    parse_name,
    read_subtitle,
)
from mediadesk.errors import InvalidInput
from mediadesk.handlers.subtitles import subtitle_dirs


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Movie.en.srt", SubtitleName("srt", "en", False, False)),
        ("Movie.fr.forced.ass", SubtitleName("ass", "fr", True, False)),
        ("Movie.vtt", SubtitleName("vtt", None, False, False)),
        ("Movie.pt-BR.sdh.srt", SubtitleName("srt", "pt-BR", False, True)),
        ("Movie.eng.ssa", SubtitleName("ass", "en", False, False)),
        ("Movie.hi.srt", SubtitleName("srt", "hi", False, False)),  # Hindi, not "HI"
        ("Movie 2.en.srt", None),  # another film's
        ("Movie.en.txt", None),
    ],
)
def test_sidecar_names(filename: str, expected: SubtitleName | None) -> None:
    assert parse_name("Movie", filename) == expected


def test_sidecars_are_found_beside_the_file_only(tmp_path: Path) -> None:
    movie = tmp_path / "Movie.mkv"
    movie.write_bytes(b"x")
    for name in ("Movie.en.srt", "Movie.fr.forced.srt", "Other.en.srt", "Movie.nfo"):
        (tmp_path / name).write_text("1\n00:00:01,000 --> 00:00:02,000\nx\n")
    (tmp_path / "Movie.de.srt").symlink_to(tmp_path / "Other.en.srt")
    assert [p.name for p, _ in find_sidecars(movie)] == ["Movie.en.srt", "Movie.fr.forced.srt"]


def test_a_version_shows_the_movies_subtitles_unless_it_has_its_own(tmp_path: Path) -> None:
    """``Film (2019).en.srt`` belongs to every version of the movie (as Jellyfin shows
    it); ``Film (2019) - 4K.en.srt`` to the 4K version only, in place of the shared one."""
    for name in (
        "Film (2019) - 1080p.mkv", "Film (2019) - 4K.mkv", "Film (2019).en.srt",
        "Film (2019).de.forced.srt", "Film (2019) - 4K.en.srt", "Film (2019) - 4K.sdh.srt",
        "Other (2019).fr.srt",
    ):  # fmt: skip
        (tmp_path / name).write_text("1\n00:00:01,000 --> 00:00:02,000\nx\n")
    hd = find_sidecars(tmp_path / "Film (2019) - 1080p.mkv")
    assert [p.name for p, _ in hd] == ["Film (2019).de.forced.srt", "Film (2019).en.srt"]
    uhd = find_sidecars(tmp_path / "Film (2019) - 4K.mkv")
    assert [(p.name, n.language) for p, n in uhd] == [
        ("Film (2019) - 4K.en.srt", "en"),
        ("Film (2019) - 4K.sdh.srt", None),
        ("Film (2019).de.forced.srt", "de"),
    ]
    # Not a version: only its own name counts.
    plain = tmp_path / "Film (2019).mkv"
    plain.write_bytes(b"x")
    assert [p.name for p, _ in find_sidecars(plain)] == [
        "Film (2019).de.forced.srt",
        "Film (2019).en.srt",
    ]


def test_charsets() -> None:
    assert decode("café".encode()) == ("café", "utf-8")
    assert decode(b"\xef\xbb\xbfcaf\xc3\xa9") == ("café", "utf-8")
    assert decode("café".encode("utf-16")) == ("café", "utf-16")
    assert decode("café €5".encode("cp1252")) == ("café €5", "cp1252")


def test_a_file_that_is_not_a_subtitle_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "Movie.en.srt"
    bad.write_text("#EXTM3U\nhttp://example.com/x.ts\n")
    with pytest.raises(InvalidInput, match="does not read as a SRT"):
        read_subtitle(bad, SubtitleName("srt", "en", False, False))
    big = tmp_path / "Movie.fr.srt"
    big.write_bytes(b"1" * (6 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="at most 5 MB"):
        read_subtitle(big, SubtitleName("srt", "fr", False, False))


def test_styling_is_reduced_to_text_and_italics() -> None:
    assert plain_text("<b>Bonjour</b> <i>à tous</i>") == "Bonjour <i>à tous</i>"
    assert plain_text('<c.yellow>x</c> <font color="red">y</font>') == "x y"
    cues = parse_vtt(
        "WEBVTT\n\n1\n00:00.500 --> 00:01.500 align:start\n<b>Hi</b>\n\n"
        "01:00:02.000 --> 01:00:03.000\nlate\n\n00:04.000 --> 00:03.000\nbackwards\n"
    )
    assert cues == [Cue(0.5, 1.5, "Hi"), Cue(3602.0, 3603.0, "late")]


def test_rendition_segments_follow_the_video(tmp_path: Path) -> None:
    cues = [Cue(0.5, 1.5, "a"), Cue(5.9, 6.2, "b"), Cue(13.0, 14.0, "c")]
    write_rendition(tmp_path, cues, [6.0, 6.0, 0.5], video_start=0.021, mpegts=124110)
    playlist = (tmp_path / "index.m3u8").read_text()
    assert "#EXTINF:6.000000,\nseg_00000.vtt" in playlist and playlist.endswith("#EXT-X-ENDLIST\n")
    segments = [(tmp_path / f"seg_{i:05d}.vtt").read_text() for i in range(3)]
    assert all(
        s.startswith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:124110,LOCAL:00:00:00.000\n") for s in segments
    )
    # A cue crossing a boundary is in both segments; one after the end is in the last.
    assert [[c.text for c in parse_vtt(s)] for s in segments] == [["a", "b"], ["b"], ["c"]]
    full = parse_vtt((tmp_path / "all.vtt").read_text())
    assert full[0] == Cue(0.479, 1.479, "a")


def test_plan_lists_picture_subtitles_and_one_default() -> None:
    info = MediaInfo(
        container="matroska",
        duration=10,
        start_time=0.5,
        streams=[
            StreamInfo(index=0, type="video"),
            StreamInfo(index=1, type="subtitle", codec="subrip", language="eng", default=True),
            StreamInfo(index=2, type="subtitle", codec="ass", language="eng", default=True),
            StreamInfo(index=3, type="subtitle", codec="hdmv_pgs_subtitle", language="ger"),
        ],
    )
    side = SidecarSubtitle(Path("/s/x.srt"), SRT, "fr", forced=True)
    tracks, pictures = plan_subtitles(info, [side])
    assert [(t.label, t.default, t.forced, t.offset) for t in tracks] == [
        ("English", True, False, 0.0),
        ("English 2", False, False, 0.0),
        ("Français (forced)", False, True, 0.5),
    ]
    assert [(p.stream_index, p.label) for p in pictures] == [(3, "Deutsch")]
    argv = extract_argv("ffmpeg", Path("/in.mkv"), MKV, tracks, Path("/out"))
    assert argv.count("-i") == 2 and "-copyts" in argv
    assert argv[argv.index("-map") + 1] == "0:1"
    assert argv[argv.index("1:0") - 1 : argv.index("1:0") + 1] == ["-map", "1:0"]
    assert "file:/s/x.srt" in argv and argv[argv.index("file:/s/x.srt") - 2] == "srt"


def test_master_subtitles_are_replaced_not_added() -> None:
    master = (
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",URI="audio/index.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=320x180,AUDIO="aud"\n360p/index.m3u8\n'
    )
    one = [SubtitleEntry("subs", "English", "subs_1/index.m3u8", "en")]
    once = with_subtitles(master, one)
    twice = with_subtitles(once, [*one, SubtitleEntry("subs", "Deutsch", "subs_2/index.m3u8")])
    assert twice.count("TYPE=SUBTITLES") == 2 and twice.count('SUBTITLES="subs"') == 1
    lines = twice.splitlines()
    assert lines[4].startswith("#EXT-X-MEDIA:TYPE=SUBTITLES") and lines[-1] == "360p/index.m3u8"
    assert with_subtitles(twice, []) == master


def test_the_renditions_a_master_lists_are_found_for_removal() -> None:
    master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=320x180\nv/index.m3u8\n"
    entries = [
        SubtitleEntry("subs", name, f"{d}/index.m3u8", lang, False, False)
        for name, d, lang in (("English", "subs_1", "en"), ("Deutsch", "subs_2", "de"))
    ]
    listed = with_subtitles(master, entries)
    assert subtitle_dirs(listed) == {"subs_1", "subs_2"}
    # Only subtitle renditions: video variants and audio groups are the ladder's.
    assert subtitle_dirs(master + '#EXT-X-MEDIA:TYPE=AUDIO,URI="audio/index.m3u8"\n') == set()
