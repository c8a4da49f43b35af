"""The desktop app's server: loopback only, its own Host names, no CORS, a per-run token.

Each test plays the attacker's part: a page on another origin (``Origin:``), or DNS
rebinding (a foreign ``Host:`` reaching 127.0.0.1).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mediadesk.settings import read_settings_file
from tests.serverkit import auth, serving, upload

pytestmark = pytest.mark.integration

EVIL = {"Origin": "https://evil.example"}


def test_cross_origin_writes_and_listings_are_refused(home: Path) -> None:
    with serving(workers=False) as host:
        api = host.url + "/api/v1"
        # What any website's script could send: no token, a foreign Origin.
        write = httpx.post(api + "/movies", json={"title": "pwned"}, headers=EVIL)
        assert write.status_code == 401
        assert "access-control-allow-origin" not in write.headers
        listing = httpx.get(api + "/media", headers=EVIL)
        assert listing.status_code == 401
        assert "access-control-allow-origin" not in listing.headers
        preflight = httpx.options(
            api + "/movies",
            headers={
                **EVIL,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert "access-control-allow-origin" not in preflight.headers
        assert httpx.get(api + "/movies", headers=auth(host)).json() == []
        # The app's own token opens it; nothing was written by the attempts above.
        made = httpx.post(api + "/movies", json={"title": "mine"}, headers=auth(host))
        assert made.status_code == 201
        assert [m["title"] for m in httpx.get(api + "/movies", headers=auth(host)).json()] == [
            "mine"
        ]


def test_token_is_per_run_and_never_on_disk(home: Path) -> None:
    with serving(workers=False, server_token="configured-for-serve") as host:
        first = host.token
        assert first and first != "configured-for-serve"
        url = host.web_url()
        assert url == f"{host.url}/#token={first}"
        bad = {"Authorization": "Bearer configured-for-serve"}
        assert httpx.get(host.url + "/api/v1/media", headers=bad).status_code == 401
        assert first not in str(read_settings_file(host.runtime.settings.home))
    with serving(workers=False) as host:
        assert host.token and host.token != first


@pytest.mark.parametrize(
    "host_header",
    ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}", "127.0.0.1:1", "10.0.0.5"],
)
def test_foreign_host_is_refused(home: Path, host_header: str) -> None:
    with serving(workers=False) as host:
        media_id = "0" * 32
        name = host_header.replace("{port}", str(host.port))
        for path in ("/api/v1/media", "/api/v1/health", "/", f"/stream/original/{media_id}"):
            r = httpx.get(host.url + path, headers={**auth(host), "Host": name})
            assert r.status_code == 421, (path, r.status_code)
            assert r.json()["error"]["code"] == "HOST_NOT_ALLOWED"


def test_loopback_names_and_stream_cors_still_work(home: Path, clip: Path) -> None:
    with serving(workers=False, server_host="0.0.0.0") as host:
        assert host.bind_host == "127.0.0.1"  # the desktop server never leaves loopback
        media_id = upload(host, clip)["mediaFileId"]
        for name in ("127.0.0.1", "localhost", "LOCALHOST", "[::1]"):
            for value in (name, f"{name}:{host.port}"):
                r = httpx.get(
                    f"{host.url}/api/v1/media/{media_id}", headers={**auth(host), "Host": value}
                )
                assert r.status_code == 200, value
        # hls.js in a page needs CORS on stream reads, and gets it.
        stream = httpx.get(f"{host.url}/stream/original/{media_id}", headers=EVIL)
        assert stream.status_code == 200
        assert stream.headers["access-control-allow-origin"] == "*"


def test_serve_checks_host_too(home: Path) -> None:
    names = ["media.example.org", "nas:8443"]
    with serving(headless=True, workers=False, server_public_names=names) as host:
        port = host.port

        def status(value: str) -> int:
            return httpx.get(host.url + "/api/v1/health", headers={"Host": value}).status_code

        assert status(f"127.0.0.1:{port}") == 200
        assert status("media.example.org") == 200  # behind a proxy: any port
        assert status("media.example.org:443") == 200
        assert status("nas:8443") == 200
        assert status("evil.example") == 421
        assert status(f"evil.example:{port}") == 421
    with serving(headless=True, workers=False, server_host="0.0.0.0") as host:
        port = host.port
        # Bound to every address: any IP literal names us (rebinding needs a name).
        for value in (f"192.168.1.20:{port}", f"[fe80::1]:{port}", f"localhost:{port}"):
            assert (
                httpx.get(host.url + "/api/v1/health", headers={"Host": value}).status_code == 200
            )
        bad = httpx.get(host.url + "/api/v1/health", headers={"Host": f"evil.example:{port}"})
        assert bad.status_code == 421
    with serving(headless=True, workers=False, server_public_names=["*"]) as host:
        r = httpx.get(host.url + "/api/v1/health", headers={"Host": "anything.example"})
        assert r.status_code == 200
