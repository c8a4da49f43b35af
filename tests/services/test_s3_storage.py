"""The S3 backend against a real S3-compatible server (moto) over HTTP on loopback."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from mediadesk.errors import ErrorCode, MediaDeskError
from mediadesk.storage.base import StagingWriter
from mediadesk.storage.s3 import S3Storage
from mediadesk.storage.s3_client import S3Location, make_client
from tests.services.conftest import S3Server, open_uploads
from tests.services.faultproxy import FaultProxy

MIB = 1024 * 1024


def make_storage(
    endpoint: str, bucket: str, tmp: Path, attempts: int = 3, **kw: object
) -> S3Storage:
    return S3Storage(
        S3Location(bucket, "lib"),
        make_client(endpoint, "us-east-1", attempts),
        tmp / "incoming",
        endpoint=endpoint,
        part_size=5 * MIB,
        threshold=5 * MIB,
        **kw,  # type: ignore[arg-type]
    )


def stage(storage: S3Storage, data: bytes):  # type: ignore[no-untyped-def]
    with StagingWriter(storage.staging_dir()) as writer:
        writer.write(data)
        return writer.finish()


def test_adopt_small_and_multipart(s3_server: S3Server, bucket: str, tmp_path: Path) -> None:
    storage = make_storage(s3_server.url, bucket, tmp_path)
    small, large = os.urandom(300_000), os.urandom(12 * MIB + 123)
    for key, data in (("originals/a.mp4", small), ("originals/b.mp4", large)):
        staged = stage(storage, data)
        storage.adopt(staged, key, "video/mp4")
        assert not staged.path.exists(), "adopt consumes the staged file"
        assert storage.exists(key) and storage.size(key) == len(data)
        with storage.open_read(key) as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == staged.sha256
        head = s3_server.client().head_object(
            Bucket=bucket, Key=f"lib/{key}", ChecksumMode="ENABLED"
        )
        assert head["Metadata"]["sha256"] == staged.sha256
        assert head["ContentType"] == "video/mp4"
        assert head.get("ChecksumCRC32"), "every part went up with its checksum"
    listed = {o.key: o for o in storage.list("originals")}
    assert set(listed) == {"originals/a.mp4", "originals/b.mp4"}
    assert all(abs(o.mtime - time.time()) < 300 for o in listed.values())
    assert open_uploads(s3_server, bucket) == []


def test_publish_tree_entry_last_and_replaces(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    storage = make_storage(s3_server.url, bucket, tmp_path)
    first = tmp_path / "first"
    (first / "720p").mkdir(parents=True)
    (first / "720p" / "seg_000.ts").write_bytes(b"old segment")
    (first / "720p" / "seg_001.ts").write_bytes(b"old segment 2")
    (first / "720p" / "index.m3u8").write_text("#EXTM3U\nseg_000.ts\nseg_001.ts\n")
    (first / "master.m3u8").write_text("#EXTM3U\n720p/index.m3u8\n")
    storage.publish_tree(first, "hls/m1", entry_last=("master.m3u8",))
    second = tmp_path / "second"
    (second / "720p").mkdir(parents=True)
    (second / "720p" / "seg_000.ts").write_bytes(b"new segment")
    (second / "720p" / "index.m3u8").write_text("#EXTM3U\nseg_000.ts\n")
    (second / "master.m3u8").write_text("#EXTM3U\n720p/index.m3u8\n")
    storage.publish_tree(second, "hls/m1", entry_last=("master.m3u8",))
    keys = sorted(o.key for o in storage.list("hls/m1"))
    assert keys == ["hls/m1/720p/index.m3u8", "hls/m1/720p/seg_000.ts", "hls/m1/master.m3u8"]
    assert storage.read_range("hls/m1/720p/seg_000.ts", 0, 100) == (b"new segment", 11)
    head = s3_server.client().head_object(Bucket=bucket, Key="lib/hls/m1/master.m3u8")
    assert head["ContentType"] == "application/vnd.apple.mpegurl"


def test_materialize_read_range_list_and_delete(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    storage = make_storage(s3_server.url, bucket, tmp_path)
    data = os.urandom(6 * MIB)
    storage.adopt(stage(storage, data), "originals/x.mkv")
    storage.put_bytes("hls/ab/a.txt", b"a")
    storage.put_bytes("hls/abc/b.txt", b"b")
    local = storage.materialize("originals/x.mkv", tmp_path / "scratch" / "input")
    assert local.read_bytes() == data and local.parent == tmp_path / "scratch" / "input"
    assert storage.local_path("originals/x.mkv") is None
    assert storage.read_range("originals/x.mkv", 10, 5) == (data[10:15], len(data))
    assert storage.read_range("originals/x.mkv", len(data), 5) == (b"", len(data))
    assert [o.key for o in storage.list("hls/ab")] == ["hls/ab/a.txt"]  # not hls/abc
    assert storage.delete_prefix("hls/ab") == 1
    assert storage.exists("hls/abc/b.txt") and not storage.exists("hls/ab/a.txt")
    with pytest.raises(FileNotFoundError):
        storage.materialize("originals/missing.mkv", tmp_path / "scratch")
    with pytest.raises(FileNotFoundError):
        storage.size("originals/missing.mkv")
    storage.delete("originals/x.mkv")
    assert not storage.exists("originals/x.mkv")


def test_presigned_urls_serve_the_object(s3_server: S3Server, bucket: str, tmp_path: Path) -> None:
    storage = make_storage(s3_server.url, bucket, tmp_path)
    storage.put_bytes("hls/m/seg.ts", b"segment bytes")
    url = storage.presigned_url("hls/m/seg.ts", 600)
    assert url is not None and "Signature" in url
    answer = httpx.get(url)
    assert answer.status_code == 200 and answer.content == b"segment bytes"
    assert answer.headers["content-type"] == "video/mp2t"
    proxying = make_storage(s3_server.url, bucket, tmp_path, presign=False)
    assert proxying.presigned_url("hls/m/seg.ts") is None


def test_missing_bucket_is_a_clear_permanent_error(s3_server: S3Server, tmp_path: Path) -> None:
    storage = make_storage(s3_server.url, "no-such-bucket-here", tmp_path)
    with pytest.raises(MediaDeskError) as info:
        storage.put_bytes("logs/x/1/a.log", b"x")
    assert info.value.code == ErrorCode.STORAGE_ERROR and not info.value.retryable
    assert "NoSuchBucket" in info.value.message and s3_server.url in info.value.message


def test_dropped_connection_mid_upload_is_retried(
    s3_server: S3Server, bucket: str, s3_proxy: FaultProxy, tmp_path: Path
) -> None:
    """The endpoint drops every connection halfway through; botocore retries the part."""
    storage = make_storage(s3_proxy.url, bucket, tmp_path, attempts=5)
    s3_proxy.cut_after(7 * MIB)
    threading.Thread(target=lambda: s3_proxy.cut_event.wait(30) and s3_proxy.restore()).start()
    data = os.urandom(12 * MIB)
    storage.adopt(stage(storage, data), "originals/retried.mp4")
    assert s3_proxy.cuts == 1, "the proxy never cut the upload"
    assert storage.size("originals/retried.mp4") == len(data)
    assert open_uploads(s3_server, bucket) == []


def test_endpoint_down_mid_upload_aborts_later(
    s3_server: S3Server, bucket: str, s3_proxy: FaultProxy, tmp_path: Path
) -> None:
    """Down for good: a clear retryable error, and the abort is retried once it is back."""
    storage = make_storage(s3_proxy.url, bucket, tmp_path, attempts=2)
    s3_proxy.cut_after(7 * MIB)
    staged = stage(storage, os.urandom(12 * MIB))
    with pytest.raises(MediaDeskError) as info:
        storage.adopt(staged, "originals/lost.mp4")
    assert info.value.code == ErrorCode.STORAGE_ERROR and info.value.retryable
    assert "cannot reach S3" in info.value.message and s3_proxy.url in info.value.message
    assert staged.path.exists(), "a failed adopt keeps the staged file"
    assert len(open_uploads(s3_server, bucket)) == 1  # the abort could not get through
    assert storage.uploader.pending_aborts() == 1
    s3_proxy.restore()
    assert storage.housekeeping() == 1
    assert open_uploads(s3_server, bucket) == []
    assert not storage.exists("originals/lost.mp4")


def test_housekeeping_aborts_uploads_of_dead_workers(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    client = s3_server.client()
    client.create_multipart_upload(Bucket=bucket, Key="lib/originals/dead.mp4")
    client.create_multipart_upload(Bucket=bucket, Key="elsewhere/not-ours.mp4")
    # (moto reports every upload as initiated in 2010, so "too young to abort" cannot
    # be shown against it; the age check is a plain comparison in Uploader.abort_stale.)
    storage = make_storage(s3_server.url, bucket, tmp_path, stale_uploads=timedelta(0))
    assert storage.housekeeping() == 1
    assert [u["Key"] for u in open_uploads(s3_server, bucket)] == ["elsewhere/not-ours.mp4"]


def test_playback_serves_playlists_here_and_redirects_segments(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    from mediadesk.storage.local import LocalStorage
    from mediadesk.storage.playback import delivery_for

    storage = make_storage(s3_server.url, bucket, tmp_path)
    storage.put_bytes("hls/m/720p/index.m3u8", b"#EXTM3U\nseg_000.ts\n")
    storage.put_bytes("hls/m/720p/seg_000.ts", b"ts bytes")
    # The playlist stays on the server, so "seg_000.ts" resolves against the server.
    assert delivery_for(storage, "hls/m/720p/index.m3u8").proxied
    segment = delivery_for(storage, "hls/m/720p/seg_000.ts")
    assert segment.redirect_to is not None
    assert httpx.get(segment.redirect_to).content == b"ts bytes"
    proxying = make_storage(s3_server.url, bucket, tmp_path, presign=False)
    assert delivery_for(proxying, "hls/m/720p/seg_000.ts").proxied
    assert delivery_for(LocalStorage(tmp_path / "local"), "hls/m/720p/seg_000.ts").proxied
