"""``/api/v1/imports`` backed by jobs, and ``POST /api/v1/jobs`` checking input at once."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mediadesk.services.imports import ImportView, PathImport
from tests.httpfixtures import http_server
from tests.serverkit import auth, serving
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

DOCUMENTED = {
    "id",
    "url",
    "status",
    "receivedBytes",
    "totalBytes",
    "mediaFileId",
    "duplicate",
    "errorCode",
    "errorMessage",
}


def done(item: ImportView) -> bool:
    return not item.active


def ended(http: httpx.Client, api: str, import_id: str) -> dict[str, object] | None:
    item: dict[str, object] = http.get(f"{api}/imports/{import_id}").json()
    return item if item["status"] != "RUNNING" else None


def test_imports_are_jobs_listed_alike_and_kept_across_restarts(home: Path, clip: Path) -> None:
    with http_server(clip.parent) as src:
        with serving(allow_private_urls=True) as host:
            http = httpx.Client(headers=auth(host))
            api = host.url + "/api/v1"
            started = http.post(
                api + "/imports", json={"url": f"{src}/{clip.name}", "movie": "Web"}
            )
            assert started.status_code == 202, started.text
            body = started.json()
            assert set(body) >= DOCUMENTED and body["status"] == "RUNNING"
            assert body["state"] == "Waiting" and body["kind"] == "url"
            item = wait_until(lambda: ended(http, api, body["id"]), "the import")
            assert (item["status"], item["state"]) == ("DONE", "Done"), item
            assert item["receivedBytes"] == item["totalBytes"] == clip.stat().st_size
            assert http.get(api + "/movies").json()[0]["media_file_id"] == item["mediaFileId"]
            missing = http.post(api + "/imports", json={"url": f"{src}/missing.mp4"}).json()
            failed = wait_until(lambda: ended(http, api, missing["id"]), "the failure")
            assert failed["status"] == "FAILED" and failed["errorCode"] == "DOWNLOAD_FAILED"
            assert failed["nextStep"] and failed["state"] == "Failed"
            refused = http.post(api + "/imports", json={"url": "file:///etc/passwd"})
            assert refused.status_code == 400
            assert refused.json()["error"]["code"] == "URL_REFUSED"
            # A copy queued by the desktop app (or `import --background`) is listed too.
            (copy,) = host.runtime.imports.submit_paths([PathImport(clip)])
            wait_until(lambda: host.runtime.imports.get(copy.id), "the copy", until=done)
            listed = http.get(api + "/imports").json()
            assert [i["id"] for i in listed] == [copy.id, missing["id"], body["id"]]
            assert listed[0]["kind"] == "file" and listed[0]["url"] == clip.as_uri()
            assert http.get(api + "/imports/nope").status_code == 404
        # A new server on the same library lists the same imports.
        with serving(workers=False) as again:
            http = httpx.Client(headers=auth(again))
            assert http.get(again.url + "/api/v1/imports").json() == listed


def test_job_input_is_checked_against_its_type_when_submitted(home: Path, clip: Path) -> None:
    with serving(workers=False) as host:
        http = httpx.Client(headers=auth(host))
        api = host.url + "/api/v1/jobs"
        media_id = host.runtime.ingest.import_path(clip).media.id

        nested = http.post(api, json={"type": "hls", "input": {"media_file_id": media_id}})
        assert nested.status_code == 201, nested.text
        assert nested.json()["media_file_id"] == media_id
        top = http.post(api, json={"type": "hls", "mediaFileId": media_id}).json()
        assert top["media_file_id"] == media_id and top["input"]["media_file_id"] == media_id

        def refused(body: dict[str, object], status: int, *words: str) -> dict[str, str]:
            r = http.post(api, json=body)
            assert r.status_code == status, r.text
            error: dict[str, str] = r.json()["error"]
            for word in words:
                assert word in error["message"], error
            return error

        refused(
            {"type": "hls", "input": {"media_file_id": media_id}, "mediaFileId": "other"},
            400,
            "media_file_id",
        )
        refused({"type": "hls", "input": {"media_file_id": media_id, "bogus": 1}}, 400, "bogus")
        extra = {"type": "hls", "input": {"media_file_id": media_id}, "colour": "red"}
        refused(extra, 422, "colour")
        assert refused({"type": "hls", "input": {"media_file_id": "nope"}}, 404)["code"] == (
            "NOT_FOUND"
        )
        refused({"type": "hls"}, 400, "media_file_id")
        refused({"type": "transmogrify"}, 400, "transmogrify")

        master = {"media_file_id": media_id, "preset_id": "Holiday Mix"}
        error = refused({"type": "master_audio", "input": master}, 400, "preset_id")
        assert error["code"] == "INVALID_PRESET"
        wrong_kind = {"media_file_id": media_id, "preset_id": "hls/ladder_v1"}
        refused({"type": "master_audio", "input": wrong_kind}, 400, "preset_id", "not")
        good = http.post(
            api,
            json={
                "type": "master_audio",
                "input": {"media_file_id": media_id, "preset_id": "audio/podcast_v1"},
            },
        )
        assert good.status_code == 201, good.text
        assert good.json()["input"]["preset"]["kind"] == "audio_master"
        # No job was created by any refused request.
        assert host.runtime.jobs.counts()["PENDING"] == 4  # probe, 2 x hls, master
