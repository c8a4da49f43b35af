"""``mediadesk master``, ``loudness`` and ``presets`` through a subprocess, as users run them."""

import json
from pathlib import Path

import pytest

from mediadesk.bundled import presets_dir
from tests.audio_signals import Programme, make_music, make_programme
from tests.integration.test_cli import run
from tests.media import make_image

pytestmark = pytest.mark.integration


def imported(home: Path, path: Path) -> str:
    out = run(home, "import", str(path), "--json")
    assert out.returncode == 0, out.stderr
    return str(json.loads(out.stdout)["media"]["id"])


def test_presets_list_show_validate(home: Path, tmp_path: Path) -> None:
    listing = json.loads(run(home, "presets", "list", "--json").stdout)
    ids = {p["id"] for p in listing}
    assert {"audio/podcast_v1", "audio/broadcast_r128_v1", "audio/music_replace_v1"} <= ids
    shown = json.loads(run(home, "presets", "show", "audio/broadcast_r128_v1").stdout)
    assert shown["normalization"]["target_lufs"] == -23.0 and shown["version"] == 1
    assert run(home, "presets", "show", "audio/nope").returncode == 3

    good = tmp_path / "mine.json"
    good.write_text((presets_dir() / "audio" / "podcast_v1.json").read_text())
    ok = run(home, "presets", "validate", str(good))
    assert ok.returncode == 0 and "valid audio_master preset" in ok.stdout

    bad = tmp_path / "bad.json"
    data = json.loads(good.read_text())
    data["normalization"]["target_lufs"] = 4
    data["ducking"]["speed"] = "fast"
    bad.write_text(json.dumps(data))
    out = run(home, "presets", "validate", str(bad))
    assert out.returncode == 3
    assert "normalization.target_lufs" in out.stderr and "ducking.speed" in out.stderr


@pytest.mark.slow
def test_master_wait_json(ffmpeg: None, home: Path, media_dir: Path) -> None:
    programme = imported(home, make_programme(media_dir, Programme()))
    music = imported(home, make_music(media_dir))
    out = run(
        home, "master", programme, "--preset", "audio/music_mix_roll_duck_v1",
        "--music", music, "--wait", "--json", timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["job"]["status"] == "COMPLETED"
    media = data["media"]
    assert media["status"] == "READY" and media["kind"] == "video"
    assert media["loudness"]["integrated_lufs"] == pytest.approx(-16.0, abs=0.5)
    assert {s["role"] for s in media["sources"]} == {"programme", "music"}

    loud = run(home, "loudness", media["id"], "--wait", "--json", timeout=300)
    assert loud.returncode == 0, loud.stderr
    assert json.loads(loud.stdout)["result"]["integrated_lufs"] == pytest.approx(-16.0, abs=0.5)


@pytest.mark.slow
def test_master_refuses_bad_inputs_with_exit_3(ffmpeg: None, home: Path, media_dir: Path) -> None:
    silent = imported(home, make_programme(media_dir, Programme(audio=False)))
    image = imported(home, make_image(media_dir))
    out = run(home, "master", silent, "--preset", "audio/dialogue_mix_v1")
    assert out.returncode == 3 and "no audio stream" in out.stderr
    out = run(home, "master", silent, "--preset", "audio/music_replace_v1", "--music", image)
    assert out.returncode == 3 and "not audio" in out.stderr
    out = run(home, "master", silent, "--preset", "audio/missing_v9")
    assert out.returncode == 3 and "no preset" in out.stderr
