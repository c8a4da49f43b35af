"""Library folders referenced in place: scans, reading in the background, moves,
missing files, skip reasons, deletion that never touches the disk, CLI and API."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.domain.folders import FolderKind, SkipReason
from mediadesk.errors import InvalidInput
from mediadesk.runtime import Runtime
from mediadesk.services.library import MediaFilter
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.media import Clip, make_clip
from tests.serverkit import auth, serving
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

# Reading files is what is tested: the pipeline stops at the probe.
LIGHT = {"pipeline_video": ["probe"], "pipeline_audio": ["probe"], "pipeline_image": ["probe"]}


def build_tree(root: Path) -> dict[str, Path]:
    """A small Kodi/Jellyfin-style collection."""
    movie_dir = root / "Movies" / "Heat (1995)"
    episode_dir = root / "TV" / "The Show" / "Season 01"
    files = {
        "movie": make_clip(movie_dir, Clip(seed="heat"), "Heat (1995).mkv"),
        "episode": make_clip(episode_dir, Clip(seed="pilot"), "The Show - S01E01 - Pilot.mkv"),
        "sample": make_clip(movie_dir / "Sample", Clip(seed="sample"), "heat-sample.mkv"),
    }
    (movie_dir / "movie.nfo").write_text("<movie><title>Heat</title></movie>")
    (movie_dir / "poster.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    (root / "TV" / "notes.txt").write_text("to watch")
    (episode_dir / "The Show - S01E02.mkv.part").write_bytes(b"\x00" * 1000)
    (episode_dir / "fake.mp4").write_text("#EXTM3U\nfile:///etc/passwd\n")
    return files


def hashed(rt, folder_id: str) -> bool:  # type: ignore[no-untyped-def]
    return rt.folders.get(folder_id).waiting == 0


def storage_files(rt) -> list[Path]:  # type: ignore[no-untyped-def]
    root = Path(rt.settings.resolved_storage)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def idle_runtime(home: Path) -> Iterator[Runtime]:
    """A light runtime whose workers start when the test says."""
    rt = Runtime(load_settings({**FAST, **LIGHT})).open()
    yield rt
    rt.stop(grace=5)


def test_scan_lists_at_once_reads_in_background_and_copies_nothing(
    idle_runtime: Runtime, tmp_path: Path, ffmpeg: None
) -> None:
    lib = tmp_path / "lib"
    files = build_tree(lib)
    rt = idle_runtime  # no workers yet: the scan alone must list the files
    folder = rt.folders.add(lib, FolderKind.MIXED)
    (report,) = rt.folders.scan(folder.id)
    assert (report.new, report.queued) == (4, 4)  # movie, episode, sample, fake.mp4
    listed = rt.library.list_media(MediaFilter()).items
    assert {m.original_filename for m in listed} >= {"Heat (1995).mkv", "fake.mp4"}
    assert all(m.referenced and m.sha256 is None for m in listed)

    rt.start_workers()
    wait_until(lambda: hashed(rt, folder.id), "every file to be read", timeout=120)
    listing = rt.catalogue.listing()
    assert [(m.title, m.year) for m in listing.movies] == [("Heat", 1995)]
    (series,) = listing.series
    assert series.title == "The Show"
    assert [(e.number, e.title) for e in series.seasons[0].episodes] == [(1, "Pilot")]
    media = {m.original_filename: m for m in rt.library.list_media(MediaFilter()).items}
    assert set(media) == {"Heat (1995).mkv", "The Show - S01E01 - Pilot.mkv"}
    movie = media["Heat (1995).mkv"]
    assert movie.original_path == str(files["movie"])
    assert movie.sha256 and movie.duration_seconds == pytest.approx(2.0, abs=0.1)

    reasons = {f.path: f.reason for f in rt.folders.skipped(folder.id)}
    assert reasons == {
        "Movies/Heat (1995)/movie.nfo": SkipReason.NFO,
        "Movies/Heat (1995)/poster.jpg": SkipReason.ARTWORK,
        "Movies/Heat (1995)/Sample/heat-sample.mkv": SkipReason.SAMPLE,
        "TV/notes.txt": SkipReason.NOT_MEDIA,
        "TV/The Show/Season 01/The Show - S01E02.mkv.part": SkipReason.PARTIAL,
        "TV/The Show/Season 01/fake.mp4": SkipReason.UNREADABLE,
    }
    # The probe ran on the referenced original where it is: nothing was copied in.
    wait_until(
        lambda: rt.jobs.list_jobs(media_file_id=movie.id).items,
        "the probe to finish",
        until=lambda jobs: jobs and all(j.status == JobStatus.COMPLETED for j in jobs),
    )
    copies = [p for p in storage_files(rt) if p.stat().st_size == files["movie"].stat().st_size]
    assert copies == []
    assert not (Path(rt.settings.resolved_storage) / "originals").exists()

    # Every job says what it is about: a folder read its folder and how many files.
    jobs = rt.jobs.list_jobs(limit=50).items
    subjects = rt.subjects.of(jobs)
    (read,) = [j for j in jobs if j.type == "hash_files"]
    assert subjects[read.id] == "lib · 4 files"
    probe = next(j for j in jobs if j.media_file_id == movie.id)
    assert subjects[probe.id] == movie.display_title

    # A rescan with nothing changed reads nothing.
    (again,) = rt.folders.scan(folder.id)
    assert (again.new, again.changed, again.queued, again.missing) == (0, 0, 0, 0)


def test_moves_keep_identity_missing_files_come_back(
    runtime_factory, tmp_path: Path, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    lib, other = tmp_path / "lib", tmp_path / "other"
    movie = make_clip(lib / "Heat (1995)", Clip(seed="move"), "Heat (1995).mkv")
    rt = runtime_factory(**LIGHT)
    other.mkdir()
    folder = rt.folders.add(lib, FolderKind.MOVIES)
    second = rt.folders.add(other, FolderKind.MOVIES)
    rt.folders.scan(folder.id)
    wait_until(lambda: hashed(rt, folder.id), "the file to be read")
    (media,) = rt.library.list_media(MediaFilter()).items
    rt.playback.save(media.id, position_s=1.0)

    # A rename inside the folder: recognised by inode, size and mtime, nothing read.
    renamed = lib / "Films" / "Heat.mkv"
    renamed.parent.mkdir()
    movie.rename(renamed)
    (report,) = rt.folders.scan(folder.id)
    assert (report.moved, report.new, report.queued) == (1, 0, 0)
    view = rt.library.get_media(media.id)
    assert view.original_path == str(renamed) and view.display_title == "Heat (1995)"
    assert view.playback is not None and view.playback.position_s == pytest.approx(1.0)

    # Gone: missing, shown as such, kept.
    stash = tmp_path / "stash.mkv"
    shutil.move(renamed, stash)
    (report,) = rt.folders.scan(folder.id)
    assert report.missing == 1
    assert rt.library.get_media(media.id).missing
    assert rt.library.get_media(media.id).state == "MISSING"  # what every list says
    assert [m.id for m in rt.library.list_media(MediaFilter(missing=True)).items] == [media.id]
    assert rt.folders.get(folder.id).missing == 1

    # Back, in another library folder as a copy (a new inode): recognised by content.
    back = other / "Heat (1995) - copy.mkv"
    shutil.copyfile(stash, back)
    rt.folders.scan(second.id)
    wait_until(lambda: hashed(rt, second.id), "the copy to be read")
    view = rt.library.get_media(media.id)
    assert not view.missing and view.original_path == str(back)
    assert view.display_title == "Heat (1995)"
    assert view.playback is not None and view.playback.position_s == pytest.approx(1.0)
    assert rt.library.count_media() == 1


def test_deleting_a_referenced_file_leaves_the_disk_alone_unless_asked(
    runtime_factory, tmp_path: Path, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    lib = tmp_path / "lib"
    first = make_clip(lib, Clip(seed="keep"), "keep.mp4")
    second = make_clip(lib, Clip(seed="gone"), "gone.mp4")
    rt = runtime_factory(**LIGHT)
    folder = rt.folders.add(lib)
    rt.folders.scan(folder.id)
    wait_until(lambda: hashed(rt, folder.id), "the files to be read")
    by_name = {m.original_filename: m.id for m in rt.library.list_media(MediaFilter()).items}

    rt.library.delete_media(by_name["keep.mp4"], purge=True)
    assert first.is_file(), "removing from the library never deletes the file"
    rt.library.delete_media(by_name["gone.mp4"], delete_file=True)
    assert not second.exists()
    # A managed file has nothing on a disk of the user's to delete.
    managed = rt.ingest.import_path(make_clip(tmp_path / "m", Clip(seed="managed")))
    with pytest.raises(InvalidInput):
        rt.library.delete_media(managed.media.id, delete_file=True)

    # The file kept on disk is not brought back by the next scan: the user removed it.
    (report,) = rt.folders.scan(folder.id)
    assert (report.new, report.queued, report.skipped) == (0, 0, 1)
    assert [(f.path, f.reason) for f in rt.folders.skipped(folder.id)] == [
        ("keep.mp4", SkipReason.REMOVED)
    ]
    assert rt.folders.remove(folder.id) == 0
    assert first.is_file() and rt.folders.list_folders() == []


def test_adding_refuses_overlaps_and_missing_folders(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lib = tmp_path / "lib"
    (lib / "sub").mkdir(parents=True)
    runtime.folders.add(lib)
    with pytest.raises(Exception, match="overlaps"):
        runtime.folders.add(lib / "sub")
    with pytest.raises(InvalidInput, match="no such folder"):
        runtime.folders.add(tmp_path / "nowhere")
    with pytest.raises(InvalidInput, match="MediaDesk's own library"):
        runtime.folders.add(runtime.settings.home)


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MEDIADESK_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "mediadesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_add_scan_wait_list_skipped(home: Path, tmp_path: Path, ffmpeg: None) -> None:
    lib = tmp_path / "lib"
    make_clip(lib / "Show" / "Season 02", Clip(seed="cli"), "Show - S02E03.mkv")
    (lib / "Show" / "tvshow.nfo").write_text("<tvshow/>")
    home.mkdir(parents=True, exist_ok=True)
    (home / "mediadesk.toml").write_text('pipeline_video = ["probe"]\n')
    added = cli(home, "folders", "add", str(lib), "--kind", "series", "--no-scan", "--json")
    assert added.returncode == 0, added.stderr
    folder = json.loads(added.stdout)
    assert folder["path"] == str(lib.resolve()) and folder["kind"] == "series"

    scanned = cli(home, "folders", "scan", str(lib), "--wait", "--json")
    assert scanned.returncode == 0, scanned.stderr
    (report,) = json.loads(scanned.stdout)
    assert (report["new"], report["skipped"]) == (1, 1)

    listed = json.loads(cli(home, "folders", "list", "--json").stdout)
    assert [(f["media_files"], f["skipped"], f["waiting"]) for f in listed] == [(1, 1, 0)]
    human = cli(home, "folders", "list").stdout
    assert "Series" in human and "series" not in human.replace(str(lib), "")  # people's words
    skipped = json.loads(cli(home, "folders", "skipped", "--json").stdout)
    assert [(s["path"], s["reason"]) for s in skipped] == [("Show/tvshow.nfo", "nfo")]
    jobs = cli(home, "jobs", "list").stdout
    assert next(ln for ln in jobs.splitlines() if "Reading folder files" in ln).endswith(
        "lib · 1 file"
    )
    library = json.loads(cli(home, "library", "list", "--json").stdout)
    assert [s["title"] for s in library["series"]] == ["Show"]

    removed = cli(home, "folders", "remove", str(lib))
    assert removed.returncode == 0 and "none left the disk" in removed.stdout
    assert (lib / "Show" / "Season 02" / "Show - S02E03.mkv").is_file()
    missing = cli(home, "folders", "scan", str(tmp_path / "elsewhere"))
    assert missing.returncode == 3 and "no library folder" in missing.stderr


def test_api_folders(tmp_path: Path, home: Path, ffmpeg: None) -> None:
    lib = tmp_path / "lib"
    make_clip(lib, Clip(seed="api"), "Some Film (2001).mp4")
    (lib / "readme.txt").write_text("hi")
    with serving(**LIGHT) as host:
        headers = auth(host)
        with httpx.Client(base_url=host.url, headers=headers, timeout=30) as client:
            refused = httpx.post(f"{host.url}/api/v1/folders", json={"path": str(lib)})
            assert refused.status_code == 401
            made = client.post("/api/v1/folders", json={"path": str(lib), "kind": "movies"})
            assert made.status_code == 201, made.text
            folder = made.json()
            wait_until(
                lambda: client.get(f"/api/v1/folders/{folder['id']}").json(),
                "the file to be read",
                until=lambda f: f["media_files"] == 1 and f["waiting"] == 0,
            )
            skipped = client.get(f"/api/v1/folders/{folder['id']}/skipped").json()
            assert [s["reason_words"] for s in skipped] == ["Not a media file"]
            report = client.post(f"/api/v1/folders/{folder['id']}/scan").json()
            assert (report["files"], report["queued"]) == (2, 0)
            media = client.get("/api/v1/media").json()["items"]
            assert [(m["display_title"], m["referenced"]) for m in media] == [
                ("Some Film (2001)", True)
            ]
            # The original plays from where it is.
            played = client.get(f"/stream/original/{media[0]['id']}")
            assert played.status_code == 200
            assert played.content == (lib / "Some Film (2001).mp4").read_bytes()
            gone = client.delete(f"/api/v1/folders/{folder['id']}")
            assert gone.status_code == 204
            assert client.get("/api/v1/folders").json() == []
            assert (lib / "Some Film (2001).mp4").is_file()


def test_a_folder_not_mounted_here_fails_retryably_and_heals(
    runtime_factory, tmp_path: Path, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    """A worker that cannot see the library folder (a disk unplugged; another machine
    without the share) says so and leaves the job to a retry, which succeeds once the
    folder is back."""
    lib = tmp_path / "disk"
    make_clip(lib, Clip(seed="unplugged"), "film.mkv")
    rt = runtime_factory(**LIGHT, retry_base_delay=5.0, retry_max_delay=5.0)
    folder = rt.folders.add(lib)
    rt.folders.scan(folder.id)
    wait_until(lambda: hashed(rt, folder.id), "the file to be read")
    (media,) = rt.library.list_media(MediaFilter()).items
    lib.rename(tmp_path / "elsewhere")  # unplugged
    (job_id,) = rt.health.check([media.id])
    attempt = wait_until(
        lambda: (rt.jobs.get(job_id).attempt_history or [None])[0],
        "the first attempt to fail",
        until=lambda a: a is not None and a.outcome == "FAILED",
        timeout=60,
    )
    assert attempt.error_code == "STORAGE_ERROR"
    assert f"the library folder {lib} is not visible on this machine" in attempt.error_message
    assert rt.jobs.get(job_id).status == JobStatus.PENDING
    (tmp_path / "elsewhere").rename(lib)  # plugged in again
    done = wait_until(
        lambda: rt.jobs.get(job_id), "the retry", until=lambda j: j.status.is_terminal, timeout=90
    )
    assert (done.status, done.attempts) == (JobStatus.COMPLETED, 2), done.error_message


def test_with_a_folders_queue_only_processes_that_see_the_folders_take_their_files(
    runtime_factory, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    """Scale-out: a worker on a machine without the share would fail every attempt of a
    folder file's job until it is dead. With ``folders_queue`` set, those jobs go to a
    queue that only processes seeing every library folder consume; the rest stay on
    the usual queues."""
    lib = tmp_path / "share"
    make_clip(lib, Clip(seed="routed"), "Routed (2001).mkv")
    rt = runtime_factory(**LIGHT, folders_queue="folders")
    assert "folders" in rt.lanes()  # no library folder yet: nothing it cannot see
    folder = rt.folders.add(lib)
    rt.folders.scan(folder.id)
    wait_until(lambda: hashed(rt, folder.id), "the file to be read")
    (referenced,) = rt.library.list_media(MediaFilter()).items
    probes = wait_until(
        lambda: rt.jobs.list_jobs(media_file_id=referenced.id).items, "the file's probe"
    )
    assert {j.queue for j in probes} == {"folders"}
    assert all(
        j.status == JobStatus.COMPLETED
        for j in wait_until(
            lambda: rt.jobs.list_jobs(media_file_id=referenced.id).items,
            "the probe, taken by this process (it sees the folder)",
            until=lambda jobs: all(j.status.is_terminal for j in jobs),
        )
    )
    stored = rt.ingest.import_path(make_clip(media_dir, Clip(seed="stored")), target=None).media
    loose = wait_until(lambda: rt.jobs.list_jobs(media_file_id=stored.id).items, "its probe")
    assert {j.queue for j in loose} == {"default"}  # copied in: any worker can read it


def test_a_share_mounted_while_the_workers_run_is_noticed_without_a_restart(
    runtime_factory, tmp_path: Path, caplog: pytest.LogCaptureFixture, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    """The folders queue's gate is asked again every ``folders_check_interval``: with the
    share gone, its jobs wait queued (no attempt fails here); once it is back, they run."""
    lib = tmp_path / "share"
    make_clip(lib, Clip(seed="remounted"), "Remounted (2001).mkv")
    rt = runtime_factory(**LIGHT, folders_queue="folders", folders_check_interval=0.2)
    folder = rt.folders.add(lib)
    rt.folders.scan(folder.id)
    wait_until(lambda: hashed(rt, folder.id), "the file to be read")
    (media,) = rt.library.list_media(MediaFilter()).items
    caplog.set_level(logging.INFO, logger="mediadesk.jobs.routing")
    lib.rename(tmp_path / "unmounted")  # the share is lost
    wait_until(
        lambda: [r for r in caplog.records if "not all visible here" in r.getMessage()],
        "the workers to notice",
    )
    (job_id,) = rt.health.check([media.id])
    assert job_id in rt.transport.queued_ids("folders")  # queued, for whoever sees it
    (tmp_path / "unmounted").rename(lib)  # mounted again
    done = wait_until(
        lambda: rt.jobs.get(job_id), "the check to run", until=lambda j: j.status.is_terminal
    )
    # One attempt: while the share was away this process did not take the job at all.
    assert (done.status, done.attempts) == (JobStatus.COMPLETED, 1), done.error_message
