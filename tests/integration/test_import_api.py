"""``/api/v1/imports`` backed by jobs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mediadesk.services.imports import PathImport
from tests.httpfixtures import http_server
from tests.serverkit import serving
from tests.services.workers import wait_until

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


def ended(api: str, import_id: str) -> dict[str, object] | None:
    item: dict[str, object] = httpx.get(f"{api}/imports/{import_id}").json()
    return item if item["status"] != "RUNNING" else None


def test_imports_are_jobs_listed_alike_and_kept_across_restarts(home: Path, clip: Path) -> None:
    with http_server(clip.parent) as src:
        with serving(allow_private_urls=True) as host:
            api = host.url + "/api/v1"
            started = httpx.post(
                api + "/imports", json={"url": f"{src}/{clip.name}", "movie": "Web"}
            )
            assert started.status_code == 202, started.text
            body = started.json()
            assert set(body) >= DOCUMENTED and body["status"] == "RUNNING"
            assert body["state"] == "Waiting" and body["kind"] == "url"
            item = wait_until(lambda: ended(api, body["id"]), 60, "the import")
            assert (item["status"], item["state"]) == ("DONE", "Done"), item
            assert item["receivedBytes"] == item["totalBytes"] == clip.stat().st_size
            assert httpx.get(api + "/movies").json()[0]["media_file_id"] == item["mediaFileId"]
            missing = httpx.post(api + "/imports", json={"url": f"{src}/missing.mp4"}).json()
            failed = wait_until(lambda: ended(api, missing["id"]), 60, "the failure")
            assert failed["status"] == "FAILED" and failed["errorCode"] == "DOWNLOAD_FAILED"
            assert failed["nextStep"] and failed["state"] == "Failed"
            refused = httpx.post(api + "/imports", json={"url": "file:///etc/passwd"})
            assert refused.status_code == 400
            assert refused.json()["error"]["code"] == "URL_REFUSED"
            # A copy queued by the desktop app (or `import --background`) is listed too.
            (copy,) = host.runtime.imports.submit_paths([PathImport(clip)])
            wait_until(lambda: not host.runtime.imports.get(copy.id).active, 60, "the copy")
            listed = httpx.get(api + "/imports").json()
            assert [i["id"] for i in listed] == [copy.id, missing["id"], body["id"]]
            assert listed[0]["kind"] == "file" and listed[0]["url"] == clip.as_uri()
            assert httpx.get(api + "/imports/nope").status_code == 404
        # A new server on the same library lists the same imports.
        with serving(workers=False) as again:
            assert httpx.get(again.url + "/api/v1/imports").json() == listed
