"""The HTTP server over the S3 backend (moto on loopback): playlists proxied, segments
redirected to presigned URLs or proxied with ranges, and a real client plays it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.serverkit import make_hls, serving, upload
from tests.services.conftest import S3Server
from tests.services.test_s3_storage import make_storage

pytestmark = [pytest.mark.services, pytest.mark.integration, pytest.mark.slow]


@pytest.mark.parametrize("presign", [True, False])
def test_hls_from_s3(
    presign: bool, home: Path, clip: Path, s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    with serving(workers=False) as host:
        media_id = upload(host, clip)["mediaFileId"]
        state = host.state
        assert state is not None
        storage = make_storage(s3_server.url, bucket, tmp_path, presign=presign)
        tree = make_hls(tmp_path / "hls", clip)
        storage.publish_tree(tree.parent, f"hls/{media_id}", ("master.m3u8",))
        state.runtime.storage = storage

        master = httpx.get(host.stream_url(media_id))
        assert master.status_code == 200 and "r0/index.m3u8" in master.text
        playlist = httpx.get(f"{host.url}/stream/hls/{media_id}/r0/index.m3u8").text
        segment = next(line for line in playlist.splitlines() if line.endswith(".ts"))
        url = f"{host.url}/stream/hls/{media_id}/r0/{segment}"
        first = httpx.get(url, follow_redirects=False)
        if presign:
            assert first.status_code == 302
            assert first.headers["location"].startswith(s3_server.url)
        else:
            assert first.status_code == 200 and first.content[:1] == b"G"
            tail = httpx.get(url, headers={"Range": "bytes=-376"})
            assert tail.status_code == 206 and tail.content == first.content[-376:]
        # A real client resolves the relative URIs against the server and plays it all.
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_programs",
             "-count_packets", host.stream_url(media_id)],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        programs = json.loads(probe.stdout)["programs"]
        assert len(programs) == 2
        assert all(int(s["nb_read_packets"]) > 0 for p in programs for s in p["streams"])
