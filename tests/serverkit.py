"""Helpers for server tests: a running ServerHost on loopback, raw HTTP, HLS media.

``ready_video`` uploads a clip through the real API and waits for the pipeline. When
this build's pipeline has the ``hls`` job type, the HLS is MediaDesk's own output;
until then (the pipeline lands separately) a small two-rung HLS made with one plain
ffmpeg command is published into storage for the media file instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from mediadesk.runtime import Runtime
from mediadesk.server.host import ServerHost
from mediadesk.settings import Settings, load_settings
from tests.conftest import FAST
from tests.media import Clip, ffmpeg_available, make_clip
from tests.waiting import wait_until

TERMINAL = {"COMPLETED", "FAILED", "DEAD"}


@contextmanager
def serving(
    settings: Settings | None = None,
    headless: bool = False,
    workers: bool = True,
    registry: Any = None,
    **overrides: Any,
) -> Iterator[ServerHost]:
    settings = settings or load_settings({**FAST, "server_port": 0, **overrides})
    runtime = Runtime(settings, registry=registry).open()
    if workers:
        runtime.start_workers()
    host = ServerHost(runtime, headless=headless).start()
    try:
        yield host
    finally:
        host.stop()
        runtime.stop(grace=5)


@contextmanager
def serving_home(home: Path, **overrides: Any) -> Iterator[ServerHost]:
    """A server with workers over a library of its own at ``home``, for a module's
    worth of real-client tests: no MEDIADESK_ setting of the caller's leaks in."""
    if not ffmpeg_available():
        pytest.fail("ffmpeg is not installed (make setup-test installs it)")
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("MEDIADESK_"):
                mp.delenv(key)
        mp.setenv("MEDIADESK_HOME", str(home))
        with serving(load_settings({**FAST, "server_port": 0, **overrides})) as host:
            yield host


def import_ready(host: ServerHost, path: Path) -> str:
    """Import a local file as the app does; its id once it is Ready."""
    state = host.state
    assert state is not None
    media_id = state.runtime.ingest.import_path(path).media.id
    assert wait_media(host, media_id)["status"] == "READY"
    return media_id


def auth(host: ServerHost) -> dict[str, str]:
    return {"Authorization": f"Bearer {host.token}"} if host.token else {}


def raw_request(host: ServerHost, request: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send bytes exactly as given (no client-side path normalisation); status, body."""
    port = host.port
    assert port is not None
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                break
            if not data:
                break
            chunks.append(data)
    response = b"".join(chunks)
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
    return status, response


def raw_get(host: ServerHost, path: str) -> int:
    req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1")
    return raw_request(host, req)[0]


def upload(host: ServerHost, path: Path, **fields: str) -> dict[str, Any]:
    with path.open("rb") as fh:
        r = httpx.post(
            host.url + "/media/upload",
            files={"file": (path.name, fh, "application/octet-stream")},
            data=fields,
            headers=auth(host),
            timeout=120,
        )
    assert r.status_code == 201, r.text
    return dict(r.json())


def wait_media(host: ServerHost, media_id: str, timeout: float = 240.0) -> dict[str, Any]:
    """The media file's JSON once it is READY or FAILED."""
    return wait_until(
        lambda: dict(
            httpx.get(f"{host.url}/media-files/{media_id}", headers=auth(host), timeout=30).json()
        ),
        f"media {media_id} to be READY or FAILED",
        until=lambda body: body["status"] in ("READY", "FAILED"),
        timeout=timeout,
    )


def make_hls(out: Path, source: Path) -> Path:
    """Two H.264 rungs plus a master playlist, 1-second segments, one ffmpeg process."""
    out.mkdir(parents=True, exist_ok=True)
    argv = [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-i", str(source),
        "-filter_complex", "[0:v]split=2[a][b];[a]scale=320:180[v0];[b]scale=160:90[v1]",
        "-map", "[v0]", "-map", "0:a", "-map", "[v1]", "-map", "0:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-keyint_min", "25",
        "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k",
        "-b:v:0", "400k", "-b:v:1", "150k",
        "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(out / "%v/seg_%03d.ts"),
        "-master_pl_name", "master.m3u8",
        "-var_stream_map", "v:0,a:0,name:r0 v:1,a:1,name:r1",
        str(out / "%v/index.m3u8"),
    ]  # fmt: skip
    subprocess.run(argv, check=True, timeout=300)
    return out / "master.m3u8"


def ready_video(
    host: ServerHost, media_dir: Path, seconds: float = 12.0, grainy: bool = False
) -> str:
    # 480p, so that a real ladder (no upscaling) still has two rungs: 480p and 360p.
    # ``grainy``: film grain costs bits at every size, so the per-title ladder keeps
    # both rungs (a clean test pattern fits 480p under 360p's ceiling and keeps one).
    extra = ("-vf", "noise=alls=6:allf=t") if grainy else ()
    clip = make_clip(media_dir, Clip(duration=seconds, size="854x480", seed="serve", extra=extra))
    media_id = str(upload(host, clip)["mediaFileId"])
    status = wait_media(host, media_id)
    assert status["status"] == "READY", status
    state = host.state
    assert state is not None
    # The players must play what MediaDesk's own pipeline published, nothing hand-made.
    assert state.runtime.storage.exists(f"hls/{media_id}/master.m3u8")
    return media_id
