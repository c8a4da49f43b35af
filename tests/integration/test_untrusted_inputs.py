"""Crafted files that try to make ffmpeg read local files or the network.

The tripwire is real: a named pipe that notices any attempt to open it. Where a
vector works against a plain ffmpeg invocation on this machine, the test shows that
first (the control), then shows MediaDesk's way of opening the same file does not
trigger it. (Network: ffmpeg 5.1's HLS demuxer already limits a playlist read from a
local file to file, crypto and data, checked by hand; we never hand ffmpeg a URL.)
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.engine.inputs import input_args
from mediadesk.engine.probe import probe_file
from mediadesk.engine.sniff import sniff
from mediadesk.errors import ErrorCode, InvalidInput
from tests.media import Clip, make_clip
from tests.pipeline_support import WAIT_S, FifoTripwire, import_and_wait

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def playlist(target: str) -> bytes:
    return (
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:1.0,\n{target}\n#EXT-X-ENDLIST\n"
    ).encode()


def id3_wrapped(path: Path, target: str) -> Path:
    """An "MP3": an ID3v2 tag, then a playlist. ffmpeg skips ID3 tags before probing
    the rest, so without a forced demuxer it reads this as HLS."""
    padding = b"\0" * 32
    size = bytes((len(padding) >> s) & 0x7F for s in (21, 14, 7, 0))
    path.write_bytes(b"ID3\x04\x00\x00" + size + padding + playlist(target) + b"\n" * 64)
    return path


def _chunk(tag: bytes, data: bytes) -> bytes:
    return tag + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def _list(kind: bytes, body: bytes) -> bytes:
    return _chunk(b"LIST", kind + body)


def gab2_avi(path: Path, target: str, width: int = 64, height: int = 48) -> Path:
    """A valid AVI (one second of raw video) with a GAB2 subtitle stream whose
    embedded "subtitle file" is an HLS playlist naming ``target``.

    avidec reads a subtitle packet starting with ``GAB2\\0`` + version 2 as an
    embedded file: a UTF-16 title, then the file, which it probes and opens as a
    nested demuxer. That nested open is the vector.
    """
    fps, frames = 25, 25
    frame = bytes([0x20, 0x80, 0xE0]) * (width * height)
    avih = struct.pack(
        "<10I", 1_000_000 // fps, 0, 0, 0x10, frames, 0, 2, 0, width, height
    ) + bytes(16)
    strh_video = b"vids" + b"DIB " + struct.pack(
        "<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, fps, 0, frames, len(frame), 0xFFFFFFFF, 0, 0, 0,
        width, height,
    )  # fmt: skip
    strf_video = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(frame), 0, 0, 0, 0)
    strh_text = (
        b"txts"
        + bytes(4)
        + struct.pack("<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, fps, 0, 1, 0, 0xFFFFFFFF, 0, 0, 0, 0, 0)
    )
    hdrl = _list(
        b"hdrl",
        _chunk(b"avih", avih)
        + _list(b"strl", _chunk(b"strh", strh_video) + _chunk(b"strf", strf_video))
        + _list(b"strl", _chunk(b"strh", strh_text) + _chunk(b"strf", bytes(4))),
    )
    title = "gab2-title".encode("utf-16-le")
    embedded = playlist(target)
    gab2 = (
        b"GAB2\0"
        + struct.pack("<H", 2)
        + struct.pack("<I", len(title))
        + title
        + struct.pack("<H", 4)
        + struct.pack("<I", len(embedded))
        + embedded
    )
    movi = _list(
        b"movi", _chunk(b"01tx", gab2) + b"".join(_chunk(b"00db", frame) for _ in range(frames))
    )
    body = b"AVI " + hdrl + movi
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def bare_ffprobe(*args: str) -> None:
    """What a naive program runs; never raises (we only watch the tripwires)."""
    subprocess.run(["ffprobe", "-hide_banner", *args], capture_output=True, timeout=30)


def test_id3_wrapped_playlist_cannot_read_a_local_file(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.ts"
    evil = id3_wrapped(tmp_path / "song.mp3", str(secret))
    with FifoTripwire(secret) as wire:
        # Control: a plain ffprobe, even with a protocol whitelist, opens the file.
        bare_ffprobe("-protocol_whitelist", "file", str(evil))
        assert wire.opened.wait(10), "the vector did not work: this test proves nothing"
    secret.unlink()
    with FifoTripwire(secret) as wire:
        assert sniff(evil).demuxer == "mp3"
        with pytest.raises(InvalidInput) as err:
            probe_file(evil, "ffprobe")
        assert err.value.code == ErrorCode.INVALID_MEDIA
        with pytest.raises(InvalidInput) as err:
            runtime.ingest.import_path(evil)
        assert err.value.code == ErrorCode.INVALID_MEDIA
        # The argv every job uses to open an original, run to the end.
        subprocess.run(
            [
                "ffmpeg",
                "-hide_banner",
                "-nostdin",
                *input_args(evil, sniff(evil)),
                "-f",
                "null",
                "-",
            ],
            capture_output=True,
            timeout=30,
        )
    # Every reader has exited and the tripwire has stopped: an open would have shown.
    assert not wire.opened.is_set()


def test_text_playlist_renamed_mp4_reads_nothing(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.ts"
    fake = tmp_path / "movie.mp4"
    fake.write_bytes(playlist(str(secret)))
    with FifoTripwire(secret) as wire:
        with pytest.raises(InvalidInput) as err:
            runtime.ingest.import_path(fake)
        assert err.value.code == ErrorCode.UNSUPPORTED_MEDIA
    assert not wire.opened.is_set()


def test_nested_gab2_playlist_in_avi_reads_nothing_through_the_pipeline(
    running, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.ts"
    evil = gab2_avi(tmp_path / "clip.avi", str(secret))
    # The construction is real: ffmpeg parses the GAB2 header (its title shows up)...
    out = subprocess.run(
        ["ffprobe", "-hide_banner", "-show_streams", *input_args(evil, sniff(evil))],
        capture_output=True,
        timeout=30,
        text=True,
    )
    assert "TAG:title=gab2-title" in out.stdout
    with FifoTripwire(secret) as wire:
        # ...and a whole import plus every pipeline job (poster, ladder, preview,
        # trickplay) runs on it without ever opening the file the playlist names.
        media = import_and_wait(running, evil)
        assert media.status == "READY", (media.error_code, media.error_message)
        jobs = running.jobs.wait(running.jobs.jobs_of_media(media.id), timeout=WAIT_S)
        assert {j.status for j in jobs} == {JobStatus.COMPLETED}, "every job has run"
    assert not wire.opened.is_set()


@pytest.mark.parametrize("name", ["-i.mp4", "http:clip.mp4", "subfile,,0,10,:x.mp4"])
def test_names_that_read_as_options_or_protocols(
    media_dir: Path, tmp_path: Path, name: str
) -> None:
    original = make_clip(media_dir, Clip())
    odd = tmp_path / name
    odd.write_bytes(original.read_bytes())
    argv = input_args(odd, sniff(odd))
    assert argv[-1] == f"file:{odd.resolve()}" and argv[-2] == "-i"
    info = probe_file(odd, "ffprobe")
    assert info.video is not None and info.video.width == 320
