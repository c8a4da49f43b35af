"""Shared fixtures: an isolated MEDIADESK_HOME, fast settings, runtimes, generated media."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.media import Clip, ffmpeg_available, make_clip

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Settings that make failure paths quick without changing what they do.
FAST = {
    "workers": 2,
    "retry_base_delay": 0.2,
    "retry_max_delay": 2.0,
    "heartbeat_interval": 0.5,
    "stale_after": 5.0,
    "reaper_interval": 1.0,
    "requeue_after": 2.0,
    "cancel_grace": 2.0,
}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # "No test ran" must fail CI, including a run where everything was skipped.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or exitstatus != 0:
        return
    if not reporter.stats.get("passed"):
        session.exitstatus = 1
        reporter.write_line("ERROR: no test passed; a suite that runs nothing is a failure")


@pytest.fixture(scope="session")
def ffmpeg() -> None:
    """Real-media tests need ffmpeg; `make test` installs it, so missing is a failure."""
    if not ffmpeg_available():
        pytest.fail("ffmpeg/ffprobe are not installed (run `make test`, which installs them)")


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip(ffmpeg: None, media_dir: Path) -> Path:
    """The default 2-second 320x180 H.264/AAC MP4."""
    return make_clip(media_dir, Clip())


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("MEDIADESK_"):
            monkeypatch.delenv(key)
    path = tmp_path / "home"
    monkeypatch.setenv("MEDIADESK_HOME", str(path))
    return path


@pytest.fixture
def settings(home: Path):  # type: ignore[no-untyped-def]
    from mediadesk.settings import load_settings

    return load_settings(FAST)


@pytest.fixture
def runtime(settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from mediadesk.runtime import Runtime

    rt = Runtime(settings).open()
    yield rt
    rt.stop(grace=5)


@pytest.fixture
def running(runtime):  # type: ignore[no-untyped-def]
    """A runtime whose embedded workers are consuming."""
    runtime.start_workers()
    return runtime


@pytest.fixture
def jobs_runtime(settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A consuming runtime that also knows the machinery test job types."""
    from mediadesk.runtime import Runtime
    from tests.jobtypes import machinery_registry

    rt = Runtime(settings, registry=machinery_registry()).open()
    rt.start_workers()
    yield rt
    rt.stop(grace=5)


@pytest.fixture
def runtime_factory(home: Path) -> Iterator[object]:
    """Build consuming runtimes with extra settings (a library's own configuration)."""
    from mediadesk.runtime import Runtime
    from mediadesk.settings import load_settings

    made: list[Runtime] = []

    def make(**overrides: object) -> Runtime:
        rt = Runtime(load_settings({**FAST, **overrides})).open()
        rt.start_workers()
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.stop(grace=5)
