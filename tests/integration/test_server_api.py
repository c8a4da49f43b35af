"""The HTTP API on a real server (granian on loopback), real uploads, real ffmpeg."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.media import Clip, make_clip
from tests.serverkit import auth, raw_request, serving, upload, wait_media
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def staging_files(host) -> list[Path]:  # type: ignore[no-untyped-def]
    staging = host.state.runtime.storage.staging_dir()
    return [p for p in staging.rglob("*") if p.is_file()]


def test_contract_upload_status_and_playback(home: Path, clip: Path) -> None:
    with serving() as host:
        body = upload(host, clip)
        assert set(body) == {"mediaFileId", "status"}
        assert body["status"] in ("UPLOADED", "PROCESSING")
        media_id = body["mediaFileId"]

        # The original plays at once, before any processing has finished.
        play = httpx.get(f"{host.url}/api/v1/media/{media_id}/playback", headers=auth(host)).json()
        assert play["originalUrl"] == f"/stream/original/{media_id}"
        original = httpx.get(host.url + play["originalUrl"], headers=auth(host))
        assert original.status_code == 200
        assert original.content == clip.read_bytes()
        assert original.headers["content-type"] == "video/mp4"

        status = wait_media(host, media_id)
        assert set(status) == {"id", "status", "manifestUrl", "errorMessage"}
        assert status["status"] == "READY"
        assert status["errorMessage"] is None

        detail = httpx.get(f"{host.url}/api/v1/media/{media_id}", headers=auth(host)).json()
        assert detail["duration_seconds"] == pytest.approx(2.0, abs=0.2)
        assert detail["sha256"] and detail["original_filename"] == clip.name
        assert staging_files(host) == []


def test_raw_put_upload_with_catalogue_fields_and_duplicates(home: Path, clip: Path) -> None:
    with serving(workers=False) as host:
        data = clip.read_bytes()
        r = httpx.put(
            f"{host.url}/api/v1/uploads/holiday.mp4",
            params={"series": "Trips", "season": 1, "episode": 2, "tags": "beach,2026"},
            content=data,
            headers=auth(host),
        )
        assert r.status_code == 201, r.text
        first = r.json()
        assert first["duplicate"] is False and first["episode_id"]
        assert first["media"]["tags"] == ["2026", "beach"]
        again = httpx.put(
            f"{host.url}/api/v1/uploads/again.mp4", content=data, headers=auth(host)
        ).json()
        assert again["duplicate"] is True
        assert again["media"]["id"] == first["media"]["id"]
        series = httpx.get(f"{host.url}/api/v1/series", headers=auth(host)).json()
        assert series[0]["title"] == "Trips"
        assert series[0]["seasons"][0]["episodes"][0]["media_file_id"] == first["media"]["id"]


def test_bad_uploads_fail_clearly_and_leave_nothing(home: Path, media_dir: Path) -> None:
    with serving(workers=False) as host:
        text = media_dir / "notes.mp4"
        text.write_text("#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n")
        with text.open("rb") as fh:
            r = httpx.post(
                host.url + "/media/upload", files={"file": ("notes.mp4", fh)}, headers=auth(host)
            )
        assert r.status_code in (400, 415, 422)
        assert r.json()["error"]["code"] in ("INVALID_MEDIA", "UNSUPPORTED_MEDIA")
        assert "notes.mp4" in r.json()["error"]["message"]

        r = httpx.post(host.url + "/media/upload", data={"title": "no file"}, headers=auth(host))
        assert r.status_code == 400
        r = httpx.post(
            host.url + "/media/upload",
            content=b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nab',
            headers={**auth(host), "Content-Type": "multipart/form-data; boundary=xyz"},
        )
        assert r.status_code == 400 and "ended before" in r.json()["error"]["message"]
        assert staging_files(host) == []
        assert httpx.get(host.url + "/api/v1/media", headers=auth(host)).json()["total"] == 0


def test_interrupted_upload_leaves_nothing_behind(home: Path, clip: Path) -> None:
    with serving(workers=False) as host:
        head = (
            b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="c.mp4"\r\n'
            b"\r\n" + clip.read_bytes()[:50_000]
        )
        request = (
            b"POST /media/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {host.token}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=b0undary\r\n"
            b"Content-Length: 10000000\r\n\r\n" + head
        )
        raw_request(host, request, timeout=1.0)  # then the connection closes mid-body
        wait_until(lambda: staging_files(host), "the staging file to go", until=lambda f: not f)
        assert httpx.get(host.url + "/api/v1/media", headers=auth(host)).json()["total"] == 0


def test_listing_paging_filters_and_delete(home: Path, media_dir: Path) -> None:
    with serving(workers=False) as host:
        ids = []
        for n in range(3):
            path = make_clip(media_dir, Clip(duration=1.0, size="160x90", seed=f"list{n}"))
            ids.append(upload(host, path, tags="even" if n % 2 == 0 else "odd")["mediaFileId"])
        page = httpx.get(host.url + "/api/v1/media", params={"limit": 2}, headers=auth(host)).json()
        assert page["total"] == 3 and len(page["items"]) == 2
        rest = httpx.get(
            host.url + "/api/v1/media", params={"limit": 2, "offset": 2}, headers=auth(host)
        ).json()
        assert len(rest["items"]) == 1
        assert {m["id"] for m in page["items"] + rest["items"]} == set(ids)
        even = httpx.get(
            host.url + "/api/v1/media", params={"tag": "even"}, headers=auth(host)
        ).json()
        assert even["total"] == 2
        assert (
            httpx.get(
                host.url + "/api/v1/media", params={"kind": "audio"}, headers=auth(host)
            ).json()["total"]
            == 0
        )
        assert (
            httpx.get(
                host.url + "/api/v1/media", params={"kind": "nope"}, headers=auth(host)
            ).status_code
            == 422
        )

        r = httpx.delete(
            f"{host.url}/api/v1/media/{ids[0]}", params={"purge": "true"}, headers=auth(host)
        )
        assert r.status_code == 204
        assert httpx.get(f"{host.url}/api/v1/media/{ids[0]}", headers=auth(host)).status_code == 404
        assert httpx.get(f"{host.url}/media-files/{ids[0]}", headers=auth(host)).status_code == 404
        assert httpx.get(f"{host.url}/stream/original/{ids[0]}").status_code == 404
        assert httpx.get(host.url + "/api/v1/media", headers=auth(host)).json()["total"] == 2


def test_catalogue_endpoints(home: Path, clip: Path) -> None:
    with serving(workers=False) as host:
        media_id = upload(host, clip)["mediaFileId"]
        api = host.url + "/api/v1"
        movie = httpx.post(
            api + "/movies",
            json={"title": "Big Test", "releaseDate": "2026-01-02"},
            headers=auth(host),
        )
        assert movie.status_code == 201
        movie_id = movie.json()["id"]
        attached = httpx.put(
            f"{api}/movies/{movie_id}/media", json={"mediaFileId": media_id}, headers=auth(host)
        )
        assert attached.json()["media_file_id"] == media_id
        series = httpx.post(api + "/series", json={"title": "Show"}, headers=auth(host)).json()
        assert (
            httpx.post(api + "/series", json={"title": "Show"}, headers=auth(host)).status_code
            == 409
        )
        season = httpx.post(
            f"{api}/series/{series['id']}/seasons", json={"number": 1}, headers=auth(host)
        ).json()
        episode = httpx.post(
            f"{api}/seasons/{season['id']}/episodes",
            json={"number": 3, "title": "Pilot"},
            headers=auth(host),
        ).json()
        linked = httpx.put(
            f"{api}/episodes/{episode['id']}/media",
            json={"mediaFileId": media_id},
            headers=auth(host),
        )
        assert linked.json()["media_file_id"] == media_id
        bad = httpx.put(
            f"{api}/episodes/{episode['id']}/media",
            json={"mediaFileId": "nope"},
            headers=auth(host),
        )
        assert bad.status_code == 404
        listing = httpx.get(api + "/library", headers=auth(host)).json()
        assert listing["movies"][0]["title"] == "Big Test"
        assert listing["series"][0]["seasons"][0]["episodes"][0]["title"] == "Pilot"


def test_jobs_api_and_live_log(home: Path) -> None:
    from tests.jobtypes import machinery_registry

    with serving(registry=machinery_registry()) as host:
        api = host.url + "/api/v1"
        job = httpx.post(
            api + "/jobs", json={"type": "test_encode", "input": {"seconds": 2}}, headers=auth(host)
        )
        assert job.status_code == 201, job.text
        job_id = job.json()["id"]
        bad = httpx.post(
            api + "/jobs",
            json={"type": "test_encode", "input": {"seconds": -1}},
            headers=auth(host),
        )
        assert bad.status_code == 400 and "seconds" in bad.json()["error"]["message"]

        # Follow the log live until the job ends: Server-Sent Events from offset 0.
        events: list[tuple[str, str]] = []
        with httpx.stream(
            "GET", f"{api}/jobs/{job_id}/log/stream", timeout=120, headers=auth(host)
        ) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            event = ""
            for line in r.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    events.append((event, line[6:]))
                if event == "end" and not line:
                    break
        text = "\n".join(d for e, d in events if e == "log")
        assert "ffmpeg" in text or "libx264" in text or "frame=" in text
        assert events[-1] == ("end", "COMPLETED")

        detail = httpx.get(f"{api}/jobs/{job_id}", headers=auth(host)).json()
        assert detail["status"] == "COMPLETED"
        assert detail["attempt_history"][0]["commands"][0]["argv"][0].endswith("ffmpeg")
        chunk = httpx.get(
            f"{api}/jobs/{job_id}/log", params={"offset": 5}, headers=auth(host)
        ).json()
        assert chunk["offset"] == 5 and chunk["exists"]
        assert httpx.post(f"{api}/jobs/{job_id}/retry", headers=auth(host)).status_code == 409
        replay = httpx.post(f"{api}/jobs/{job_id}/replay", headers=auth(host))
        assert replay.json()["status"] in ("PENDING", "PROCESSING")
        listed = httpx.get(api + "/jobs", params={"type": "test_encode"}, headers=auth(host)).json()
        assert listed["total"] == 1
        slow = httpx.post(
            api + "/jobs", json={"type": "noop", "input": {"sleep_s": 60}}, headers=auth(host)
        ).json()

        def slow_job() -> dict[str, Any]:
            return dict(httpx.get(f"{api}/jobs/{slow['id']}", headers=auth(host)).json())

        wait_until(slow_job, "the job to start", until=lambda j: j["status"] == "PROCESSING")
        httpx.post(f"{api}/jobs/{slow['id']}/cancel", headers=auth(host))
        ended = wait_until(slow_job, "the job to end", until=lambda j: j["status"] != "PROCESSING")
        assert ended["error_code"] == "CANCELLED"
        purged = httpx.delete(f"{api}/jobs/{slow['id']}", headers=auth(host))
        assert purged.json()["jobs"] == 1
        assert httpx.get(f"{api}/jobs/{slow['id']}", headers=auth(host)).status_code == 404


def wait_import(api: str, import_id: str, headers: dict[str, str]) -> dict[str, Any]:
    return wait_until(
        lambda: dict(httpx.get(f"{api}/imports/{import_id}", headers=headers).json()),
        f"import {import_id} to finish",
        until=lambda item: item["status"] != "RUNNING",
    )


def test_url_import_presets_health_metrics_openapi(home: Path, clip: Path) -> None:
    from tests.httpfixtures import http_server

    with serving(allow_private_urls=True) as host, http_server(clip.parent) as src:
        api = host.url + "/api/v1"
        started = httpx.post(
            api + "/imports", json={"url": f"{src}/{clip.name}", "movie": "Web"}, headers=auth(host)
        )
        assert started.status_code == 202
        import_id = started.json()["id"]
        item = wait_import(api, import_id, auth(host))
        assert item["status"] == "DONE", item
        assert item["receivedBytes"] == clip.stat().st_size
        assert (
            httpx.get(api + "/movies", headers=auth(host)).json()[0]["media_file_id"]
            == item["mediaFileId"]
        )
        missing = httpx.post(
            api + "/imports", json={"url": f"{src}/missing.mp4"}, headers=auth(host)
        ).json()
        item = wait_import(api, missing["id"], auth(host))
        assert item["status"] == "FAILED" and item["errorCode"] == "DOWNLOAD_FAILED"

        assert isinstance(httpx.get(api + "/presets", headers=auth(host)).json(), list)
        health = httpx.get(api + "/health").json()
        assert health["status"] == "ok" and health["database"] and health["storage"]
        metrics = httpx.get(host.url + "/metrics", headers=auth(host)).text
        assert 'mediadesk_jobs{state="PENDING"}' in metrics
        assert "mediadesk_queue_depth" in metrics and "mediadesk_encode_speed" in metrics
        # Valid exposition text, as a Prometheus server reads it.
        families = {f.name: f for f in text_string_to_metric_families(metrics)}
        assert {"mediadesk_http_requests", "mediadesk_uploads", "mediadesk_media_files"} <= set(
            families
        )
        requests = families["mediadesk_http_requests"]
        assert requests.type == "counter"
        assert any(s.labels == {"area": "api", "status": "200"} for s in requests.samples)
        spec = httpx.get(host.url + "/openapi.json", headers=auth(host)).json()
        for path in ("/media/upload", "/media-files/{media_id}", "/stream/hls/{media_id}/{path}"):
            assert path in spec["paths"]
        assert "multipart/form-data" in str(spec["paths"]["/media/upload"])
