"""Scale-out settings: queue routes, S3 locations, and what the factory builds."""

from pathlib import Path

import pytest

from mediadesk.errors import ConfigError
from mediadesk.events import EventBus
from mediadesk.handlers import default_registry
from mediadesk.jobs.routing import FolderGate
from mediadesk.jobs.store import JobStore
from mediadesk.settings import load_settings
from mediadesk.storage.factory import create_storage
from mediadesk.storage.s3_client import S3Location, content_type_for


def store_for(**overrides: object) -> JobStore:
    settings = load_settings(overrides)
    return JobStore(None, default_registry(), settings, EventBus(), lambda w: None)  # type: ignore[arg-type]


def test_queue_routes_win_even_for_queues_this_process_does_not_consume(home: Path) -> None:
    assert store_for().queue_for("noop") == "default"
    routed = store_for(queue_routes={"noop": "gpu"}, queues=["default"])
    assert routed.queue_for("noop") == "gpu"
    assert routed.queue_for("probe") == "default"


def test_queue_routes_and_queues_from_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIADESK_QUEUE_ROUTES", '{"hls": "gpu", "preview": "gpu"}')
    monkeypatch.setenv("MEDIADESK_QUEUES", '["default", "gpu"]')
    s = load_settings()
    assert s.queue_routes == {"hls": "gpu", "preview": "gpu"}
    assert s.queues == ["default", "gpu"]


def test_s3_part_size_below_the_s3_minimum_is_refused(home: Path) -> None:
    with pytest.raises(ConfigError, match="s3_part_size"):
        load_settings({"s3_part_size": 1024})


def test_s3_locations() -> None:
    loc = S3Location.parse("s3://media/studio/lib/")
    assert (loc.bucket, loc.prefix) == ("media", "studio/lib")
    assert loc.key("originals/a.mp4") == "studio/lib/originals/a.mp4"
    assert loc.relative("studio/lib/originals/a.mp4") == "originals/a.mp4"
    assert S3Location.parse("s3://media").key("x") == "x"
    with pytest.raises(ConfigError):
        S3Location.parse("s3:///nobucket")


def test_content_types_for_hls() -> None:
    assert content_type_for("a/master.m3u8") == "application/vnd.apple.mpegurl"
    assert content_type_for("seg_001.ts") == "video/mp2t"
    assert content_type_for("init.mp4") == "video/mp4"
    assert content_type_for("noext") == "application/octet-stream"


def test_factory_builds_s3_storage_without_network(home: Path) -> None:
    settings = load_settings(
        {"storage": "s3://bucket/prefix", "s3_endpoint_url": "http://127.0.0.1:9", "s3_region": "x"}
    )
    storage = create_storage(settings)
    assert storage.scheme == "s3" and storage.is_remote
    assert storage.staging_dir() == settings.home / "incoming"
    with pytest.raises(ConfigError):
        create_storage(load_settings({"storage": "ftp://nope"}))


def test_a_folder_files_job_goes_to_the_folders_queue_before_any_route(home: Path) -> None:
    store = store_for(folders_queue="folders", queue_routes={"noop": "gpu"})
    assert store.queue_for("noop", in_a_folder=True) == "folders"
    assert store.queue_for("noop") == "gpu"
    assert store_for().queue_for("noop", in_a_folder=True) == "default"  # not set: as before


def test_the_folders_gate_asks_again_only_after_its_interval() -> None:
    answers = iter([True, False])
    asked: list[bool] = []

    def check() -> bool:
        asked.append(answer := next(answers))
        return answer

    gate = FolderGate(check, interval=3600)
    assert gate() and gate() and asked == [True]  # cached within the interval
    gate.interval = 0
    assert not gate() and asked == [True, False]

    def broken() -> bool:
        raise RuntimeError("database away")

    assert not FolderGate(broken, interval=0)()  # closed, not crashed
