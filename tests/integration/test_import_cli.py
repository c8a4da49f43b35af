"""``mediadesk import URL``, ``import PATH --background`` and ``mediadesk imports``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpfixtures import http_server
from tests.integration.test_cli import run
from tests.media import Clip, make_clip

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def loopback_allowed(home: Path) -> None:
    """The test servers are on loopback: this library may download from it."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "mediadesk.toml").write_text("allow_private_urls = true\n")


def test_url_import_runs_as_a_job_and_is_listed(home: Path, clip: Path) -> None:
    with http_server(clip.parent) as src:
        out = run(home, "import", f"{src}/{clip.name}", "--movie", "Net", "--json")
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["media"]["original_filename"] == clip.name and not result["duplicate"]
        assert result["movie_id"]
        missing = run(home, "import", f"{src}/missing.mp4")
    assert missing.returncode == 3 and "answered 404" in missing.stderr
    listed = json.loads(run(home, "imports", "--json").stdout)
    assert [(i["state"], i["name"]) for i in listed] == [
        ("Failed", "missing.mp4"),
        ("Done", clip.name),
    ]
    text = run(home, "imports", "--failed").stdout
    assert "missing.mp4" in text and "Check that the address opens in a browser" in text
    # What a finished import became, by its title.
    (done,) = [ln for ln in run(home, "imports").stdout.splitlines() if ln.endswith("  Net")]
    assert clip.name in done and "Done" in done


def test_background_copy_waits_for_a_consumer_on_this_host(home: Path, clip: Path) -> None:
    out = run(home, "import", str(clip), "--background", "--json")
    assert out.returncode == 0, out.stderr
    queued = json.loads(out.stdout)
    assert (queued["state"], queued["kind"]) == ("Waiting", "file")
    # Nothing consumes this library yet: it waits; `jobs wait` becomes the consumer.
    waited = run(home, "jobs", "wait", queued["id"], "--json")
    assert waited.returncode == 0, waited.stderr
    (listed,) = json.loads(run(home, "imports", "--json").stdout)
    assert listed["state"] == "Done" and listed["media_file_id"]
    assert run(home, "import", str(clip), "--background", "--wait").returncode == 3


def test_several_sources_in_one_command(home: Path, media_dir: Path, tmp_path: Path) -> None:
    """``mediadesk import *.mkv Folder/``: each file by its own name, a folder walked for
    its media as the app walks a drop; one that cannot be imported (a missing file, a
    file that is not media) is named on stderr and the others still arrive."""
    films = tmp_path / "films"
    first = make_clip(films, Clip(seed="first"), "First.Film.2001.mp4")
    release = tmp_path / "Third Film (2003)"
    make_clip(release, Clip(seed="third"), "Third Film (2003).mkv")
    (release / "Third Film (2003).en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHi\n")
    (release / "movie.nfo").write_text("<movie><title>Third Film</title></movie>")
    second = make_clip(films, Clip(seed="second"), "Second Film (2002).mp4")
    notes = films / "notes.mp4"
    notes.write_text("not a video")
    (home / "mediadesk.toml").write_text('pipeline_video = ["probe"]\n')
    assert run(home, "library", "list").stdout.startswith("The library is empty")
    out = run(
        home, "import", str(first), str(release), str(tmp_path / "gone.mp4"), str(notes),
        str(second), "--wait", "--json",
    )  # fmt: skip
    assert out.returncode == 3
    assert f"{tmp_path / 'gone.mp4'}: no such file" in out.stderr
    assert "notes.mp4" in out.stderr
    assert "2 files left out: not media of their own" in out.stderr  # the .srt and .nfo
    results = json.loads(out.stdout)
    assert [r["media"]["display_title"] for r in results] == [
        "First Film (2001)",
        "Third Film (2003)",
        "Second Film (2002)",
    ]
    assert all(r["media"]["status"] == "READY" for r in results)
    third = run(home, "media", "show", results[1]["media"]["id"], "--json")
    assert [s["language"] for s in json.loads(third.stdout)["subtitle_files"]] == ["en"]
    listed = json.loads(run(home, "library", "list", "--json").stdout)
    assert sorted((m["title"], m["year"]) for m in listed["movies"]) == [
        ("First Film", 2001),
        ("Second Film", 2002),
        ("Third Film", 2003),
    ]
    human = run(home, "library", "list").stdout
    assert human.startswith("Movies\n") and "Series" not in human  # no empty headings
    # A folder with nothing to import, or a subtitle named alone, is said as such.
    (tmp_path / "empty").mkdir()
    nothing = run(home, "import", str(tmp_path / "empty"), str(release / "movie.nfo"))
    assert nothing.returncode == 3
    assert "no media files in this folder" in nothing.stderr
    assert "movie.nfo: not media of its own" in nothing.stderr
    # One source that fails prints no JSON at all (the reason is on stderr).
    alone = run(home, "import", str(tmp_path / "gone.mp4"), "--json")
    assert (alone.returncode, alone.stdout) == (3, "") and "no such file" in alone.stderr
    # A place given by flags names one file: several with it are refused before anything.
    both = run(home, "import", str(first), str(second), "--movie", "Either")
    assert both.returncode == 3 and "one file" in both.stderr


def test_waiting_work_says_what_would_run_it(home: Path, clip: Path) -> None:
    """Imported with nothing consuming the library: the import and ``media show`` say
    that the app or ``serve`` would process it; once processed, they stop saying it."""
    out = run(home, "import", str(clip))
    assert out.returncode == 0, out.stderr
    assert "nothing processes this library on this machine now" in out.stdout
    media_id = out.stdout.split()[0]  # the short id the line starts with
    shown = run(home, "media", "show", media_id)
    assert shown.returncode == 0 and "Waiting" in shown.stdout
    assert "start the app or `mediadesk serve`" in shown.stdout
    (home / "mediadesk.toml").write_text('pipeline_video = ["probe"]\n')
    assert run(home, "import", str(clip), "--wait").returncode == 0  # the same file: done
    again = run(home, "media", "show", media_id)
    assert "nothing processes" not in again.stdout
    # Watched by hand, and back, as the app's menu and the web page's switch do.
    assert "watched" in run(home, "media", "watched", media_id).stdout
    shown = json.loads(run(home, "media", "show", media_id, "--json").stdout)
    assert shown["playback"]["watched"] is True
    assert "not watched" in run(home, "media", "unwatched", media_id).stdout
    shown = json.loads(run(home, "media", "show", media_id, "--json").stdout)
    assert shown["playback"]["watched"] is False
    # An unknown id among several is refused, and marks none of the others.
    gone = "00000000-0000-4000-8000-000000000000"
    refused = run(home, "media", "watched", media_id, gone)
    assert refused.returncode != 0 and gone in refused.stderr
    shown = json.loads(run(home, "media", "show", media_id, "--json").stdout)
    assert shown["playback"]["watched"] is False
