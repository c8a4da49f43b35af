"""Storage stats from a real library: the API route, the CLI (human and --json), with a
ladder made by the real hls job."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from mediadesk.domain import vocabulary as words
from mediadesk.domain.vocabulary import human_size
from mediadesk.library.views import StorageStats
from tests.integration.test_cli import run
from tests.media import Clip, make_clip
from tests.serverkit import auth, serving, upload, wait_media
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_stats_over_api_and_cli(home: Path, media_dir: Path) -> None:
    clip = make_clip(media_dir, Clip(size="640x360", duration=3.0, seed="stats"))
    with serving(pipeline_video=["probe", "hls"], ladder_budget_gb_per_hour=2.5) as host:
        media_id = str(upload(host, clip)["mediaFileId"])
        assert wait_media(host, media_id)["status"] == "READY"
        response = httpx.get(f"{host.url}/api/v1/library/stats", headers=auth(host), timeout=30)
        assert response.status_code == 200, response.text
        stats = StorageStats.model_validate(response.json())
        refused = httpx.get(f"{host.url}/api/v1/library/stats", timeout=30)
        assert refused.status_code == 401 or not host.token
    assert stats.media_files == 1
    assert stats.originals_bytes == clip.stat().st_size
    assert abs(stats.hours * 3600 - 3.0) < 0.1
    assert stats.originals_bytes_per_hour == pytest.approx(stats.originals_bytes * 1200, rel=0.05)
    kinds = {o.kind: o for o in stats.outputs}
    assert {"hls_master", "hls_variant", "audio_hls"} <= set(kinds)
    assert kinds["hls_variant"].label == "Streaming versions (video)"
    assert stats.total_bytes == stats.originals_bytes + sum(o.bytes for o in stats.outputs)
    (rung,) = stats.renditions
    assert rung.name == "360p" and rung.titles == 1
    assert rung.bytes == kinds["hls_variant"].bytes
    assert rung.bytes_per_hour and rung.bytes_per_hour > rung.bytes  # 3 s scaled to an hour
    assert rung.mean_ssim is not None and 0.9 < rung.mean_ssim <= 1.0
    assert rung.picture == words.picture_quality(rung.mean_ssim) != ""  # the same words
    assert stats.ladder_bytes_per_hour and stats.ladder_bytes_per_hour > rung.bytes_per_hour
    # Said so: more than any one version, because the audio is in it.
    assert stats.ladder_summary.startswith("All streaming versions with their audio: ")
    assert "(budget 2.3 GiB per hour)" in stats.ladder_summary
    assert stats.budget_bytes_per_hour == 2_500_000_000
    assert stats.referenced_bytes == 0
    assert stats.summary.startswith("1 file, 3 s of media; ")
    assert "in MediaDesk's storage. Originals stored here: " in stats.summary

    out = run(home, "library", "stats", "--json")
    assert out.returncode == 0, out.stderr
    assert StorageStats.model_validate(json.loads(out.stdout)).renditions == stats.renditions
    human = run(home, "library", "stats")
    assert human.returncode == 0, human.stderr
    assert "Streaming versions (video)" in human.stdout and "360p" in human.stdout
    assert "per hour" in human.stdout
    # The line the app and the web page show (the CLI's settings set no budget).
    assert words.ladder_summary(stats.ladder_bytes_per_hour, None) in human.stdout


def test_files_in_library_folders_are_not_counted_as_stored(
    runtime_factory, tmp_path: Path, media_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    """A referenced original stays on the user's disk: the storage view says so apart."""
    rt = runtime_factory(pipeline_video=["probe"])
    stored = rt.ingest.import_path(make_clip(media_dir, Clip(seed="stats-stored"))).media
    folder_file = make_clip(tmp_path / "Films", Clip(seed="stats-folder"), "Film (2020).mp4")
    folder = rt.folders.add(tmp_path / "Films")
    rt.folders.scan(folder.id)
    wait_until(lambda: rt.folders.get(folder.id).waiting == 0, "the folder's file to be read")
    stats = rt.library.storage_stats(None)
    assert stats.media_files == 2
    assert stats.originals_bytes == stored.size_bytes
    assert stats.referenced_bytes == folder_file.stat().st_size
    assert stats.total_bytes == stats.originals_bytes + stats.outputs_bytes
    size = human_size(folder_file.stat().st_size)
    assert stats.summary.endswith(f"In library folders, read in place: {size}.")
