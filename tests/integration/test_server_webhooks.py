"""Job webhooks reach a real receiver on loopback, signed, with retries."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from mediadesk.jobs.outbox import WebhookDelivery
from tests.jobtypes import machinery_registry
from tests.serverkit import auth, serving
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration]

SECRET = "webhook-test-secret"


@contextmanager
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    got: list[dict[str, Any]] = []
    failures = {"/flaky": 2}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if self.path == "/redirect":
                self.send_response(307)
                self.send_header("Location", "/ok")
            elif failures.get(self.path, 0) > 0:
                failures[self.path] -= 1
                self.send_response(500)
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", got
    finally:
        server.shutdown()
        server.server_close()


def test_signed_webhooks_with_retries(home: Path) -> None:
    with receiver() as (base, got):
        urls = [f"{base}/ok", f"{base}/flaky", f"{base}/redirect"]
        with serving(
            registry=machinery_registry(),
            allow_private_urls=True,
            webhook_urls=urls,
            webhook_secret=SECRET,
            webhook_max_attempts=3,
        ) as host:
            api = host.url + "/api/v1"
            job = httpx.post(
                api + "/jobs", json={"type": "noop", "input": {"tag": "hook"}}, headers=auth(host)
            ).json()
            state = host.state
            assert state is not None and state.webhooks is not None

            def deliveries() -> list[tuple[str, str, int, str | None]]:
                with state.runtime.db.read() as s:
                    return [
                        (r.url.rsplit("/", 1)[1], r.status, r.attempts, r.last_error)
                        for r in s.scalars(select(WebhookDelivery))
                    ]

            rows = wait_until(
                deliveries,
                "three deliveries, none PENDING",
                until=lambda rows: len(rows) == 3 and all(r[1] != "PENDING" for r in rows),
            )
            by_url = {r[0]: r for r in rows}
            assert by_url["ok"][1:3] == ("DELIVERED", 1)
            assert by_url["flaky"][1:3] == ("DELIVERED", 3)
            assert by_url["redirect"][1] == "FAILED"  # a redirect is not a delivery
            assert "307" in (by_url["redirect"][3] or "")
            # A second sweep adds nothing: each event goes once to each endpoint.
            assert state.webhooks.sweep() == 0

    ok = [g for g in got if g["path"] == "/ok"]
    assert len(ok) == 1
    headers, body = ok[0]["headers"], ok[0]["body"]
    assert headers["X-MediaDesk-Event"] == "job.completed"
    # A receiver verifies with the stock Standard Webhooks library, given the secret
    # in the standard's whsec_<base64> form (or its raw bytes).
    standard = "whsec_" + base64.b64encode(SECRET.encode()).decode()
    assert Webhook(standard).verify(body, headers)["job"]["id"] == job["id"]
    assert Webhook(SECRET.encode()).verify(body, headers, json_parse=False) is None
    with pytest.raises(WebhookVerificationError):
        Webhook(base64.b64encode(b"wrong").decode()).verify(body, headers)
    tampered = body.replace(b"COMPLETED", b"FAILED")
    with pytest.raises(WebhookVerificationError):
        Webhook(standard).verify(tampered, headers)
    # Retries keep the message id, so receivers can drop duplicates.
    flaky = [g["headers"]["webhook-id"] for g in got if g["path"] == "/flaky"]
    assert len(set(flaky)) == 1 and flaky[0] != headers["webhook-id"]
    payload = json.loads(body)
    assert payload["job"]["id"] == job["id"] and payload["job"]["status"] == "COMPLETED"
    assert payload["job"]["result"]["tag"] == "hook"
    assert len([g for g in got if g["path"] == "/flaky"]) == 3
