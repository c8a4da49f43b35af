"""Pure parts of the server: multipart parsing, ranges, paths, signing, tus metadata."""

from __future__ import annotations

import base64
import json
import logging
import time

import pytest

from mediadesk.logs import JsonFormatter
from mediadesk.server.multipart import (
    MultipartError,
    MultipartParser,
    PartData,
    PartEnd,
    PartStart,
    boundary_from,
)
from mediadesk.server.paths import UnsafePath, check_raw_path, stream_key
from mediadesk.server.ranges import (
    ByteRange,
    Unsatisfiable,
    if_range_allows,
    not_modified,
    parse_range,
)
from mediadesk.server.signing import UrlSigner
from mediadesk.server.tus import parse_metadata
from mediadesk.services.deletions import Deletions
from mediadesk.services.webhooks import sign, signed_headers, signing_key, verify_signature

BOUNDARY = b"----md-boundary-7MA4YWxkTrZu0gW"


def form(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b"preamble to ignore\r\n"
    for name, filename, body in parts:
        out += b"--" + BOUNDARY + b"\r\n"
        disp = f'form-data; name="{name}"'
        if filename is not None:
            disp += f'; filename="{filename}"'
        out += f"Content-Disposition: {disp}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + body + b"\r\n"
    return out + b"--" + BOUNDARY + b"--\r\nepilogue"


def parse_all(body: bytes, sizes: list[int]) -> list[tuple[str, str | None, bytes]]:
    parser = MultipartParser(BOUNDARY)
    parts: list[tuple[str, str | None, bytes]] = []
    current: PartStart | None = None
    data = b""
    pos = 0
    i = 0
    while pos < len(body):
        step = sizes[i % len(sizes)]
        i += 1
        for event in parser.feed(body[pos : pos + step]):
            if isinstance(event, PartStart):
                current, data = event, b""
            elif isinstance(event, PartData):
                data += event.data
            elif isinstance(event, PartEnd):
                assert current is not None
                parts.append((current.name, current.filename, data))
        pos += step
    parser.close()
    return parts


# The payload contains near-misses of the delimiter, CRLFs and dashes on purpose.
TRICKY = b"\r\n--" + BOUNDARY[:-1] + b"X\r\n\r\n----\r\n--" + bytes(range(256)) * 3


@pytest.mark.parametrize("sizes", [[1], [2], [3], [7], [64], [1, 5, 13], [100000]])
def test_multipart_survives_any_chunking(sizes: list[int]) -> None:
    parts = [("title", None, b"A film"), ("file", "clip.mp4", TRICKY), ("tags", None, b"a,b")]
    assert parse_all(form(parts), sizes) == parts


def test_multipart_every_split_point() -> None:
    parts = [("file", "x.bin", TRICKY)]
    body = form(parts)
    for cut in range(len(body)):
        parser = MultipartParser(BOUNDARY)
        events = parser.feed(body[:cut]) + parser.feed(body[cut:])
        data = b"".join(e.data for e in events if isinstance(e, PartData))
        assert data == TRICKY, cut
        assert parser.done


def test_multipart_truncated_body_is_an_error() -> None:
    body = form([("file", "x.bin", b"0123456789" * 100)])
    parser = MultipartParser(BOUNDARY)
    parser.feed(body[: len(body) // 2])
    with pytest.raises(MultipartError):
        parser.close()


def test_multipart_refuses_parts_without_disposition() -> None:
    body = b"--" + BOUNDARY + b"\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + BOUNDARY + b"--"
    with pytest.raises(MultipartError):
        MultipartParser(BOUNDARY).feed(body)


def test_multipart_header_size_is_capped() -> None:
    body = b"--" + BOUNDARY + b"\r\nX-Junk: " + b"a" * 20000
    with pytest.raises(MultipartError):
        MultipartParser(BOUNDARY).feed(body)


@pytest.mark.parametrize("sizes", [[len(b"x") * 100_000], [1000], [7, 4096]])
@pytest.mark.parametrize("lines", [1, 3])
def test_complete_20kb_part_header_is_refused_however_split(sizes: list[int], lines: int) -> None:
    # A whole 20 KB header, terminator included, arriving in one chunk passed the old
    # parser's cap (it only measured headers still waiting for their end).
    junk = b"".join(
        f"X-Junk-{i}: ".encode() + b"a" * (20_000 // lines) + b"\r\n" for i in range(lines)
    )
    body = (
        b"--"
        + BOUNDARY
        + b'\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n'
        + junk
        + b"\r\nbody\r\n--"
        + BOUNDARY
        + b"--\r\n"
    )
    with pytest.raises(MultipartError, match="header"):
        parse_all(body, sizes)


def test_boundary_and_names() -> None:
    assert boundary_from('multipart/form-data; boundary="abc def"') == b"abc def"
    with pytest.raises(MultipartError):
        boundary_from("application/json")
    # RFC 7578 4.2: names are raw UTF-8; the RFC 5987 ``filename*`` form is not used.
    raw = 'form-data; name="f"; filename*=UTF-8\'\'x%C3%A9.mp4; filename="café.mp4"'
    body = (
        b"--"
        + BOUNDARY
        + b"\r\nContent-Disposition: "
        + raw.encode()
        + b"\r\n\r\nz\r\n--"
        + BOUNDARY
        + b"--\r\n"
    )
    assert parse_all(body, [5]) == [("f", "café.mp4", b"z")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-200", ByteRange(800, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=990-2000", ByteRange(990, 999)),
        ("bytes=0-1,5-6", None),  # several ranges: whole file
        ("items=0-1", None),
        ("bytes=abc", None),
        ("bytes=9-3", None),
    ],
)
def test_parse_range(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 1000)


def test_conditionals() -> None:
    etag = '"abc-1"'
    assert not_modified('"x", "abc-1"', None, etag, 0)
    assert not_modified("*", None, etag, 0)
    assert not not_modified('"zzz"', None, etag, 0)
    assert not_modified(None, "Thu, 01 Jan 2037 00:00:00 GMT", etag, 1000.0)
    assert not not_modified(None, "Thu, 01 Jan 1970 00:00:00 GMT", etag, 1000.0)
    assert if_range_allows(None, etag, 0)
    assert if_range_allows(etag, etag, 0)
    assert not if_range_allows('"other"', etag, 0)


@pytest.mark.parametrize(
    "raw",
    [b"/stream/hls/x/%2e%2e/y", b"/stream/hls/x/..%2fetc", b"/stream/hls/x/%252e", b"/a\\b",
     b"/x%00y", b"/stream/hls/x/%5c..%5cy"],
)  # fmt: skip
def test_raw_path_refusals(raw: bytes) -> None:
    with pytest.raises(UnsafePath):
        check_raw_path(raw)


@pytest.mark.parametrize(
    ("area", "media_id", "rest"),
    [
        ("hls", "abc", "../x"),
        ("hls", "abc", "a/../../x"),
        ("hls", "..", "x"),
        ("originals", "abc", "x.mp4"),
        ("hls", "abc", ""),
        ("hls", "abc", "a//b"),
        ("hls", "abc", "/etc/passwd"),
        ("hls", "abc", ".hidden"),
        ("hls", "abc", "x\x00.ts"),
    ],
)
def test_stream_key_refusals(area: str, media_id: str, rest: str) -> None:
    with pytest.raises(UnsafePath):
        stream_key(area, media_id, rest)


def test_stream_key_accepts_layout() -> None:
    assert stream_key("hls", "a-1", "720p/seg_001.ts") == "hls/a-1/720p/seg_001.ts"


def test_url_signing() -> None:
    signer = UrlSigner(b"k" * 32, ttl_s=60)
    url = signer.sign("hls", "m1", "master.m3u8")
    _, _, _, expires, sig, area, media_id, rest = url.split("/")
    assert (area, media_id, rest) == ("hls", "m1", "master.m3u8")
    assert signer.verify("hls", "m1", expires, sig)
    assert not signer.verify("hls", "m2", expires, sig)  # another file's signature
    assert not signer.verify("hls", "m1", str(int(expires) + 1), sig)  # longer life
    old = signer.sign("hls", "m1", "master.m3u8", now=time.time() - 3600).split("/")
    assert not signer.verify("hls", "m1", old[3], old[4])  # expired


def test_tus_metadata() -> None:
    encoded = base64.b64encode("clip é.mp4".encode()).decode()
    assert parse_metadata(f"filename {encoded},is_confidential") == {
        "filename": "clip é.mp4",
        "is_confidential": "",
    }


def test_webhook_signature_round_trip() -> None:
    now = time.time()
    ts = int(now)
    signature = sign(b"secret", "42", ts, b"{}")
    assert verify_signature(b"secret", "42", str(ts), b"{}", signature, now=now)
    assert not verify_signature(b"secret", "42", str(ts), b"{ }", signature, now=now)
    assert not verify_signature(b"other", "42", str(ts), b"{}", signature, now=now)
    assert not verify_signature(b"secret", "42", str(ts), b"{}", signature, now=now + 3600)
    # Several signatures (a rotated secret): any one of them may match.
    assert verify_signature(b"secret", "42", str(ts), b"{}", f"v1,bm9wZQ== {signature}", now=now)


def test_webhook_signature_is_standard_webhooks() -> None:
    from datetime import UTC, datetime

    from standardwebhooks.webhooks import Webhook

    key = signing_key(b"whsec_" + base64.b64encode(b"0123456789abcdef"))
    assert key == b"0123456789abcdef"
    assert signing_key(b"plain secret") == b"plain secret"
    headers = signed_headers(key, "msg_7", b'{"a":1}', now=1_700_000_000)
    reference = Webhook(key).sign("msg_7", datetime.fromtimestamp(1_700_000_000, UTC), b'{"a":1}')
    assert headers["webhook-signature"] == reference
    assert headers["webhook-timestamp"] == "1700000000"


def test_json_log_lines_carry_extra_fields() -> None:
    record = logging.LogRecord("mediadesk.http", logging.INFO, "", 0, "GET / %d", (200,), None)
    record.http_status = 200
    doc = json.loads(JsonFormatter().format(record))
    assert doc["msg"] == "GET / 200"
    assert doc["http_status"] == 200
    assert doc["level"] == "INFO"


def test_tus_store_survives_a_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from mediadesk.server.tus import TusStore

    data = bytes(range(256)) * 400
    store = TusStore(tmp_path)
    info = store.create(len(data), {"filename": "x.bin"})
    _, appender = store.begin_patch(info.id, 0)
    appender.write_unhashed(data[:30000])
    appender.hash_update(data[:30000])
    assert store.end_patch(info.id, appender) == 30000

    restarted = TusStore(tmp_path)  # a new process: no running hash in memory
    assert restarted.offset(info.id) == 30000
    _, appender = restarted.begin_patch(info.id, 30000)
    appender.write_unhashed(data[30000:])
    appender.hash_update(data[30000:])
    restarted.end_patch(info.id, appender)
    staged = restarted.staged(info.id)
    assert staged.size == len(data)
    assert staged.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("policy", "host", "allowed"),
    [
        ("desktop", b"127.0.0.1:8765", True),
        ("desktop", b"localhost", True),
        ("desktop", b"[::1]:8765", True),
        ("desktop", b"LocalHost:8765", True),
        ("desktop", b"localhost:1", False),  # another port: not us
        ("desktop", b"127.0.0.2:8765", False),
        ("desktop", b"media.example.org", False),  # public names are for serve only
        ("desktop", b"evil.example:8765", False),
        ("desktop", b"\xff\xfe", False),
        ("desktop", None, True),  # HTTP/1.0 without Host: never a browser
        ("serve", b"nas.local", True),  # public_base_url's host, any port
        ("serve", b"NAS.local:80", True),
        ("serve", b"media.example.org:443", True),
        ("serve", b"192.168.1.2:8765", True),  # bound to 0.0.0.0: any IP literal
        ("serve", b"[fe80::1]:8765", True),
        ("serve", b"192.168.1.2:9999", False),
        ("serve", b"evil.example:8765", False),
    ],
)
def test_host_policy(policy: str, host: bytes | None, allowed: bool) -> None:
    from mediadesk.server.hosts import HostPolicy

    if policy == "desktop":
        rules = HostPolicy("127.0.0.1", 8765, False, ["media.example.org"], None)
    else:
        rules = HostPolicy("0.0.0.0", 8765, True, ["media.example.org"], "http://nas.local:8765/")
    assert rules.allows(host) is allowed


class _Feed:
    """A deletion feed under the test's control."""

    def __init__(self) -> None:
        self.live: dict[str, str] = {"a": "originals/a.mp4", "b": "originals/b.mp4"}
        self.tombstones: list[str] = []

    def cursor(self) -> int:
        return len(self.tombstones)

    def since(self, cursor: int) -> Deletions:
        return Deletions(len(self.tombstones), frozenset(self.tombstones[cursor:]))

    def live_original(self, media_id: str) -> str | None:
        return self.live.get(media_id)


def test_live_media_follows_tombstones() -> None:
    from mediadesk.server.visibility import LiveMedia

    feed = _Feed()
    live = LiveMedia(feed)  # type: ignore[arg-type]
    live.poll()
    assert live.status("a") is None  # not seen yet: ask the database
    assert live.lookup("a") == "originals/a.mp4"
    assert live.status("a") is True and not live.is_gone("a")
    assert live.lookup("nope") is None and live.status("nope") is None  # unknown ids stay unknown
    feed.tombstones.append("a")
    del feed.live["a"]
    live.poll()
    assert live.status("a") is False and live.is_gone("a") and live.lookup("a") is None
    live.forget("b")  # deleted in this process: at once
    assert live.is_gone("b")


def test_live_media_distrusts_a_silent_feed() -> None:
    from mediadesk.server import visibility

    live = visibility.LiveMedia(_Feed())  # type: ignore[arg-type]
    live.poll()
    live.lookup("a")
    assert live.status("a") is True
    live._fresh_until = 0.0  # the feed has not answered for longer than STALE_S
    assert live.is_gone("a")  # the fast path steps aside...
    assert live.status("a") is None  # ...and every request reads the database again
