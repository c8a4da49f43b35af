"""Real sources with several audio languages, commentary and 5.1 through the real
pipeline: every track comes out as a rendition with the right tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from tests.audio_signals import decode, tone_db
from tests.pipeline_support import _attributes as attributes
from tests.pipeline_support import (
    ffprobe,
    import_and_wait,
    master_variants,
    media_root,
    stream_of,
)
from tests.tracks_media import multi_audio_mkv

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
