"""Huey on a real Redis: priorities, delayed retries (eta) and what the reaper reads."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus
from mediadesk.errors import ErrorCode, TransientError
from mediadesk.handlers.noop import NoopInput
from mediadesk.jobs.models import Job
from mediadesk.jobs.reaper import Reaper
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.transport import JobTransport
from mediadesk.jobs.work import Wakeup
from mediadesk.runtime import Runtime
from mediadesk.settings import load_settings
from tests.conftest import FAST


def test_priorities_pop_highest_first(redis_url: str) -> None:
    transport = JobTransport(redis_url, ["default"])
    transport.send([Wakeup("low", "default", 0), Wakeup("high", "default", 10)])
    transport.send([Wakeup("mid", "default", 5), Wakeup("low2", "default", 0)])
    assert transport.queued_ids("default") == {"low", "high", "mid", "low2"}
    assert transport.depth("default") == 4
    huey = transport._open("default")
    order = [huey.dequeue().args[0] for _ in range(4)]
    assert order == ["high", "mid", "low", "low2"]  # FIFO within one priority
    assert transport.depth("default") == 0
    transport.close()


def test_queues_are_separate(redis_url: str) -> None:
    transport = JobTransport(redis_url, ["default", "gpu"])
    transport.send([Wakeup("a", "default", 0), Wakeup("b", "gpu", 0)])
    assert transport.queued_ids("default") == {"a"}
    assert transport.queued_ids("gpu") == {"b"}
    transport.close()


def test_delayed_message_is_seen_and_arrives_after_its_eta(redis_url: str) -> None:
    transport = JobTransport(redis_url, ["default"])
    arrived: dict[str, float] = {}
    done = threading.Event()

    def handler(job_id: str) -> None:
        arrived[job_id] = time.time()
        done.set()

    eta = utcnow() + timedelta(seconds=2)
    transport.send([Wakeup("later", "default", 0, eta)])
    # It waits in this process until its eta, then in Redis: in either place the
    # reaper must count it as queued, or it would send it twice.
    assert transport.queued_ids("default") == {"later"}
    assert transport.depth("default") == 0
    consumers = transport.consume(handler, ["default"], 1)
    consumers.start()
    try:
        assert done.wait(30), "the scheduled message never arrived"
    finally:
        consumers.stop(timeout=5)
        transport.close()
    assert arrived["later"] >= eta.timestamp() - 0.05


def _settings(home: Path, pg_url: str, redis_url: str, **extra: object):  # type: ignore[no-untyped-def]
    return load_settings(
        {
            **FAST,
            "database_url": pg_url,
            "queue_url": redis_url,
            "storage": str(home / "media"),
            **extra,
        }
    )


def test_a_retry_waits_for_its_backoff_then_runs(home: Path, pg_url: str, redis_url: str) -> None:
    rt = Runtime(_settings(home, pg_url, redis_url, retry_base_delay=1.5)).open()
    try:
        (job_id,) = rt.store.enqueue([JobSpec("noop", NoopInput(tag="retry"))])
        claim = rt.store.claim(job_id, "test:manual")
        assert claim is not None
        status = rt.store.fail(
            claim, TransientError("flaky", code=ErrorCode.STORAGE_ERROR), attempt_fields={}
        )
        assert status == JobStatus.PENDING
        assert job_id in rt.transport.queued_ids("default")
        rt.start_workers(workers=1)
        (view,) = rt.jobs.wait([job_id], timeout=60)
        assert view.status == JobStatus.COMPLETED
        assert view.attempts == 2
    finally:
        rt.stop(grace=5)


def test_reaper_resends_a_message_redis_lost(home: Path, pg_url: str, redis_url: str) -> None:
    import redis

    rt = Runtime(_settings(home, pg_url, redis_url)).open()
    try:
        (job_id,) = rt.store.enqueue([JobSpec("noop", NoopInput(tag="lost"))])
        redis.Redis.from_url(redis_url).flushall()  # Huey is at-most-once; simulate a loss
        assert rt.transport.queued_ids("default") == set()
        with rt.db.write() as s:
            s.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(updated_at=utcnow() - timedelta(minutes=5))
            )
        reaper = Reaper(rt.settings, rt.db, rt.store, rt.transport, rt.storage, None)
        assert reaper.requeue_missing() == [job_id]
        assert rt.transport.queued_ids("default") == {job_id}
        rt.start_workers(workers=1)
        (view,) = rt.jobs.wait([job_id], timeout=60)
        assert view.status == JobStatus.COMPLETED
    finally:
        rt.stop(grace=5)


def test_delays_do_not_depend_on_the_machine_time_zone(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers in different time zones share one queue: a retry due in one second is
    sent after one second wherever the sender is (Huey's Redis schedule would score it
    in local time, nine hours off in Tokyo)."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    transport = JobTransport(redis_url, ["default"])
    arrived = threading.Event()
    consumers = transport.consume(lambda _job_id: arrived.set(), ["default"], 1)
    consumers.start()
    try:
        transport.send([Wakeup("tz-check", "default", 0, utcnow() + timedelta(seconds=1))])
        assert arrived.wait(30), "a one-second delay did not come back within 30 s"
    finally:
        consumers.stop(timeout=5)
        transport.close()
        monkeypatch.delenv("TZ")
        time.tzset()
