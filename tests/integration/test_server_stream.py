"""HLS delivery: content types, byte ranges, validators, cache headers, CORS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mediadesk.server.host import ServerHost
from mediadesk.storage.local import LocalStorage
from tests.serverkit import make_hls, serving, upload

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def hosted(home: Path, clip: Path, tmp_path: Path) -> Iterator[tuple[ServerHost, str]]:
    with serving(workers=False) as host:
        media_id = upload(host, clip)["mediaFileId"]
        tree = make_hls(tmp_path / "hls", clip)
        assert host.state is not None
        host.state.runtime.storage.publish_tree(
            tree.parent, f"hls/{media_id}", entry_last=("master.m3u8",)
        )
        yield host, media_id


def first_segment(host: ServerHost, media_id: str) -> str:
    playlist = httpx.get(f"{host.url}/stream/hls/{media_id}/r0/index.m3u8").text
    name = next(line for line in playlist.splitlines() if line.endswith(".ts"))
    return f"{host.url}/stream/hls/{media_id}/r0/{name}"


def test_types_and_cache_headers(hosted: tuple[ServerHost, str]) -> None:
    host, media_id = hosted
    master = httpx.get(f"{host.url}/stream/hls/{media_id}/master.m3u8")
    assert master.status_code == 200
    assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert "max-age=2" in master.headers["cache-control"]
    assert master.text.startswith("#EXTM3U") and "r0/index.m3u8" in master.text
    seg = httpx.get(first_segment(host, media_id))
    assert seg.status_code == 200
    assert seg.headers["content-type"] == "video/mp2t"
    assert "immutable" in seg.headers["cache-control"]
    assert seg.content[:1] == b"\x47"  # MPEG-TS sync byte
    assert int(seg.headers["content-length"]) == len(seg.content)
    assert seg.headers["access-control-allow-origin"] == "*"
    assert "Content-Range" in seg.headers["access-control-expose-headers"]
    head = httpx.head(first_segment(host, media_id))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == seg.headers["content-length"]


def test_byte_ranges(hosted: tuple[ServerHost, str]) -> None:
    host, media_id = hosted
    url = first_segment(host, media_id)
    whole = httpx.get(url).content
    size = len(whole)
    part = httpx.get(url, headers={"Range": "bytes=10-99"})
    assert part.status_code == 206
    assert part.content == whole[10:100]
    assert part.headers["content-range"] == f"bytes 10-99/{size}"
    suffix = httpx.get(url, headers={"Range": "bytes=-188"})
    assert suffix.status_code == 206 and suffix.content == whole[-188:]
    tail = httpx.get(url, headers={"Range": f"bytes={size - 5}-"})
    assert tail.content == whole[-5:]
    bad = httpx.get(url, headers={"Range": f"bytes={size}-"})
    assert bad.status_code == 416
    assert bad.headers["content-range"] == f"bytes */{size}"
    several = httpx.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert several.status_code == 200 and several.content == whole


def test_validators(hosted: tuple[ServerHost, str]) -> None:
    host, media_id = hosted
    url = first_segment(host, media_id)
    first = httpx.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert httpx.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    stale = httpx.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200  # the representation changed: send it whole
    fresh = httpx.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert fresh.status_code == 206


def test_cors_preflight_and_methods(hosted: tuple[ServerHost, str]) -> None:
    host, media_id = hosted
    url = f"{host.url}/stream/hls/{media_id}/master.m3u8"
    pre = httpx.options(
        url, headers={"Origin": "http://elsewhere", "Access-Control-Request-Headers": "range"}
    )
    assert pre.status_code == 204
    assert "Range" in pre.headers["access-control-allow-headers"]
    assert httpx.post(url).status_code == 405
    assert httpx.get(f"{host.url}/stream/hls/{media_id}/nope.m3u8").status_code == 404
    # The API answers no CORS in desktop mode (test_server_desktop.py); serve mode does.


def test_original_supports_ranges_for_seeking(hosted: tuple[ServerHost, str], clip: Path) -> None:
    host, media_id = hosted
    data = clip.read_bytes()
    r = httpx.get(f"{host.url}/stream/original/{media_id}", headers={"Range": "bytes=1000-1999"})
    assert r.status_code == 206 and r.content == data[1000:2000]
    assert "immutable" not in r.headers["cache-control"]


class RemoteLikeStorage(LocalStorage):
    """Local bytes behind the remote half of the Storage contract (no local_path), as
    the S3 backend presents them: proxied through open_read, or presigned."""

    presign_base: str | None = None

    def local_path(self, key: str) -> Path | None:
        return None

    def presigned_url(self, key: str, expires_s: int = 3600) -> str | None:
        return f"{self.presign_base}/{key}" if self.presign_base else None


def test_remote_storage_is_proxied_or_redirected(home: Path, clip: Path, tmp_path: Path) -> None:
    with serving(workers=False) as host:
        media_id = upload(host, clip)["mediaFileId"]
        state = host.state
        assert state is not None
        tree = make_hls(tmp_path / "hls", clip)
        state.runtime.storage.publish_tree(tree.parent, f"hls/{media_id}", ("master.m3u8",))
        remote = RemoteLikeStorage(Path(state.runtime.settings.resolved_storage))
        state.runtime.storage = remote
        seg_url = first_segment(host, media_id)
        root = Path(state.runtime.settings.resolved_storage)
        whole = (root / "hls" / media_id / "r0" / seg_url.rsplit("/", 1)[1]).read_bytes()
        proxied = httpx.get(seg_url)
        assert proxied.status_code == 200 and proxied.content == whole
        part = httpx.get(seg_url, headers={"Range": "bytes=-100"})
        assert part.status_code == 206 and part.content == whole[-100:]
        original = httpx.get(f"{host.url}/stream/original/{media_id}")
        assert original.content == clip.read_bytes()

        remote.presign_base = "https://bucket.example/signed"
        redirected = httpx.get(seg_url, follow_redirects=False)
        assert redirected.status_code == 302
        assert redirected.headers["location"].startswith("https://bucket.example/signed/hls/")
        # Playlists stay on the server so their relative URIs keep resolving here.
        playlist = httpx.get(f"{host.url}/stream/hls/{media_id}/master.m3u8")
        assert playlist.status_code == 200 and playlist.text.startswith("#EXTM3U")


def test_one_stream_route_documented_in_openapi(hosted: tuple[ServerHost, str]) -> None:
    """Streams have one route, the raw front; FastAPI only documents its paths."""
    from mediadesk.server.app import build_api

    host, media_id = hosted
    assert host.state is not None
    api = build_api(host.state)
    assert not [r for r in api.routes if str(getattr(r, "path", "")).startswith("/stream/")]
    spec = api.openapi()
    for path in ("/stream/original/{media_id}", "/stream/hls/{media_id}/{path}"):
        assert "get" in spec["paths"][path]
    assert httpx.get(f"{host.url}/stream/original/{media_id}").status_code == 200
