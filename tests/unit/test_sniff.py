import struct
from pathlib import Path

import pytest

from mediadesk.engine import sniff as sn
from mediadesk.engine.integrity import check_complete
from mediadesk.errors import ErrorCode, InvalidInput


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 20, sn.MP4),
        (b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 20, sn.MOV),
        (b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 20, sn.M4A),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", sn.WEBM),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01matroska", sn.MKV),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", sn.WAV),
        (b"RIFF\x00\x00\x00\x00AVI LIST", sn.AVI),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", sn.WEBP),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", sn.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00", sn.PNG),
        (b"ID3\x04\x00\x00", sn.MP3),
        (b"\xff\xfb\x90\x00", sn.MP3),
        (b"\xff\xf1\x50\x80", sn.AAC),
        (b"OggS\x00\x02", sn.OGG),
        (b"fLaC\x00\x00", sn.FLAC),
        (
            b"G"
            + b"\x00" * 187
            + b"G"
            + b"\x00" * 187
            + b"G"
            + b"\x00" * 187
            + b"G"
            + b"\x00" * 187
            + b"G"
            + b"\x00" * 10,
            sn.MPEGTS,
        ),
    ],
)
def test_identify(head: bytes, expected: sn.Container) -> None:
    assert sn.identify(head) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n",
        b"ffconcat version 1.0\nfile '/etc/passwd'\n",
        b"hello world, definitely not a video",
        b"PK\x03\x04zipzip",
        b"\x00\x00\x00\x18ftypheic" + b"\x00" * 20,
    ],
)
def test_non_media_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.mp4"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as err:
        sn.sniff(path)
    assert err.value.code == ErrorCode.UNSUPPORTED_MEDIA
    assert "x.mp4" in err.value.message


def test_playlist_message_says_why(tmp_path: Path) -> None:
    path = tmp_path / "movie.mp4"
    path.write_text("#EXTM3U\n#EXT-X-VERSION:3\n")
    with pytest.raises(InvalidInput, match="HLS playlist"):
        sn.sniff(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mkv"
    path.touch()
    with pytest.raises(InvalidInput) as err:
        sn.sniff(path)
    assert err.value.code == ErrorCode.EMPTY_FILE


def _box(kind: bytes, payload: bytes, declared: int | None = None) -> bytes:
    return struct.pack(">I4s", declared or 8 + len(payload), kind) + payload


def test_mp4_box_walk_detects_truncation(tmp_path: Path) -> None:
    good = (
        _box(b"ftyp", b"isom\x00\x00\x02\x00")
        + _box(b"moov", b"\x00" * 32)
        + _box(b"mdat", b"\x01" * 100)
    )
    path = tmp_path / "ok.mp4"
    path.write_bytes(good)
    check_complete(path, sn.MP4)
    path.write_bytes(good[:-10])
    with pytest.raises(InvalidInput) as err:
        check_complete(path, sn.MP4)
    assert err.value.code == ErrorCode.TRUNCATED_MEDIA


def test_mp4_without_moov_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "nomoov.mp4"
    path.write_bytes(_box(b"ftyp", b"isom\x00\x00\x02\x00") + _box(b"mdat", b"\x01" * 50))
    with pytest.raises(InvalidInput, match="moov"):
        check_complete(path, sn.MP4)


def test_riff_size_beyond_file(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", 10_000) + b"WAVE" + b"\x00" * 100)
    with pytest.raises(InvalidInput, match="truncated"):
        check_complete(path, sn.WAV)
