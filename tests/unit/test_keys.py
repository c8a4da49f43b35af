import pytest

from mediadesk.errors import InvalidInput
from mediadesk.storage import keys


@pytest.mark.parametrize(
    "bad",
    ["", "/etc/passwd", "../x", "a/../../b", "a//b", "a/./b", "a\\b", "a\x00b", ".", "a/"],
)
def test_bad_keys_rejected(bad: str) -> None:
    with pytest.raises(InvalidInput):
        keys.validate_key(bad)


def test_layout() -> None:
    assert keys.original("abc", ".MP4") == "originals/abc.mp4"
    assert keys.original("abc", "weird ext!") == "originals/abc.bin"
    assert keys.hls_master("abc") == "hls/abc/master.m3u8"
    assert keys.preview_dir("abc") == "hls/abc/preview"
