"""Health checks: a file with a corrupted stretch is DAMAGED with its position; a clean
one is HEALTHY; a damaged file is never deleted from the disk; CLI and API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.domain.folders import HealthState
from mediadesk.engine.health import MIN_STRETCH_S, Stretch, plan_stretches
from mediadesk.errors import InvalidInput
from mediadesk.services.library import MediaFilter
from tests.media import Clip, make_clip
from tests.serverkit import auth, serving
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

LIGHT = {"pipeline_video": ["probe"], "pipeline_audio": ["probe"], "pipeline_image": ["probe"]}
TEN_SECONDS = Clip(duration=10.0, size="320x180", container="mkv", seed="health")


def corrupt_middle(clean: Path, target: Path) -> None:
    """A copy of ``clean`` with 20 kB of noise halfway through its bytes."""
    data = bytearray(clean.read_bytes())
    middle = len(data) // 2
    noise = os.urandom(20_000)
    data[middle : middle + len(noise)] = noise
    target.write_bytes(bytes(data))


def finished(rt, job_ids: list[str]):  # type: ignore[no-untyped-def]
    return wait_until(
        lambda: [rt.jobs.get(j) for j in job_ids],
        "the health checks to finish",
        until=lambda jobs: all(j.status.is_terminal for j in jobs),
        timeout=180,
    )


def test_corrupted_middle_is_damaged_with_its_position_clean_is_healthy(
    runtime_factory, tmp_path: Path, media_dir: Path, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    clean_src = make_clip(media_dir, TEN_SECONDS)
    lib = tmp_path / "lib"
    lib.mkdir()
    clean = lib / "clean.mkv"
    clean.write_bytes(clean_src.read_bytes())
    damaged = lib / "damaged.mkv"
    corrupt_middle(clean_src, damaged)
    before = damaged.read_bytes()

    rt = runtime_factory(**LIGHT)
    folder = rt.folders.add(lib)
    rt.folders.scan(folder.id)
    wait_until(lambda: rt.folders.get(folder.id).waiting == 0, "the files to be read")
    by_name = {m.original_filename: m for m in rt.library.list_media(MediaFilter()).items}
    jobs = finished(rt, rt.health.check([m.id for m in by_name.values()]))
    assert all(j.status == JobStatus.COMPLETED for j in jobs), [j.error_message for j in jobs]

    good = rt.library.get_media(by_name["clean.mkv"].id)
    assert good.health == HealthState.HEALTHY
    assert good.health_report is not None and good.health_report["errors"] == 0
    assert good.health_report["decode_speed"] > 0

    bad = rt.library.get_media(by_name["damaged.mkv"].id)
    assert bad.health == HealthState.DAMAGED
    report = bad.health_report
    assert report is not None and report["errors"] > 0
    first = report["first_errors"][0]
    # Noise at half the bytes of a steady 10 s clip sits near its middle, not at the ends.
    assert 2.0 <= first["start_s"] <= 8.0 and first["end_s"] - first["start_s"] >= 1.0
    assert first["message"]
    assert [m.id for m in rt.library.list_media(MediaFilter(health=HealthState.DAMAGED)).items] == [
        bad.id
    ]
    # Never deleted from the disk, and the check changed no byte.
    with pytest.raises(InvalidInput, match="damaged"):
        rt.library.delete_media(bad.id, delete_file=True)
    assert damaged.read_bytes() == before


def test_plan_stretches_cover_the_whole_file() -> None:
    assert plan_stretches(None) == [Stretch(0.0, None)]
    assert plan_stretches(1.5) == [Stretch(0.0, None)]
    ten = plan_stretches(10.0)
    assert ten[0] == Stretch(0.0, MIN_STRETCH_S) and ten[-1].length_s is None
    assert [s.start_s for s in ten] == [0.0, 2.0, 4.0, 6.0, 8.0]
    film = plan_stretches(7200.0)
    assert len(film) == 120 and film[1].start_s == 60.0


def test_cli_and_api_check(home: Path, tmp_path: Path, media_dir: Path, ffmpeg: None) -> None:
    clip = make_clip(media_dir, Clip(seed="cli-health"))
    env = {**os.environ, "MEDIADESK_HOME": str(home)}
    home.mkdir(parents=True, exist_ok=True)
    (home / "mediadesk.toml").write_text('pipeline_video = ["probe"]\n')

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mediadesk", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    imported = json.loads(cli("import", str(clip), "--json").stdout)
    media_id = imported["media"]["id"]
    checked = cli("media", "check", media_id, "--wait", "--json")
    assert checked.returncode == 0, checked.stderr
    (result,) = json.loads(checked.stdout)
    assert result["health"] == "HEALTHY" and result["media_file_id"] == media_id
    shown = json.loads(cli("media", "show", media_id, "--json").stdout)
    assert shown["health"] == "HEALTHY"
    assert cli("media", "check").returncode == 2  # an id or --all

    with (
        serving(**LIGHT) as host,
        httpx.Client(base_url=host.url, headers=auth(host), timeout=30) as client,
    ):
        queued = client.post(f"/api/v1/media/{media_id}/check")
        assert queued.status_code == 202, queued.text
        job_id = queued.json()["job_ids"][0]
        wait_until(
            lambda: client.get(f"/api/v1/jobs/{job_id}").json()["status"],
            "the API's check to finish",
            until=lambda s: s == "COMPLETED",
        )
        healthy = client.get("/api/v1/media", params={"health": "HEALTHY"}).json()
        assert [m["id"] for m in healthy["items"]] == [media_id]
        assert client.get("/api/v1/media", params={"health": "DAMAGED"}).json()["total"] == 0
        assert client.post("/api/v1/media/check-all").json()["job_ids"]
        shelves = client.get("/api/v1/browse/home").json()
        assert (shelves["damaged"], shelves["missing"]) == ([], [])  # the web page's shelves
