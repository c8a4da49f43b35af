"""Job-completion webhooks: an outbox in the database, signed deliveries, retries.

Rows are written when a job reaches COMPLETED, FAILED or DEAD: at once from this
process's event bus, and by a periodic sweep over recently finished jobs, which also
catches jobs finished by workers in other processes and events lost to a crash.
``(event_id, url)`` is unique, so both paths together still deliver each event once
per endpoint (at least once on the wire: receivers dedupe on ``webhook-id``).

Signatures follow Standard Webhooks (https://www.standardwebhooks.com/), so receivers
verify with a stock library: ``webhook-id`` (the delivery, the same on every retry),
``webhook-timestamp`` (Unix seconds) and ``webhook-signature: v1,<base64>``, an
HMAC-SHA256 over ``<id>.<timestamp>.<body>``. The key is the secret's bytes, or, for a
secret in the standard's ``whsec_<base64>`` form, the bytes it encodes. Receivers
compare in constant time and reject old timestamps (:func:`verify_signature` does
both). Redirects count as failures. Retries back off exponentially with jitter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import JobStatus
from mediadesk.events import EventBus, JobStateChanged
from mediadesk.jobs.models import Job
from mediadesk.jobs.outbox import WebhookDelivery
from mediadesk.library.db import Database

log = logging.getLogger(__name__)

TERMINAL = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.DEAD)
SWEEP_WINDOW = timedelta(days=1)
SWEEP_EVERY_S = 30.0
BASE_DELAY_S = 2.0
MAX_DELAY_S = 3600.0
BATCH = 20
MAX_SKEW_S = 300


SECRET_PREFIX = b"whsec_"


def signing_key(secret: bytes) -> bytes:
    """The HMAC key: a ``whsec_<base64>`` secret's decoded bytes, else the secret itself."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :] + b"==")
        except ValueError:
            pass
    return secret


def sign(key: bytes, delivery_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256>``."""
    msg = f"{delivery_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def signed_headers(
    key: bytes, delivery_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, delivery_id, timestamp, body),
    }


def verify_signature(
    key: bytes,
    delivery_id: str,
    timestamp: str,
    body: bytes,
    signatures: str,
    now: float | None = None,
    max_skew_s: int = MAX_SKEW_S,
) -> bool:
    """What a receiver runs: a fresh timestamp and one matching signature among the
    space-separated ``webhook-signature`` values."""
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > max_skew_s:
        return False
    expected = sign(key, delivery_id, int(timestamp), body).encode()
    return any(hmac.compare_digest(expected, s.encode()) for s in signatures.split())


@dataclass(frozen=True)
class Due:
    id: int
    url: str
    event_type: str
    event_id: str
    payload: dict[str, Any]


def event_type(status: str) -> str:
    return {"COMPLETED": "job.completed", "FAILED": "job.failed", "DEAD": "job.dead"}[status]


def payload_for(job: Job) -> tuple[str, dict[str, Any]]:
    finished = job.completed_at or job.updated_at
    event_id = f"{job.id}:{job.status}:{finished.timestamp():.6f}"
    return event_id, {
        "id": event_id,
        "type": event_type(str(job.status)),
        "createdAt": utcnow().isoformat(),
        "job": {
            "id": job.id,
            "type": job.type,
            "status": str(job.status),
            "mediaFileId": job.media_file_id,
            "attempts": job.attempts,
            "errorCode": job.error_code,
            "errorMessage": job.error_message,
            "completedAt": finished.isoformat(),
            "result": job.result_json,
        },
    }


class WebhookDispatcher:
    def __init__(
        self,
        db: Database,
        bus: EventBus,
        urls: list[str],
        secret: bytes,
        max_attempts: int,
        poll_s: float = 1.0,
    ) -> None:
        self.db = db
        self.bus = bus
        self.urls = urls
        self.key = signing_key(secret)
        self.max_attempts = max_attempts
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Any = None
        self._client = httpx.Client(
            timeout=httpx.Timeout(10.0), follow_redirects=False, trust_env=False
        )

    # Writing the outbox -------------------------------------------------------------

    def record(self, job_id: str) -> int:
        """Add outbox rows for a finished job (idempotent); returns how many were new."""
        with self.db.read() as s:
            job = s.get(Job, job_id)
            if job is None or job.status not in TERMINAL:
                return 0
            event_id, payload = payload_for(job)
        added = 0
        for url in self.urls:
            try:
                with self.db.write() as s:
                    s.add(
                        WebhookDelivery(
                            event_id=event_id,
                            event_type=payload["type"],
                            url=url,
                            payload=payload,
                        )
                    )
                added += 1
            except IntegrityError:
                pass  # already in the outbox
        if added:
            self._wake.set()
        return added

    def sweep(self) -> int:
        since = utcnow() - SWEEP_WINDOW
        with self.db.read() as s:
            ids = list(
                s.scalars(select(Job.id).where(Job.status.in_(TERMINAL), Job.completed_at >= since))
            )
            known = set(
                s.scalars(
                    select(WebhookDelivery.event_id).where(WebhookDelivery.created_at >= since)
                )
            )
        added = 0
        for job_id in ids:
            if not any(k.startswith(job_id + ":") for k in known):
                added += self.record(job_id)
        return added

    def _on_state(self, event: JobStateChanged) -> None:
        if event.status in ("COMPLETED", "FAILED", "DEAD"):
            try:
                self.record(event.job_id)
            except Exception:
                log.exception("could not write the webhook outbox for %s", event.job_id)

    # Delivering ---------------------------------------------------------------------

    def deliver_due(self) -> int:
        now = utcnow()
        due = (WebhookDelivery.status == "PENDING") & (WebhookDelivery.next_attempt_at <= now)
        with self.db.read() as s:
            rows = [
                Due(r.id, r.url, r.event_type, r.event_id, r.payload)
                for r in s.scalars(
                    select(WebhookDelivery)
                    .where(due)
                    .order_by(WebhookDelivery.next_attempt_at)
                    .limit(BATCH)
                )
            ]
        for row in rows:
            if self._stop.is_set():
                break
            self._deliver(row)
        return len(rows)

    def _deliver(self, row: Due) -> None:
        body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "MediaDesk-Webhook/1",
            "X-MediaDesk-Event": row.event_type,
            "X-MediaDesk-Event-Id": row.event_id,
            **signed_headers(self.key, f"msg_{row.id}", body),
        }
        error: str | None = None
        try:
            response = self._client.post(row.url, content=body, headers=headers)
            if not 200 <= response.status_code < 300:
                error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        with self.db.write() as s:
            fresh = s.get(WebhookDelivery, row.id)
            if fresh is None:
                return
            fresh.attempts += 1
            if error is None:
                fresh.status, fresh.delivered_at, fresh.last_error = "DELIVERED", utcnow(), None
                return
            fresh.last_error = error[:1000]
            if fresh.attempts >= self.max_attempts:
                fresh.status = "FAILED"
                log.warning("webhook %s to %s failed for good: %s", row.event_id, row.url, error)
                return
            delay = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (fresh.attempts - 1))
            fresh.next_attempt_at = utcnow() + timedelta(seconds=delay * random.uniform(0.5, 1.0))

    # Running ------------------------------------------------------------------------

    def start(self) -> None:
        self._unsubscribe = self.bus.subscribe(self._on_state, JobStateChanged)
        self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        last_sweep = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_sweep > SWEEP_EVERY_S:
                    self.sweep()
                    last_sweep = time.monotonic()
                self.deliver_due()
            except Exception:
                log.exception("webhook delivery loop failed; continuing")
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._client.close()
