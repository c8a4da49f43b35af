"""The rules behind imports: which addresses a URL may reach, rates, words, routing."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.domain.vocabulary import job_state
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.handlers.download import Network, check_syntax, is_public_address, pin
from mediadesk.handlers.imports import ImportTarget
from mediadesk.jobs.registry import JobRegistry
from mediadesk.jobs.routing import HOSTNAME, IMPORTS_QUEUE
from mediadesk.jobs.store import JobStore
from mediadesk.jobs.transfer import TransferMeter
from mediadesk.settings import Settings


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("127.8.8.8", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # shared address space (carrier NAT)
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.1", False),  # documentation
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),  # AWS metadata over IPv6
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
    ],
)
def test_which_addresses_count_as_public(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def resolver(answers: list[str]) -> Any:
    calls: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return answers

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def test_pin_resolves_once_and_refuses_any_private_answer() -> None:
    good = resolver(["93.184.216.34"])
    pinned = pin("https://Media.Example/a b.mp4?x=1", False, Network(resolve=good))
    assert good.calls == [("media.example", 443)]
    assert pinned.addresses == ("93.184.216.34",)
    assert (pinned.host, pinned.port, pinned.https) == ("media.example", 443, True)
    assert pinned.target == "/a%20b.mp4?x=1"
    mixed = resolver(["93.184.216.34", "10.0.0.7"])
    with pytest.raises(InvalidInput) as err:
        pin("http://media.example/x.mp4", False, Network(resolve=mixed))
    assert err.value.code == ErrorCode.URL_REFUSED and "10.0.0.7" in err.value.message
    # allow_private_urls: no address check, still resolved once and pinned.
    assert pin("http://media.example/x", True, Network(resolve=mixed)).addresses == (
        "93.184.216.34",
        "10.0.0.7",
    )


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:text/plain,hello",
        "ftp://example.com/x.mp4",
        "gopher://example.com/",
        "http://user:pw@example.com/x.mp4",
        "http:///nohost",
        "http://example.com:99999/x",
        "http://example.com/a\nb",
    ],
)
def test_urls_that_are_never_fetched(url: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_syntax(url)
    assert err.value.code == ErrorCode.URL_REFUSED


def test_transfer_meter_rate_percent_and_eta() -> None:
    now = [100.0]
    meter = TransferMeter(window_s=5.0, clock=lambda: now[0])
    assert meter.rate() is None and meter.eta_s() is None
    for second in range(1, 11):
        now[0] = 100.0 + second
        meter.update(second * 1000, 20_000)
    assert meter.rate() == pytest.approx(1000.0)
    assert meter.percent == pytest.approx(50.0)
    assert meter.eta_s() == pytest.approx(10.0)
    # Nothing for six seconds: nothing moved in the (at least five-second) window.
    now[0] += 6
    assert meter.moved_in_window() == 0
    assert meter.rate() is None


def test_state_words() -> None:
    assert job_state(JobStatus.PENDING) == "Waiting"
    assert job_state(JobStatus.PROCESSING, running="Importing") == "Importing"
    assert job_state(JobStatus.PROCESSING, cancel_requested=True) == "Cancelling"
    assert job_state(JobStatus.COMPLETED) == "Done"
    assert job_state(JobStatus.FAILED, error_code="URL_TIMEOUT") == "Failed"
    assert job_state(JobStatus.FAILED, error_code="CANCELLED") == "Cancelled"
    assert job_state(JobStatus.DEAD) == "Gave up"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"movie": "A", "series": "B", "season": 1, "episode": 1}, "not both"),
        ({"series": "B", "season": 1}, "needs season and episode"),
        ({"season": 1, "episode": 2}, "go with series"),
        ({}, "give movie or series"),
    ],
)
def test_import_target_is_one_place(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        ImportTarget.model_validate(fields)


def test_copies_go_to_this_hosts_queue_and_downloads_to_the_import_lane() -> None:
    from mediadesk.handlers.imports import import_job_types

    registry = JobRegistry()
    registry.register_later(lambda: import_job_types(lambda *_a: None))  # type: ignore[arg-type, return-value]
    settings = Settings(queues=["gpu"], queue_routes={"copy_path": "gpu", "fetch_url": "net"})
    store = JobStore(None, registry, settings, None, lambda _w: None)  # type: ignore[arg-type]
    # A copy reads a local path: no route sends it elsewhere.
    assert store.queue_for("copy_path") == f"imports@{HOSTNAME}"
    assert store.queue_for("fetch_url") == "net"  # downloads may be routed
    plain = JobStore(None, registry, Settings(queues=["gpu"]), None, lambda _w: None)  # type: ignore[arg-type]
    assert plain.queue_for("fetch_url") == IMPORTS_QUEUE
