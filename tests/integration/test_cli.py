"""The CLI through a subprocess, as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediadesk.runtime import LibraryLock
from mediadesk.settings import load_settings

pytestmark = pytest.mark.integration


def run(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MEDIADESK_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "mediadesk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_import_json_and_library_list(home: Path, clip: Path) -> None:
    out = run(home, "import", str(clip), "--movie", "Test", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    media = data["media"]
    assert media["duration_seconds"] == pytest.approx(2.0, abs=0.1)
    assert (media["width"], media["height"]) == (320, 180)
    assert (media["video_codec"], media["audio_codec"]) == ("h264", "aac")
    listing = json.loads(run(home, "library", "list", "--json").stdout)
    assert [m["title"] for m in listing["movies"]] == ["Test"]
    assert listing["movies"][0]["media_file_id"] == media["id"]
    shown = json.loads(run(home, "media", "show", media["id"], "--json").stdout)
    assert shown["probe"]["streams"][0]["codec"] == "h264"


def test_import_says_the_title_and_who_will_process_it(
    home: Path, clip: Path, tmp_path: Path
) -> None:
    """The guessed title, not the file name; with nothing consuming the library on this
    machine, what to start (and with the app or serve running, no such note)."""
    named = tmp_path / "The.Film.2020.mp4"
    named.write_bytes(clip.read_bytes())
    out = run(home, "import", str(named))
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first.endswith("  The Film (2020)  Waiting"), out.stdout
    assert ", H.264, AAC, " in out.stdout  # codecs as people know them
    assert "start the app or `mediadesk serve`, or import with --wait" in out.stdout
    lock = LibraryLock(load_settings({"home": home}).lock_path)
    lock.acquire()  # as the app and serve hold it
    try:
        again = run(home, "import", str(clip), "--movie", "Other")
    finally:
        lock.release()
    assert again.returncode == 0, again.stderr
    assert "  Other  Waiting" in again.stdout and "mediadesk serve" not in again.stdout


def test_import_wait_runs_the_pipeline(home: Path, clip: Path) -> None:
    out = run(home, "import", str(clip), "--wait", "--json")
    assert out.returncode == 0, out.stderr
    media = json.loads(out.stdout)["media"]
    assert media["status"] == "READY"
    kinds = {a["kind"] for a in media["artifacts"]}
    assert {"poster", "thumbnail"} <= kinds
    # Without --json the outputs read in words, each with where it is stored.
    shown = run(home, "media", "show", media["id"]).stdout
    poster = next(a for a in media["artifacts"] if a["kind"] == "poster")
    line = next(row for row in shown.splitlines() if poster["storage_key"] in row)
    assert line.split()[0] == "Posters" and "poster " not in shown


@pytest.mark.parametrize("content", [b"#EXTM3U\nfile:///etc/passwd\n", b""])
def test_bad_input_exits_3(home: Path, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    out = run(home, "import", str(bad))
    assert out.returncode == 3
    assert "bad.mp4" in out.stderr
    originals = home / "media" / "originals"
    assert not originals.exists() or not list(originals.iterdir())


def test_truncated_exits_3(home: Path, tmp_path: Path, clip: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[:20000])
    out = run(home, "import", str(cut))
    assert out.returncode == 3 and "truncated" in out.stderr


def test_usage_errors_exit_2(home: Path) -> None:
    assert run(home, "import").returncode == 2
    assert run(home, "no-such-command").returncode == 2


def test_missing_media_exits_3(home: Path) -> None:
    out = run(home, "media", "show", "nope")
    assert out.returncode == 3 and "no media file" in out.stderr


def test_version_and_module_entry(home: Path) -> None:
    out = run(home, "--version")
    assert out.returncode == 0 and out.stdout.startswith("mediadesk ")


def test_import_wait_draws_a_progress_bar_on_a_terminal(home: Path, clip: Path) -> None:
    import shlex
    import shutil

    if shutil.which("script") is None:
        pytest.fail("util-linux `script` is needed to give the CLI a terminal")
    cmd = shlex.join([sys.executable, "-m", "mediadesk", "import", str(clip), "--wait"])
    out = subprocess.run(
        ["script", "-qec", cmd, "/dev/null"],
        capture_output=True,
        text=True,
        env={**os.environ, "MEDIADESK_HOME": str(home), "COLUMNS": "100"},
        timeout=120,
    )
    assert out.returncode == 0, out.stdout
    assert "probe" in out.stdout and "poster" in out.stdout
    assert "100.0%" in out.stdout and "━" in out.stdout  # rich's bar, drawn on the tty


def test_empty_lists_say_so_and_what_to_do(home: Path) -> None:
    """A new library's lists are a sentence, not a header over nothing."""
    expected = {
        ("media", "list"): "The library is empty: `mediadesk import FILE` adds a file",
        ("media", "list", "--kind", "audio"): "No media match.",
        ("jobs", "list"): "No jobs yet: an import starts some.",
        ("jobs", "list", "--status", "FAILED"): "No jobs match.",
        ("imports",): "No imports yet.",
        ("folders", "list"): "No library folders yet: `mediadesk folders add PATH`",
    }
    for args, sentence in expected.items():
        out = run(home, *args)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(sentence), (args, out.stdout)
        assert "ID" not in out.stdout  # no table header
