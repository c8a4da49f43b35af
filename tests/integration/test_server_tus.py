"""Resumable uploads (tus 1.0.0) survive a dropped connection."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from tests.serverkit import auth, raw_request, serving
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TUS = {"Tus-Resumable": "1.0.0"}


def meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def test_tus_upload_resumes_after_a_dropped_connection(home: Path, clip: Path) -> None:
    data = clip.read_bytes()
    with serving(workers=False) as host:
        base = host.url + "/api/v1/uploads/tus"
        caps = httpx.options(base, headers=auth(host))
        assert caps.status_code == 204 and caps.headers["tus-version"] == "1.0.0"
        assert "creation" in caps.headers["tus-extension"]
        created = httpx.post(
            base,
            headers={
                **auth(host),
                **TUS,
                "Upload-Length": str(len(data)),
                "Upload-Metadata": meta(filename="resumed.mp4", movie="Resumed"),
            },
        )
        assert created.status_code == 201, created.text
        location = created.headers["location"]
        url = host.url + location

        # First PATCH: the client sends part of what it announced, then vanishes.
        sent = len(data) // 3
        raw_request(
            host,
            (
                f"PATCH {location} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
                f"Authorization: Bearer {host.token}\r\n"
                "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode()
            + data[:sent],
            timeout=1.0,
        )
        offset = wait_until(  # the server notices the disconnect and keeps what arrived
            lambda: int(httpx.head(url, headers={**auth(host), **TUS}).headers["upload-offset"]),
            f"the upload offset to reach {sent}",
            until=lambda offset: offset == sent,
        )

        wrong = httpx.patch(
            url,
            content=data[:10],
            headers={
                **auth(host),
                **TUS,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": "0",
            },
        )
        assert wrong.status_code == 409
        assert httpx.head(url, headers=auth(host)).status_code == 412  # no Tus-Resumable header

        # Resume from the offset in two more PATCHes.
        middle = sent + (len(data) - sent) // 2
        for start, end in ((offset, middle), (middle, len(data))):
            r = httpx.patch(
                url,
                content=data[start:end],
                headers={
                    **auth(host),
                    **TUS,
                    "Content-Type": "application/offset+octet-stream",
                    "Upload-Offset": str(start),
                },
            )
            assert r.status_code == 204, r.text
            assert int(r.headers["upload-offset"]) == end
        media_id = r.headers["x-media-file-id"]
        status = httpx.get(url, headers=auth(host)).json()
        assert status["mediaFileId"] == media_id and status["offset"] == len(data)
        media = httpx.get(f"{host.url}/api/v1/media/{media_id}", headers=auth(host)).json()
        assert media["original_filename"] == "resumed.mp4"
        assert media["size_bytes"] == len(data)
        import hashlib

        assert media["sha256"] == hashlib.sha256(data).hexdigest()
        assert (
            httpx.get(host.url + "/api/v1/movies", headers=auth(host)).json()[0]["media_file_id"]
            == media_id
        )
        original = httpx.get(f"{host.url}/stream/original/{media_id}").content
        assert original == data


def test_tus_termination_and_limits(home: Path) -> None:
    with serving(workers=False, server_max_upload_bytes=1000) as host:
        base = host.url + "/api/v1/uploads/tus"
        assert (
            httpx.post(base, headers={**auth(host), **TUS, "Upload-Length": "5000"}).status_code
            == 413
        )
        assert httpx.post(base, headers={**auth(host), "Upload-Length": "10"}).status_code == 412
        created = httpx.post(base, headers={**auth(host), **TUS, "Upload-Length": "10"})
        url = host.url + created.headers["location"]
        too_much = httpx.patch(
            url,
            content=b"x" * 20,
            headers={
                **auth(host),
                **TUS,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": "0",
            },
        )
        assert too_much.status_code == 413
        assert httpx.delete(url, headers={**auth(host), **TUS}).status_code == 204
        assert httpx.head(url, headers={**auth(host), **TUS}).status_code == 404
        assert httpx.head(base + "/../../etc", headers={**auth(host), **TUS}).status_code == 404
