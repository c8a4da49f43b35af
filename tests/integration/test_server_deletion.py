"""A deleted media file stops playing everywhere at once, whoever deleted it.

The server keeps ready-made answers for hot files and remembers originals it has
served; neither may outlive a delete made by another process (the CLI here).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mediadesk.server.host import ServerHost
from tests.serverkit import auth, serving, upload
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

OUTPUTS = {
    "hls/{id}/master.m3u8": b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nr0/index.m3u8\n",
    "hls/{id}/r0/index.m3u8": b"#EXTM3U\n#EXTINF:1,\nseg_000.ts\n#EXT-X-ENDLIST\n",
    "hls/{id}/r0/seg_000.ts": b"G" * 188 * 10,
    "thumbnails/{id}/poster.jpg": b"\xff\xd8poster",
    "waveforms/{id}/peaks.json": b"{}",
    "trickplay/{id}/sheet_001.jpg": b"\xff\xd8sheet",
}


def published(host: ServerHost, clip: Path) -> tuple[str, list[str]]:
    """A media file with an original and every kind of output, each URL fetched twice
    (so the fast path remembers it)."""
    media_id = str(upload(host, clip)["mediaFileId"])
    root = Path(host.runtime.settings.resolved_storage)
    urls = [host.original_url(media_id)]
    for template, data in OUTPUTS.items():
        key = template.format(id=media_id)
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(data)
        urls.append(f"{host.url}/stream/{key}")
    for url in urls:
        for _ in range(2):
            assert httpx.get(url).status_code == 200, url
    assert httpx.get(urls[0], headers={"Range": "bytes=0-99"}).status_code == 206
    return media_id, urls


def all_refused(urls: list[str]) -> bool:
    return all(httpx.get(url).status_code == 404 for url in urls)


@pytest.mark.parametrize("purge", [False, True])
def test_cli_delete_stops_every_url_within_a_second(home: Path, clip: Path, purge: bool) -> None:
    with serving(workers=False) as host:
        media_id, urls = published(host, clip)
        done = subprocess.run(
            [sys.executable, "-m", "mediadesk", "media", "delete", media_id]
            + (["--purge"] if purge else []),
            env={**os.environ, "MEDIADESK_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        wait_until(lambda: all_refused(urls), "every URL refused", timeout=1.0)
        ranged = httpx.get(urls[0], headers={"Range": "bytes=0-99"})
        assert ranged.status_code == 404


def test_api_delete_stops_outputs_too(home: Path, clip: Path) -> None:
    with serving(workers=False) as host:
        media_id, urls = published(host, clip)
        r = httpx.delete(f"{host.url}/api/v1/media/{media_id}", headers=auth(host))
        assert r.status_code == 204
        assert all_refused(urls)  # this process deleted it: no wait at all
        # The same bytes imported again are a new, live media file.
        again, _urls = published(host, clip)
        assert again != media_id


def test_a_second_server_sees_the_first_ones_delete(home: Path, clip: Path) -> None:
    with serving(workers=False) as first, serving(first.runtime.settings, workers=False) as second:
        media_id, urls = published(first, clip)
        theirs = [u.replace(first.url, second.url) for u in urls]
        assert all(httpx.get(u).status_code == 200 for u in theirs)
        r = httpx.delete(f"{first.url}/api/v1/media/{media_id}", headers=auth(first))
        assert r.status_code == 204
        wait_until(lambda: all_refused(theirs), "the other server to refuse", timeout=1.0)
