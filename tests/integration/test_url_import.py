"""Import from URLs against a real HTTP server on loopback."""

import shutil
from pathlib import Path

import pytest

from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.httpfixtures import http_server

pytestmark = pytest.mark.integration


@pytest.fixture
def served(tmp_path: Path, clip: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(clip, root / "film.mp4")
    (root / "notes.mp4").write_text("#EXTM3U\nfile:///etc/passwd\n")
    return root


def test_loopback_is_refused_by_default(runtime, served: Path) -> None:  # type: ignore[no-untyped-def]
    with http_server(served) as base, pytest.raises(InvalidInput) as err:
        runtime.ingest.import_url(f"{base}/film.mp4")
    assert err.value.code == ErrorCode.URL_REFUSED


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x.mp4", "http://user:pw@example.com/x.mp4"]
)
def test_only_plain_http_urls(runtime, url: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as err:
        runtime.ingest.import_url(url)
    assert err.value.code == ErrorCode.URL_REFUSED


@pytest.fixture
def trusting(home: Path):  # type: ignore[no-untyped-def]
    rt = Runtime(load_settings({**FAST, "allow_private_urls": True, "url_max_bytes": 10_000_000}))
    yield rt.open()
    rt.stop()


def test_import_from_url(trusting, served: Path, clip: Path) -> None:  # type: ignore[no-untyped-def]
    with http_server(served, {"/go": "/film.mp4"}) as base:
        result = trusting.ingest.import_url(f"{base}/go")
    media = result.media
    assert media.original_filename == "film.mp4"
    assert media.source_url == f"{base}/go"
    assert trusting.storage.local_path(media.original_key).read_bytes() == clip.read_bytes()


def test_url_non_media_and_missing(trusting, served: Path) -> None:  # type: ignore[no-untyped-def]
    with http_server(served) as base:
        with pytest.raises(InvalidInput) as err:
            trusting.ingest.import_url(f"{base}/notes.mp4")
        assert err.value.code == ErrorCode.UNSUPPORTED_MEDIA
        with pytest.raises(InvalidInput) as err:
            trusting.ingest.import_url(f"{base}/missing.mp4")
        assert err.value.code == ErrorCode.DOWNLOAD_FAILED
    assert list(trusting.storage.staging_dir().iterdir()) == []


def test_size_limit(home: Path, served: Path) -> None:
    rt = Runtime(load_settings({"allow_private_urls": True, "url_max_bytes": 1000})).open()
    try:
        with http_server(served) as base, pytest.raises(InvalidInput) as err:
            rt.ingest.import_url(f"{base}/film.mp4")
        assert err.value.code == ErrorCode.TOO_LARGE
    finally:
        rt.stop()
