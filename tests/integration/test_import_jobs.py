"""Imports are jobs: URL downloads and file copies as durable records, run by workers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.events import JobProgress
from mediadesk.handlers.folder_hash import HASH_FILES, HashFilesInput
from mediadesk.handlers.imports import CopyPathInput
from mediadesk.jobs.routing import HOSTNAME
from mediadesk.jobs.spec import JobSpec
from mediadesk.runtime import Runtime
from mediadesk.services.catalogue import MovieTarget
from mediadesk.services.imports import ImportView, PathImport
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.httpfixtures import http_server
from tests.slowhttp import raw_server, trickle
from tests.tracks_media import with_sidecars
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def make_runtime(workers: bool = True, **overrides: Any) -> Runtime:
    rt = Runtime(load_settings({**FAST, "allow_private_urls": True, **overrides})).open()
    if workers:
        rt.start_workers()
    return rt


@pytest.fixture
def served(tmp_path: Path, clip: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(clip, root / "film.mp4")
    (root / "notes.mp4").write_text("#EXTM3U\nfile:///etc/passwd\n")
    return root


def finished(rt: Runtime, import_id: str) -> ImportView:
    return wait_until(
        lambda: rt.imports.get(import_id),
        f"import {import_id} to finish",
        until=lambda item: not item.active,
    )


def importing(rt: Runtime, import_id: str) -> ImportView:
    return wait_until(
        lambda: rt.imports.get(import_id),
        f"import {import_id} to start",
        until=lambda item: item.state == "Importing",
    )


def test_url_import_job_downloads_attaches_and_records(
    home: Path, served: Path, clip: Path
) -> None:
    rt = make_runtime()
    try:
        with http_server(served, {"/go": "/film.mp4"}) as base:
            queued = rt.imports.submit_url(f"{base}/go", MovieTarget("Web"), ["net", "net"])
            assert queued.state == "Waiting" and queued.kind == "url" and queued.tags == ["net"]
            done = finished(rt, queued.id)
        assert (done.status, done.state) == (JobStatus.COMPLETED, "Done")
        assert done.name == "film.mp4" and not done.duplicate
        assert done.bytes_done == done.bytes_total == clip.stat().st_size
        media = rt.library.get_media(done.media_file_id or "")
        assert media.source_url == f"{base}/go" and media.tags == ["net"]
        assert rt.storage.local_path(media.original_key).read_bytes() == clip.read_bytes()
        assert rt.catalogue.movies()[0].media_file_id == media.id
        job = rt.jobs.get(done.id)
        assert job.type == "fetch_url" and job.queue == "imports"
        assert job.result and job.result["final_url"] == f"{base}/film.mp4"
        assert {k: v for k, v in job.input["target"].items() if v is not None} == {"movie": "Web"}
        assert job.input["guess"] is False
    finally:
        rt.stop()


def test_a_trickling_server_fails_url_timeout_within_a_second_of_the_limit(home: Path) -> None:
    # The numbers: url_timeout=8 and one byte every 2 s (it ran for minutes).
    rt = make_runtime(url_timeout=8)
    try:
        with raw_server(trickle(2.0)) as server:
            item = rt.imports.submit_url(f"{server.url}/film.mp4")
            importing(rt, item.id)
            failed = finished(rt, item.id)
        assert failed.status == JobStatus.FAILED and failed.state == "Failed"
        assert failed.error_code == ErrorCode.URL_TIMEOUT
        assert failed.next_step and "url_timeout" in failed.next_step
        job = rt.jobs.get(item.id)
        assert job.started_at and job.completed_at
        took = (job.completed_at - job.started_at).total_seconds()
        assert 8.0 <= took < 9.0, took
        assert list(rt.storage.staging_dir().iterdir()) == []
        assert rt.library.count_media() == 0
    finally:
        rt.stop()


def test_urls_refused_at_submit_and_loopback_refused_when_run(home: Path, served: Path) -> None:
    rt = make_runtime(allow_private_urls=False)
    try:
        for url in ("file:///etc/passwd", "ftp://example.com/x.mp4", "http://u:p@example.com/x"):
            with pytest.raises(InvalidInput) as err:
                rt.imports.submit_url(url)
            assert err.value.code == ErrorCode.URL_REFUSED
        with http_server(served) as base:
            item = rt.imports.submit_url(f"{base}/film.mp4")
            refused = finished(rt, item.id)
        assert refused.error_code == ErrorCode.URL_REFUSED and refused.attempts == 1
        assert "private or local address" in (refused.error_message or "")
        assert refused.next_step and "public" in refused.next_step
    finally:
        rt.stop()


def test_not_media_missing_and_too_large(home: Path, served: Path) -> None:
    rt = make_runtime(url_max_bytes=1000)
    try:
        with http_server(served) as base:
            notes = rt.imports.submit_url(f"{base}/notes.mp4")
            missing = rt.imports.submit_url(f"{base}/missing.mp4")
            big = rt.imports.submit_url(f"{base}/film.mp4")
            codes = {i: finished(rt, i).error_code for i in (notes.id, missing.id, big.id)}
        assert codes == {
            notes.id: ErrorCode.UNSUPPORTED_MEDIA,
            missing.id: ErrorCode.DOWNLOAD_FAILED,
            big.id: ErrorCode.TOO_LARGE,
        }
        assert "notes.mp4" in (rt.imports.get(notes.id).error_message or "")
        # A failed download has no file: the jobs table names it by the URL's name.
        assert rt.subjects.of([rt.jobs.get(notes.id)]) == {notes.id: "notes.mp4"}
        assert list(rt.storage.staging_dir().iterdir()) == []
    finally:
        rt.stop()


def test_a_copy_reports_bytes_and_imports(home: Path, clip: Path, tmp_path: Path) -> None:
    rt = make_runtime()
    events: list[JobProgress] = []
    rt.bus.subscribe(events.append, JobProgress)
    try:
        (item,) = rt.imports.submit_paths([PathImport(clip, MovieTarget("Copied"))], ["local"])
        assert item.kind == "file" and item.host == HOSTNAME
        assert item.bytes_total == clip.stat().st_size  # known before the copy starts
        assert rt.jobs.get(item.id).queue == f"imports@{HOSTNAME}"
        done = finished(rt, item.id)
        assert done.state == "Done" and done.media_file_id
        assert rt.library.get_media(done.media_file_id).tags == ["local"]
        size = clip.stat().st_size
        mine = [e for e in events if e.job_id == item.id]
        assert mine and mine[-1].done == mine[-1].total == size and mine[-1].percent == 100.0
        again = rt.imports.submit_paths([PathImport(clip)])[0]
        assert finished(rt, again.id).duplicate
        with pytest.raises(InvalidInput) as err:
            rt.imports.submit_paths([PathImport(tmp_path / "gone.mp4")])
        assert err.value.code == ErrorCode.NOT_FOUND
    finally:
        rt.stop()


def test_a_copy_never_runs_on_another_host(home: Path, clip: Path) -> None:
    rt = make_runtime()
    try:
        # This runtime consumes its own host's copy queue and no other host's.
        assert rt.lanes() == {"default": 2, "imports": 2, f"imports@{HOSTNAME}": 1}
        # A record that names another machine (a misrouted job) fails with a reason.
        stray = CopyPathInput(path=str(clip), host="elsewhere.example", size_bytes=1)
        job = rt.jobs.submit(JobSpec(type="copy_path", input=stray))
        failed = finished(rt, job.id)
        assert failed.error_code == ErrorCode.INVALID_INPUT and failed.attempts == 1
        assert "is a path on elsewhere.example" in (failed.error_message or "")
        assert f"this worker runs on {HOSTNAME}" in (failed.error_message or "")
        # The same for reading a library folder's files.
        misrouted = HashFilesInput(folder_id="f", file_ids=["x"], host="elsewhere.example")
        job = rt.jobs.submit(JobSpec(type=HASH_FILES, input=misrouted))
        failed = wait_until(
            lambda: rt.jobs.get(job.id), "the read to fail", until=lambda j: j.status.is_terminal
        )
        assert failed.error_code == ErrorCode.INVALID_INPUT and failed.attempts == 1
        assert failed.error_message == (
            f"the folder is on elsewhere.example, and this worker runs on {HOSTNAME}:"
            " scan it from elsewhere.example"
        )
    finally:
        rt.stop()


def test_cancel_a_copy_in_progress(home: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    with big.open("wb") as fh:
        block = os.urandom(1024 * 1024)
        for _ in range(400):
            fh.write(block)
    rt = make_runtime()
    moving: list[int] = []
    rt.bus.subscribe(lambda e: e.done and moving.append(e.done), JobProgress)
    try:
        (item,) = rt.imports.submit_paths([PathImport(big)])
        wait_until(lambda: moving, "the copy to start")
        rt.imports.cancel(item.id)
        cancelled = finished(rt, item.id)
        assert (cancelled.state, cancelled.error_code) == ("Cancelled", ErrorCode.CANCELLED)
        assert moving[0] < big.stat().st_size
        assert rt.library.count_media() == 0
        assert list(rt.storage.staging_dir().iterdir()) == []
    finally:
        rt.stop()


def test_a_restart_keeps_the_list(home: Path, served: Path) -> None:
    with http_server(served) as base:
        rt = make_runtime()
        try:
            done = rt.imports.submit_url(f"{base}/film.mp4")
            failed = rt.imports.submit_url(f"{base}/missing.mp4")
            finished(rt, done.id)
            finished(rt, failed.id)
        finally:
            rt.stop()
        idle = make_runtime(workers=False)
        try:
            waiting = idle.imports.submit_url(f"{base}/film.mp4?again=1")
            before = [(i.id, i.state) for i in idle.imports.list()]
        finally:
            idle.stop()
        assert before == [(waiting.id, "Waiting"), (failed.id, "Failed"), (done.id, "Done")]

        again = make_runtime(workers=False)
        try:
            assert [(i.id, i.state) for i in again.imports.list()] == before
            assert again.imports.counts().model_dump() == {"active": 1, "failed": 1}
            assert [i.id for i in again.imports.list(failed_only=True)] == [failed.id]
            again.start_workers()  # what was waiting runs now
            assert finished(again, waiting.id).duplicate
        finally:
            again.stop()


def test_stop_interrupts_a_trickling_download_within_the_grace(home: Path) -> None:
    rt = make_runtime()
    with raw_server(trickle(1.0)) as server:
        item = rt.imports.submit_url(f"{server.url}/film.mp4")
        importing(rt, item.id)
        stopping_at, started = datetime.now(UTC), time.monotonic()
        rt.stop(grace=1.0)
        took = time.monotonic() - started
    after = make_runtime(workers=False)
    try:
        back = after.jobs.get(item.id)
        assert back.status == JobStatus.PENDING  # it runs again on the next start
        assert back.attempt_history and back.attempt_history[-1].outcome == "INTERRUPTED"
        interrupted_at = back.attempt_history[-1].finished_at
    finally:
        after.stop()
    # The download was given up at the grace (the guard checks every 0.1 s)...
    assert interrupted_at and (interrupted_at - stopping_at).total_seconds() < 1.5
    assert took < 3.0, took  # ...and stop() returned soon after (measured: 1.05-1.13 s)


@pytest.mark.slow
def test_serve_stops_within_its_grace_during_a_trickling_import(home: Path) -> None:
    grace = 3.0
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIADESK_")}
    env.update(
        MEDIADESK_HOME=str(home),
        MEDIADESK_SHUTDOWN_GRACE=str(grace),
        MEDIADESK_ALLOW_PRIVATE_URLS="true",
        MEDIADESK_SERVER_TOKEN="secret-token",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "mediadesk", "serve", "--port", "0", "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        banner = ""
        while "token" not in banner:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            banner += line
        api = re.search(r"http: (http://\S+)", banner).group(1) + "/api/v1"  # type: ignore[union-attr]
        auth = {"Authorization": "Bearer secret-token"}
        with raw_server(trickle(2.0)) as server:
            started = httpx.post(
                api + "/imports", json={"url": f"{server.url}/film.mp4"}, headers=auth
            )
            assert started.status_code == 202, started.text
            import_id = started.json()["id"]
            wait_until(
                lambda: httpx.get(f"{api}/imports/{import_id}", headers=auth).json()["state"],
                "the download to start",
                until=lambda state: state == "Importing",
            )
            signalled_at, signalled = datetime.now(UTC), time.monotonic()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
            took = time.monotonic() - signalled
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with Runtime(load_settings({})) as rt:
        assert rt.imports.get(import_id).state == "Waiting"  # runs again on the next start
        history = rt.jobs.get(import_id).attempt_history or []
    # The download was given up within the grace (it held SIGTERM for over 70 s before);
    # the process then ends (server, database): measured 3.5 s, 5.2 s on a loaded machine.
    assert history[-1].outcome == "INTERRUPTED" and history[-1].finished_at
    assert (history[-1].finished_at - signalled_at).total_seconds() < grace + 1.0
    assert took < grace + 3.0, took


def test_a_copy_brings_the_subtitle_files_beside_it(home: Path, clip: Path, tmp_path: Path) -> None:
    movie = tmp_path / "Film.mp4"
    shutil.copyfile(clip, movie)
    with_sidecars(movie)
    (tmp_path / "Film.de.srt").write_text("not a subtitle at all\n")  # skipped, said in the log
    rt = make_runtime()
    try:
        (item,) = rt.imports.submit_paths([PathImport(movie)])
        done = finished(rt, item.id)
        assert done.state == "Done" and done.media_file_id
        files = rt.library.get_media(done.media_file_id).subtitle_files or []
        assert sorted((f.language, f.forced, f.original_filename) for f in files) == [
            ("en", False, "Film.en.srt"),
            ("fr", True, "Film.fr.forced.srt"),
        ]
        storage = Path(rt.settings.resolved_storage)
        stored = (storage / files[0].storage_key).read_text("utf-8")
        assert "café" in stored or "SORTIE" in stored  # kept as UTF-8
    finally:
        rt.stop()
