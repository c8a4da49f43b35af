"""Real sources with several audio languages, commentary and 5.1 through the real
pipeline: every track comes out as a rendition with the right tags."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from mediadesk.engine.hls.subtitles import parse_vtt
from tests.audio_signals import decode, tone_db
from tests.pipeline_support import _attributes as attributes
from tests.pipeline_support import (
    ffprobe,
    import_and_wait,
    master_variants,
    media_root,
    playlist_durations,
    stream_of,
)
from tests.tracks_media import mov_text_mp4, multi_audio_mkv, with_sidecars

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def media_lines(master: Path, kind: str) -> list[dict[str, str]]:
    return [
        dict(attributes(line.split(":", 1)[1]))
        for line in master.read_text("utf-8").splitlines()
        if line.startswith("#EXT-X-MEDIA:") and f"TYPE={kind}" in line
    ]


@pytest.fixture(scope="session")
def tracks_source(ffmpeg: None, media_dir: Path) -> Path:
    return multi_audio_mkv(media_dir)


def test_every_audio_track_becomes_a_rendition(runtime_factory: Any, tracks_source: Path) -> None:
    rt = runtime_factory()
    media = import_and_wait(rt, tracks_source)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    out = media_root(rt) / "hls" / media.id
    master = out / "master.m3u8"
    audio = media_lines(master, "AUDIO")
    stereo = [a for a in audio if a["GROUP-ID"] == "aud"]
    # The exact duplicate of the English stream is made once.
    assert [(a["NAME"], a.get("LANGUAGE"), a["DEFAULT"], a["CHANNELS"]) for a in stereo] == [
        ("English", "en", "YES", "2"),
        ("Français", "fr", "NO", "2"),
        ("English (Commentary)", "en", "NO", "2"),
        ("Deutsch", "de", "NO", "2"),
    ]
    assert all(a["AUTOSELECT"] == "YES" for a in audio)
    surround = [a for a in audio if a["GROUP-ID"] == "aud_surround"]
    assert [(a["NAME"], a["CHANNELS"]) for a in surround] == [
        ("English", "2"),
        ("Français", "2"),
        ("English (Commentary)", "2"),
        ("Deutsch", "6"),
    ]
    assert sum(a["DEFAULT"] == "YES" for a in surround) == 1
    # Each rung is offered with either group; BANDWIDTH counts the heaviest audio.
    variants = master_variants(master)
    assert sorted(v["AUDIO"] for v in variants) == ["aud", "aud_surround"]
    by_group = {v["AUDIO"]: int(v["BANDWIDTH"]) for v in variants}
    assert by_group["aud_surround"] >= by_group["aud"]
    # What the renditions hold: the right channels, and the right source stream (the
    # French track is a 550 Hz tone, the German one 330 Hz).
    tones = {"English": 440, "Français": 550, "English (Commentary)": 660, "Deutsch": 330}
    for entry in audio:
        playlist = out / entry["URI"]
        stream = stream_of(playlist, "a")
        assert stream["codec_name"] == "aac"
        assert stream["channels"] == int(entry["CHANNELS"])
        samples = decode(playlist.parent / "seg_00000.ts")
        assert tone_db(samples, 0.5, 1.5, (tones[entry["NAME"]],)) > -20, entry
    artifacts = [
        a
        for a in rt.library.get_media(media.id).artifacts or []
        if a.kind == ArtifactKind.AUDIO_HLS
    ]
    assert sorted(a.params["label"] for a in artifacts) == sorted(
        [a["NAME"] for a in stereo] + ["Deutsch"]
    )
    # ffprobe reads the master and lists every rendition.
    doc = ffprobe("-show_entries", "stream=codec_type,channels", str(master))
    channels = sorted(s.get("channels", 0) for s in doc["streams"] if s["codec_type"] == "audio")
    assert channels.count(6) >= 1 and channels.count(2) >= 4


def subtitle_cues(directory: Path) -> list[tuple[float, float, str]]:
    """Every cue of a segmented WebVTT rendition, in the rendition's 90 kHz clock
    (what a player computes from X-TIMESTAMP-MAP), deduplicated across segments."""
    cues: set[tuple[float, float, str]] = set()
    for segment in sorted(directory.glob("seg_*.vtt")):
        text = segment.read_text("utf-8")
        header = re.search(r"X-TIMESTAMP-MAP=MPEGTS:(\d+),LOCAL:00:00:00.000", text)
        assert header, segment
        base = int(header.group(1)) / 90000
        for cue in parse_vtt(text):
            cues.add((round(base + cue.start, 3), round(base + cue.end, 3), cue.text))
    return sorted(cues)


def first_video_pts(playlist: Path) -> float:
    first = playlist.parent / "seg_00000.ts"
    doc = ffprobe("-select_streams", "v:0", "-show_entries", "stream=start_time", str(first))
    return float(doc["streams"][0]["start_time"])


def test_subtitle_streams_sidecars_and_chapters(
    runtime_factory: Any, tracks_source: Path, tmp_path: Path
) -> None:
    movie = tmp_path / "Movie (2020).mkv"
    shutil.copyfile(tracks_source, movie)
    with_sidecars(movie)
    rt = runtime_factory()
    media = import_and_wait(rt, movie)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    view = rt.library.get_media(media.id)
    files = sorted((f.language, f.forced, f.charset) for f in view.subtitle_files or [])
    assert files == [("en", False, "cp1252"), ("fr", True, "utf-8")]
    out = media_root(rt) / "hls" / media.id
    master = out / "master.m3u8"
    subs = media_lines(master, "SUBTITLES")
    assert [(s["NAME"], s.get("LANGUAGE"), s["FORCED"], s["DEFAULT"]) for s in subs] == [
        ("English", "en", "NO", "NO"),
        ("Français", "fr", "NO", "NO"),
        ("English 2", "en", "NO", "NO"),
        ("Français (forced)", "fr", "YES", "NO"),
    ]
    assert all(s["AUTOSELECT"] == "YES" and s["GROUP-ID"] == "subs" for s in subs)
    assert all(v.get("SUBTITLES") == "subs" for v in master_variants(master))
    # Cue times in the rendition clock sit where the source put them relative to the
    # first video frame: source time t shows at first_pts + (t - video start).
    rung = out / master_variants(master)[0]["URI"]
    pts = first_video_pts(rung)
    start = next(s.start_time for s in view.probe.streams if s.type == "video") or 0.0

    def at(t: float) -> float:
        return round(pts + t - start, 3)

    english = subtitle_cues(out / subs[0]["URI"].split("/")[0])
    # The embedded SRT was muxed 0.021 s late (the source's own offset), so its
    # source times are 0.521 and 2.021.
    assert [c[2] for c in english] == ["Hello there", "Second line"]
    stream_pts = ffprobe(
        "-select_streams", "s:0", "-show_entries", "packet=pts_time", str(tracks_source)
    )["packets"]
    assert abs(english[0][0] - at(float(stream_pts[0]["pts_time"]))) < 0.002
    french = subtitle_cues(out / subs[1]["URI"].split("/")[0])
    # ASS styling reduced to text and italics: no bold, colour or position.
    assert [c[2] for c in french] == ["Bonjour <i>à tous</i>", "Au revoir"]
    sidecar = subtitle_cues(out / subs[2]["URI"].split("/")[0])
    assert sidecar == [(at(1.0), at(2.0), "A café, please")]
    forced = subtitle_cues(out / subs[3]["URI"].split("/")[0])
    assert forced[0][2] == "Panneau : SORTIE"
    # Every subtitle playlist is cut like the video.
    video_durations = playlist_durations(rung)
    for entry in subs:
        assert playlist_durations(out / entry["URI"]) == pytest.approx(video_durations, abs=1e-3)
        full = (out / entry["URI"]).parent / "all.vtt"
        assert full.read_text("utf-8").startswith("WEBVTT")
    # Chapters: in the library and served as a WebVTT chapters track.
    assert [(c.title, c.start) for c in view.probe.chapters] == [
        ("Opening", 0.0),
        ("Le départ", 1.5),
    ]
    chapters = parse_vtt((out / "chapters.vtt").read_text("utf-8"))
    assert [c.text for c in chapters] == ["Opening", "Le départ"]
    assert chapters[1].start == pytest.approx(1.5 - start, abs=0.002)
    kinds = {a.kind for a in view.artifacts or []}
    assert {ArtifactKind.SUBTITLES, ArtifactKind.CHAPTERS} <= kinds


def test_mov_text_becomes_a_subtitle_rendition(runtime_factory: Any, media_dir: Path) -> None:
    rt = runtime_factory()
    media = import_and_wait(rt, mov_text_mp4(media_dir))
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    out = media_root(rt) / "hls" / media.id
    subs = media_lines(out / "master.m3u8", "SUBTITLES")
    assert [(s["NAME"], s["LANGUAGE"]) for s in subs] == [("Español", "es")]
    cues = subtitle_cues(out / subs[0]["URI"].split("/")[0])
    assert [c[2] for c in cues] == ["Hola", "Second line"]
