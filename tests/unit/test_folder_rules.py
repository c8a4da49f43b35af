"""Which files of a library folder are media, judged by name; hashing batches."""

from __future__ import annotations

import pytest

from mediadesk.domain.enums import MediaKind
from mediadesk.domain.folders import (
    FolderKind,
    SkipReason,
    is_sample,
    media_kind_of,
    skip_by_name,
    skip_dir,
)
from mediadesk.handlers.folder_hash import BATCH_BYTES, BATCH_FILES, batches


@pytest.mark.parametrize(
    ("path", "kind", "reason"),
    [
        ("Movies/Heat (1995)/Heat (1995).mkv", FolderKind.MOVIES, None),
        ("Movies/Heat (1995)/movie.nfo", FolderKind.MOVIES, SkipReason.NFO),
        ("notes.TXT", FolderKind.MIXED, SkipReason.NOT_MEDIA),
        ("Show/Season 01/x.mkv.part", FolderKind.SERIES, SkipReason.PARTIAL),
        ("Show/Season 01/x.mkv.crdownload", FolderKind.SERIES, SkipReason.PARTIAL),
        ("Movies/Heat (1995)/Heat (1995).en.srt", FolderKind.MOVIES, SkipReason.SUBTITLES),
        ("Movies/Heat (1995)/poster.jpg", FolderKind.MOVIES, SkipReason.ARTWORK),
        ("Movies/Heat (1995)/Heat (1995)-fanart.jpg", FolderKind.MIXED, SkipReason.ARTWORK),
        ("Show/season01-poster.jpg", FolderKind.MIXED, SkipReason.ARTWORK),
        ("Photos/IMG_2041.jpg", FolderKind.MIXED, None),  # a photo in a mixed folder
        ("Movies/still.png", FolderKind.MOVIES, SkipReason.ARTWORK),  # never media there
        ("Music/01 Track.flac", FolderKind.MIXED, None),
        (".DS_Store", FolderKind.MIXED, SkipReason.HIDDEN),
        ("noextension", FolderKind.MIXED, SkipReason.NOT_MEDIA),
    ],
)
def test_skip_by_name(path: str, kind: FolderKind, reason: SkipReason | None) -> None:
    assert skip_by_name(path, kind) == reason


def test_kinds_and_system_folders() -> None:
    assert media_kind_of("a.MKV") == MediaKind.VIDEO
    assert media_kind_of("a.opus") == MediaKind.AUDIO
    assert media_kind_of("a.heic") == MediaKind.IMAGE
    assert media_kind_of("a.nfo") is None
    assert skip_dir("@eaDir") and skip_dir(".Trash-1000") and skip_dir("#recycle")
    assert not skip_dir("Season 01")


def test_samples_are_short_clips_in_sample_folders() -> None:
    assert is_sample("Heat (1995)/Sample/heat.mkv", 12.0)
    assert is_sample("Heat (1995)/samples/heat.mkv", 29.9)
    assert not is_sample("Heat (1995)/Sample/heat.mkv", 31.0)  # a long one is real
    assert not is_sample("Heat (1995)/heat-sample.mkv", 12.0)  # only in Sample/ folders
    assert not is_sample("Heat (1995)/Sample/heat.mkv", None)


def test_batches_by_count_and_by_bytes() -> None:
    small = [(f"f{i}", 1) for i in range(BATCH_FILES * 2 + 1)]
    assert [len(b) for b in batches(small)] == [BATCH_FILES, BATCH_FILES, 1]
    big = [("a", BATCH_BYTES - 1), ("b", 2), ("c", 1)]
    assert batches(big) == [["a"], ["b", "c"]]
    assert batches([]) == []
    huge = [("one", BATCH_BYTES * 3)]
    assert batches(huge) == [["one"]]  # a file larger than a batch is a batch alone
