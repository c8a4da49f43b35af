"""``POST /api/v1/mastering`` on a real server: validated, snapshotted, mastered."""

from pathlib import Path

import httpx
import pytest

from tests.audio_signals import Programme, make_music, make_programme
from tests.serverkit import auth, serving

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_mastering_over_http(ffmpeg: None, home: Path, media_dir: Path) -> None:
    with serving() as host:
        rt = host.runtime
        programme = rt.ingest.import_path(make_programme(media_dir, Programme())).media
        music = rt.ingest.import_path(make_music(media_dir)).media
        api = host.url + "/api/v1/mastering"
        body = {
            "mediaFileId": programme.id,
            "preset": "audio/music_mix_roll_duck_v1",
            "musicMediaFileId": music.id,
        }
        r = httpx.post(api, json=body, headers=auth(host), timeout=30)
        assert r.status_code == 201, r.text
        job = r.json()
        # The preset went into the job whole, so a replay reproduces this master.
        assert job["input"]["preset"]["ducking"]["mode"] == "rolling"
        done = rt.jobs.wait([job["id"]], timeout=240)[0]
        assert done.status == "COMPLETED", done.error_message
        master = httpx.get(
            f"{host.url}/api/v1/media/{done.result['media_file_id']}", headers=auth(host)
        ).json()
        assert master["loudness"]["integrated_lufs"] == pytest.approx(-16.0, abs=0.5)
        assert {s["role"] for s in master["sources"]} == {"programme", "music"}
        assert httpx.get(api, headers=auth(host)).json()["total"] == 1

        bad = dict(body, preset="audio/music_replace_v1", musicMediaFileId=None)
        refused = httpx.post(api, json=bad, headers=auth(host), timeout=30)
        assert refused.status_code in (400, 422) and "needs a music file" in refused.text
        extra = httpx.post(api, json=dict(body, input={"gain": 3}), headers=auth(host))
        assert extra.status_code in (400, 422) and "input" in extra.text
