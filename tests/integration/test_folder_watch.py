"""Watched library folders: a file written slowly is imported once, complete, with the
inotify watcher and with the polling one (what NFS and SMB mounts get)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.domain.folders import FolderKind
from mediadesk.services.folder_watch import Settling, common_dir, uses_polling
from mediadesk.services.library import MediaFilter
from tests.media import Clip, make_clip
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

LIGHT = {"pipeline_video": ["probe"], "pipeline_audio": ["probe"], "pipeline_image": ["probe"]}
CHUNKS = 12
CHUNK_PAUSE_S = 0.8  # 12 chunks, 0.8 s apart: written over about 10 s
SETTLE_S = 4.0  # five times a pause between chunks: a loaded machine stays inside it


def write_slowly(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` in chunks over about ten seconds, as a slow copy
    to a NAS does (the pauses are the scenario being tested, not a wait)."""
    data = source.read_bytes()
    step = len(data) // CHUNKS + 1
    with target.open("wb") as fh:
        for start in range(0, len(data), step):
            fh.write(data[start : start + step])
            fh.flush()
            time.sleep(CHUNK_PAUSE_S)


@pytest.mark.parametrize("mode", ["notify", "poll"])
def test_a_file_written_slowly_is_imported_once_complete(
    runtime_factory, tmp_path: Path, media_dir: Path, mode: str, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    source = make_clip(media_dir, Clip(duration=3.0, seed="watched"))
    lib = tmp_path / "lib"
    (lib / "Films").mkdir(parents=True)
    rt = runtime_factory(**LIGHT, folder_settle_seconds=SETTLE_S, folder_poll_interval=0.3)
    folder = rt.folders.add(lib, FolderKind.MOVIES, watch=True, watch_mode=mode)
    rt.start_watching()
    wait_until(
        lambda: rt.folders.get(folder.id),
        "the watcher to start and scan once",
        until=lambda f: f.state == "Watching" and f.last_scan_at is not None,
    )

    target = lib / "Films" / "Slow Film (2020).mp4"
    write_slowly(source, target)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()

    (media,) = wait_until(
        lambda: rt.library.list_media(MediaFilter()).items,
        "the written file to be imported",
        until=lambda items: len(items) == 1 and items[0].sha256 is not None,
    )
    assert media.sha256 == digest and media.size_bytes == len(source.read_bytes())
    assert media.original_path == str(target)
    assert media.display_title == "Slow Film (2020)"
    # The file is settled inside the read job, which commits its own completion just
    # after: wait for that, then count the reads.
    reads = wait_until(
        lambda: rt.jobs.list_jobs(job_type="hash_files").items,
        "the read job to finish",
        until=lambda jobs: all(j.status.is_terminal for j in jobs),
    )
    assert [j.status for j in reads] == [JobStatus.COMPLETED], "read once, when complete"
    assert reads[0].result is not None and reads[0].result["read"] == 1

    # A deletion is seen too: the file becomes missing, then comes back.
    moved_away = tmp_path / "away.mp4"
    target.rename(moved_away)
    wait_until(lambda: rt.library.get_media(media.id).missing, "the file to be missing")
    moved_away.rename(target)
    wait_until(lambda: not rt.library.get_media(media.id).missing, "the file to come back")
    assert rt.library.count_media() == 1


def test_settling_holds_a_growing_file(tmp_path: Path) -> None:
    growing = tmp_path / "a" / "grow.bin"
    growing.parent.mkdir()
    growing.write_bytes(b"x")
    settling = Settling(settle_s=1.0)
    settling.touch("a/grow.bin", 0.0)
    settling.touch("a/gone.bin", 0.0)
    ready, held = settling.ready(tmp_path, 0.0)
    assert ready == ["a/gone.bin"] and held == {"a/grow.bin"}  # gone: nothing to wait for
    assert settling.ready(tmp_path, 0.9) == ([], {"a/grow.bin"})
    growing.write_bytes(b"xy")
    assert settling.ready(tmp_path, 1.5) == ([], {"a/grow.bin"})  # changed: starts over
    assert settling.ready(tmp_path, 2.6) == (["a/grow.bin"], set())


def test_common_dir_and_polling_choice(tmp_path: Path) -> None:
    assert common_dir(["TV/Show/Season 01/a.mkv", "TV/Show/Season 02/b.mkv"]) == "TV/Show"
    assert common_dir(["a.mkv", "TV/b.mkv"]) is None
    assert common_dir(["Films/x.mkv"]) == "Films"
    assert uses_polling(str(tmp_path), "poll") and not uses_polling(str(tmp_path), "notify")
    assert not uses_polling(str(tmp_path), "auto")  # a local disk: inotify
