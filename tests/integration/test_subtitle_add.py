"""A subtitle file added to a video through the API: stored, its HLS rendition made by
a ``subtitles`` job, and the video's segments left exactly as they were."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from mediadesk.engine.hls.subtitles import parse_vtt
from mediadesk.handlers.inputs import PresetInput
from mediadesk.jobs.spec import JobSpec
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
        assert body["waitsForLadder"] is False  # the ladder was done: updated at once
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


def test_subtitle_added_while_the_ladder_encodes_is_carried_over(
    runtime_factory, media_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Its ``subtitles`` job waits for the ladder (both rewrite the master playlist, so
    they never run side by side) without spending an attempt, then adds the file to
    the master the ladder published; no second ``subtitles`` job follows the ladder."""
    clip = make_clip(media_dir, Clip(duration=10.0, size="854x480", seed="subtitle-late"))
    rt = runtime_factory(pipeline_video=["probe", "hls"], encoder="cpu")
    media_id = rt.ingest.import_path(clip).media.id

    def all_jobs() -> list[Any]:
        return [rt.jobs.get(i) for i in rt.jobs.jobs_of_media(media_id)]

    def ladder() -> object:
        return next((j for j in all_jobs() if j.type == "hls"), None)

    wait_until(
        ladder, "the ladder to start", until=lambda j: j is not None and j.status == "PROCESSING"
    )
    srt = tmp_path / "Film.de.srt"
    srt.write_bytes(SIDECAR_EN.encode("cp1252"))
    added = rt.tracks.add_subtitle(media_id, srt)
    assert added.waits_for_ladder  # said to the user: it joins when the encode is done
    first = wait_until(
        lambda: rt.jobs.get(added.job_id),
        "the subtitles job to end",
        until=lambda j: j.status.is_terminal,
        timeout=120,
    )
    # One attempt: no retry spent waiting for the encode.
    assert (first.status, first.attempts) == ("COMPLETED", 1), (first.error_code, first.attempts)
    done = wait_until(
        all_jobs,
        "the ladder and what follows it",
        until=lambda jobs: all(j.status.is_terminal for j in jobs),
        timeout=300,
    )
    assert {j.status for j in done} == {"COMPLETED"}, [(j.type, j.error_message) for j in done]
    assert [j.id for j in done if j.type == "subtitles"] == [added.job_id]
    out = Path(rt.settings.resolved_storage) / "hls" / media_id
    master = (out / "master.m3u8").read_text()
    assert 'TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch",LANGUAGE="de"' in master
    cues = parse_vtt((out / "subs_1" / "all.vtt").read_text("utf-8"))
    assert [c.text for c in cues] == ["A café, please"]


def test_subtitle_added_before_any_ladder_waits_for_it(
    runtime_factory, media_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """No ladder queued or made (it failed, or was never asked for): the ``subtitles``
    job ends at once instead of retrying until DEAD, and the next ladder carries it."""
    clip = make_clip(media_dir, Clip(duration=2.0, size="320x240", seed="subtitle-no-ladder"))
    rt = runtime_factory(pipeline_video=["probe"], encoder="cpu")
    media_id = rt.ingest.import_path(clip).media.id
    (probe,) = rt.jobs.wait(rt.jobs.jobs_of_media(media_id), timeout=60)
    assert probe.status == "COMPLETED"
    srt = tmp_path / "Film.de.srt"
    srt.write_bytes(SIDECAR_EN.encode("cp1252"))
    added = rt.tracks.add_subtitle(media_id, srt)
    assert added.waits_for_ladder  # no stream yet: it joins the one made next
    (sub_job,) = rt.jobs.wait([added.job_id], timeout=60)
    assert (sub_job.status, sub_job.attempts) == ("COMPLETED", 1), sub_job.error_message
    assert sub_job.result == {"waiting_for_ladder": True}
    log = rt.jobs.log(added.job_id).data
    assert "goes into the streaming version when it is made" in log
    out = Path(rt.settings.resolved_storage) / "hls" / media_id
    assert not out.exists()

    ladder = rt.jobs.submit(
        JobSpec(type="hls", input=PresetInput(media_file_id=media_id), media_file_id=media_id)
    )
    (made,) = rt.jobs.wait([ladder.id], timeout=300)
    assert made.status == "COMPLETED", made.error_message
    master = (out / "master.m3u8").read_text()
    assert 'TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch",LANGUAGE="de"' in master
    cues = parse_vtt((out / "subs_1" / "all.vtt").read_text("utf-8"))
    assert [c.text for c in cues] == ["A café, please"]
