"""`mediadesk jobs ...` through a subprocess against a real library."""

import json
from pathlib import Path

import pytest

from tests.integration.test_cli import run

pytestmark = pytest.mark.integration


def test_jobs_commands(home: Path, clip: Path) -> None:
    imported = json.loads(run(home, "import", str(clip), "--wait", "--json").stdout)
    media_id = imported["media"]["id"]
    listing = json.loads(run(home, "jobs", "list", "--json").stdout)
    types = {j["type"] for j in listing["items"] if j["media_file_id"] == media_id}
    assert {"probe", "poster"} <= types
    poster = next(j for j in listing["items"] if j["type"] == "poster")
    # The human list names the file by its title and the step in words, as the app does.
    lines = run(home, "jobs", "list").stdout.splitlines()
    line = next(row for row in lines if row.startswith(poster["id"][:8] + " "))  # short
    assert "Poster" in line and imported["media"]["display_title"] in line
    assert media_id not in line and poster["id"] not in line
    # Any start of an id of four characters or more names it, as git takes commits.
    by_start = run(home, "jobs", "show", poster["id"][:6], "--json")
    assert by_start.returncode == 0 and json.loads(by_start.stdout)["id"] == poster["id"]
    mine = json.loads(run(home, "jobs", "list", "--media", media_id[:8], "--json").stdout)
    assert {j["media_file_id"] for j in mine["items"]} == {media_id}

    shown = json.loads(run(home, "jobs", "show", poster["id"], "--json").stdout)
    (attempt,) = shown["attempt_history"]
    assert attempt["outcome"] == "SUCCEEDED"
    argv = attempt["commands"][0]["argv"]
    assert argv[0].endswith("ffmpeg") and "-protocol_whitelist" in argv
    assert any(a.startswith("file:/") for a in argv)

    log = run(home, "jobs", "log", poster["id"])
    assert log.returncode == 0 and "$ " in log.stdout and "[exit code 0]" in log.stdout
    human = run(home, "jobs", "show", poster["id"]).stdout
    assert "attempt 1: Done" in human and "$ " in human
    assert f"\nfile: {imported['media']['display_title']}\n" in human  # by title

    replay = json.loads(run(home, "jobs", "replay", poster["id"], "--json").stdout)
    assert replay["status"] == "PENDING"
    waited = run(home, "jobs", "wait", poster["id"], "--json", "--timeout", "60")
    assert waited.returncode == 0 and json.loads(waited.stdout)[0]["attempts"] == 2

    assert run(home, "jobs", "retry", poster["id"]).returncode == 3  # COMPLETED: conflict
    assert run(home, "jobs", "cancel", poster["id"]).returncode == 3  # already finished
    assert run(home, "jobs", "show", "no-such-job").returncode == 3

    purge = json.loads(run(home, "jobs", "purge", "--older-than-days", "0", "--json").stdout)
    assert purge["jobs"] >= 2
    assert json.loads(run(home, "jobs", "list", "--json").stdout)["total"] == 0
    assert run(home, "jobs", "purge").returncode == 3
