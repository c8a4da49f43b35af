"""The task runner's ``latest`` key: of the runs sharing one, only the last asked for
calls back, however the pool orders their ends; a dropped one never does."""

from __future__ import annotations

import threading

import pytest

from ui.tasks import TaskRunner

pytestmark = pytest.mark.ui


def test_only_the_latest_run_of_a_key_calls_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    tasks = TaskRunner(max_threads=3)
    release = threading.Event()
    shown: list[str] = []

    def slow() -> str:
        assert release.wait(30)
        return "old"

    tasks.run(slow, shown.append, latest="branch")
    tasks.run(lambda: "new", shown.append, latest="branch")
    qtbot.waitUntil(lambda: shown == ["new"])
    release.set()  # the older run ends last and must not win
    qtbot.waitUntil(lambda: not tasks.busy)
    assert shown == ["new"]

    tasks.run(lambda: "unwanted", shown.append, latest="branch")
    tasks.drop("branch")
    tasks.run(lambda: "other key", shown.append, latest="other")
    qtbot.waitUntil(lambda: not tasks.busy)
    assert shown == ["new", "other key"]
    tasks.close()
