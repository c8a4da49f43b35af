"""A subtitle file added to a video through the API: stored, its HLS rendition made by
a ``subtitles`` job, and the video's segments left exactly as they were."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from mediadesk.engine.hls.subtitles import parse_vtt
from tests.media import Clip, make_clip
from tests.serverkit import TERMINAL, auth, serving, upload, wait_media
from tests.tracks_media import SIDECAR_EN
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def tree_digest(directory: Path, pattern: str) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.glob(pattern))
    }


def test_subtitle_upload_updates_the_hls_without_re_encoding(home: Path, media_dir: Path) -> None:
    clip = make_clip(media_dir, Clip(duration=3.0, seed="subtitle-add"))
    with serving() as host:
        media_id = str(upload(host, clip)["mediaFileId"])
        assert wait_media(host, media_id)["status"] == "READY"
        state = host.state
        assert state is not None
        out = Path(state.runtime.settings.resolved_storage) / "hls" / media_id
        before = tree_digest(out, "*/seg_*.ts")
        assert "TYPE=SUBTITLES" not in (out / "master.m3u8").read_text()
        api = f"{host.url}/api/v1/media/{media_id}/subtitles"

        # Not a subtitle: refused with a clear code, nothing stored, no job.
        bad = httpx.post(
            api, params={"filename": "x.en.srt"}, content=b"#EXTM3U\n", headers=auth(host)
        )
        assert bad.status_code == 422, bad.text
        assert bad.json()["error"] == {
            "code": "INVALID_MEDIA",
            "message": "x.en.srt does not read as a SRT subtitle file",
        }
        wrong = httpx.post(api, params={"filename": "x.txt"}, content=b"x", headers=auth(host))
        assert wrong.json()["error"]["code"] == "UNSUPPORTED_MEDIA"
        unauthenticated = httpx.post(api, params={"filename": "x.en.srt"}, content=b"x")
        assert unauthenticated.status_code == 401

        added = httpx.post(
            api,
            params={"filename": "Film.de.forced.srt"},
            content=SIDECAR_EN.encode("cp1252"),
            headers=auth(host),
        )
        assert added.status_code == 201, added.text
        body = added.json()
        assert body["subtitle"]["language"] == "de" and body["subtitle"]["forced"] is True
        assert body["subtitle"]["charset"] == "cp1252"
        job = wait_until(
            lambda: httpx.get(f"{host.url}/api/v1/jobs/{body['jobId']}", headers=auth(host)).json(),
            "the subtitles job ends",
            until=lambda j: j["status"] in TERMINAL,
            timeout=120,
        )
        assert job["status"] == "COMPLETED", (job["error_code"], job["error_message"])
        assert job["type"] == "subtitles"
        master = (out / "master.m3u8").read_text()
        assert 'TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch (forced)",LANGUAGE="de"' in master
        assert "FORCED=YES" in master and 'SUBTITLES="subs"' in master
        cues = parse_vtt((out / "subs_1" / "all.vtt").read_text("utf-8"))
        assert [c.text for c in cues] == ["A café, please"]
        # The video and audio segments are the very same bytes: nothing re-encoded.
        assert tree_digest(out, "*/seg_*.ts") == before
        jobs = httpx.get(f"{host.url}/api/v1/media/{media_id}/jobs", headers=auth(host)).json()[
            "items"
        ]
        assert sorted(j["type"] for j in jobs).count("hls") == 1
        # Playback lists the whole-file track for players that read no HLS subtitles.
        play = httpx.get(f"{host.url}/api/v1/media/{media_id}/playback", headers=auth(host))
        subtitles = play.json()["subtitles"]
        assert [(s["label"], s["forced"]) for s in subtitles] == [("Deutsch (forced)", True)]
        vtt = httpx.get(host.url + subtitles[0]["url"], headers=auth(host))
        assert vtt.status_code == 200 and "A café, please" in vtt.text
