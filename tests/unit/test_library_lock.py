"""The library lock: one app or serve per library, with a second of patience for a
command that only looks whether the library is open (it holds the lock an instant)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from mediadesk import runtime as runtime_module
from mediadesk.errors import ErrorCode, MediaDeskError
from mediadesk.runtime import LibraryLock


def test_a_held_lock_is_refused_at_once_without_patience(tmp_path: Path) -> None:
    holder = LibraryLock(tmp_path / "lock")
    holder.acquire()
    try:
        with pytest.raises(MediaDeskError) as err:
            LibraryLock(tmp_path / "lock").acquire()
        assert err.value.code == ErrorCode.LIBRARY_LOCKED and "pid" in err.value.message
    finally:
        holder.release()


def test_patience_waits_out_a_lock_held_for_an_instant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = LibraryLock(tmp_path / "lock")
    holder.acquire()
    retrying = threading.Event()
    real_sleep = time.sleep

    def noted_sleep(seconds: float) -> None:
        retrying.set()  # the second acquirer found the lock taken and tries again
        real_sleep(seconds)

    monkeypatch.setattr(runtime_module.time, "sleep", noted_sleep)
    outcome: list[object] = []
    late = LibraryLock(tmp_path / "lock")

    def take() -> None:
        try:
            late.acquire(patience_s=30.0)
            outcome.append("taken")
        except MediaDeskError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=take)
    thread.start()
    assert retrying.wait(30), "the second acquirer never found the lock taken"
    holder.release()
    thread.join(30)
    assert outcome == ["taken"]
    late.release()
