"""Nothing outside the storage root, tokens in serve mode, signed links, rate limits."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.serverkit import auth, raw_get, serving, upload

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TRAVERSALS = [
    "/stream/hls/{id}/../../../../etc/passwd",
    "/stream/hls/{id}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/stream/hls/{id}/..%2f..%2f..%2fetc%2fpasswd",
    "/stream/hls/{id}/%252e%252e/%252e%252e/etc/passwd",
    "/stream/hls/{id}/..%5c..%5c..%5cetc%5cpasswd",
    "/stream/hls/{id}/..\\..\\..\\etc\\passwd",
    "/stream/hls/{id}//etc/passwd",
    "/stream/hls/%2fetc/passwd",
    "/stream/hls/{id}/master.m3u8%00.ts",
    "/stream/hls/{id}/%00",
    "/stream/original/..%2f..%2flibrary.db",
    "/stream/originals/{id}/x",
    "/stream/hls/{id}/escape/secret.txt",
    "/stream/hls/{id}/escape.ts",
    "/stream/thumbnails/../library.db",
    "/stream/s/9999999999/abc/hls/{id}/../../../etc/passwd",
]


def test_no_byte_outside_the_root(home: Path, clip: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret")
    with serving(workers=False) as host:
        media_id = upload(host, clip)["mediaFileId"]
        assert host.state is not None
        root = Path(host.state.runtime.settings.resolved_storage)
        hls = root / "hls" / media_id
        hls.mkdir(parents=True)
        (hls / "master.m3u8").write_text("#EXTM3U\n")
        os.symlink(outside, hls / "escape")  # a directory symlink pointing out
        os.symlink(outside / "secret.txt", hls / "escape.ts")  # a file symlink pointing out
        assert raw_get(host, f"/stream/hls/{media_id}/master.m3u8") == 200
        for template in TRAVERSALS:
            path = template.replace("{id}", media_id)
            status = raw_get(host, path)
            assert status in (400, 404), f"{path} -> {status}"
        # The library database and the original are never reachable by a stream path.
        assert raw_get(host, "/stream/hls/" + media_id + "/../../library.db") == 404

        # A file served (and remembered by the fast path) and then swapped for a
        # symlink pointing out is refused; a file replaced in place is served anew.
        segment = hls / "seg.ts"
        segment.write_bytes(b"G" * 1000)
        url = f"{host.url}/stream/hls/{media_id}/seg.ts"
        assert httpx.get(url).content == b"G" * 1000
        assert httpx.get(url).content == b"G" * 1000
        segment.unlink()
        os.symlink(outside / "secret.txt", segment)
        assert httpx.get(url).status_code == 404
        segment.unlink()
        segment.write_bytes(b"H" * 500)
        assert httpx.get(url).content == b"H" * 500


def test_headless_needs_the_token(home: Path, clip: Path) -> None:
    with serving(headless=True, workers=False) as host:
        token = host.token
        assert token and host.generated_token == token
        saved = load_settings({}).server_token
        assert saved is not None and saved.get_secret_value() == token  # kept for next start
        api = host.url + "/api/v1"
        assert httpx.get(api + "/media").status_code == 401
        assert httpx.get(api + "/jobs").status_code == 401
        assert httpx.get(host.url + "/metrics").status_code == 401
        assert (
            httpx.get(api + "/media", headers={"Authorization": "Bearer wrong"}).status_code == 401
        )
        with clip.open("rb") as fh:
            r = httpx.post(host.url + "/media/upload", files={"file": ("c.mp4", fh)})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert httpx.put(api + "/uploads/x.mp4", content=b"abc").status_code == 401
        assert httpx.post(api + "/movies", json={"title": "x"}).status_code == 401
        assert httpx.get(api + "/health").status_code == 200  # health stays open
        media_id = upload(host, clip)["mediaFileId"]
        listed = httpx.get(api + "/media", headers=auth(host)).json()
        assert listed["items"][0]["id"] == media_id
        # Reading the stream is open on the LAN by default.
        assert httpx.get(f"{host.url}/stream/original/{media_id}").status_code == 200


def test_json_bodies_are_capped(home: Path) -> None:
    with serving(workers=False) as host:
        big = b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        r = httpx.post(
            host.url + "/api/v1/series", content=big, headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 413

        def chunks():  # type: ignore[no-untyped-def]
            yield big[:1000]
            yield big[1000:]

        r = httpx.post(
            host.url + "/api/v1/movies",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 413


def test_signed_urls(home: Path, clip: Path) -> None:
    with serving(workers=False, server_signed_urls=True) as host:
        media_id = upload(host, clip)["mediaFileId"]
        assert host.state is not None
        root = Path(host.state.runtime.settings.resolved_storage)
        (root / "hls" / media_id / "v0").mkdir(parents=True)
        (root / "hls" / media_id / "master.m3u8").write_text("#EXTM3U\nv0/index.m3u8\n")
        (root / "hls" / media_id / "v0" / "index.m3u8").write_text("#EXTM3U\n")
        assert httpx.get(f"{host.url}/stream/hls/{media_id}/master.m3u8").status_code == 403
        signed = host.stream_url(media_id)
        assert "/stream/s/" in signed
        assert httpx.get(signed, headers=auth(host)).status_code == 200
        # A relative URI in the playlist resolves under the same signed prefix.
        variant = httpx.URL(signed).join("v0/index.m3u8")
        assert httpx.get(variant, headers=auth(host)).status_code == 200
        tampered = signed.replace(f"/hls/{media_id}/", "/hls/" + "0" * 36 + "/")
        assert httpx.get(tampered, headers=auth(host)).status_code == 403
        parts = signed.split("/")
        parts[5] = str(int(parts[5]) + 10)  # extend the expiry: the signature breaks
        assert httpx.get("/".join(parts), headers=auth(host)).status_code == 403
        assert httpx.get(host.original_url(media_id), headers=auth(host)).status_code == 200
        contract = httpx.get(
            f"{host.url}/api/v1/media/{media_id}/playback", headers=auth(host)
        ).json()
        assert contract["originalUrl"].startswith("/stream/s/")


def test_rate_limit_on_writes(home: Path) -> None:
    settings = load_settings({**FAST, "server_port": 0, "server_rate_limit": 1.0})
    with serving(settings, workers=False) as host:
        codes = [
            httpx.post(
                host.url + "/api/v1/series", json={"title": f"S{i}"}, headers=auth(host)
            ).status_code
            for i in range(8)
        ]
        assert codes[:4] == [201] * 4
        assert 429 in codes
        limited = httpx.post(
            host.url + "/api/v1/series", json={"title": "again"}, headers=auth(host)
        )
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert (
            httpx.get(host.url + "/api/v1/series", headers=auth(host)).status_code == 200
        )  # reads unaffected


def test_upload_size_limit(home: Path, clip: Path) -> None:
    with serving(workers=False, server_max_upload_bytes=10_000) as host:
        r = httpx.put(
            host.url + "/api/v1/uploads/big.mp4", content=clip.read_bytes(), headers=auth(host)
        )
        assert r.status_code == 413 and r.json()["error"]["code"] == "TOO_LARGE"
        staging = host.state.runtime.storage.staging_dir()  # type: ignore[union-attr]
        assert [p for p in staging.rglob("*") if p.is_file()] == []


def test_embedded_server_stops_cleanly(home: Path) -> None:
    import socket
    import threading

    from mediadesk.runtime import Runtime
    from mediadesk.server.host import ServerHost

    before = {t.name for t in threading.enumerate()}
    runtime = Runtime(load_settings({**FAST, "server_port": 0})).open()
    try:
        for _ in range(2):  # start and stop twice in one process, as the GUI may
            host = ServerHost(runtime, headless=False).start()
            port = host.port
            assert port is not None
            assert httpx.get(host.url + "/api/v1/health").status_code == 200
            assert host.stream_url("abc").endswith("/stream/hls/abc/master.m3u8")
            assert host.original_url("abc").endswith("/stream/original/abc")
            assert host.poster_url("abc").endswith("/stream/thumbnails/abc/poster.jpg")
            host.stop()
            host.stop()  # idempotent
            with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), 1):
                pass
    finally:
        runtime.stop()
    leftover = {t.name for t in threading.enumerate()} - before
    assert not {n for n in leftover if n in ("http-server", "webhooks")}
