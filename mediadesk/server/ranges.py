"""HTTP byte ranges and conditional requests (RFC 9110), for one representation.

Only single ranges are served; a request for several is answered with the whole
file (which the RFC allows), so a client cannot make us build huge multipart bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

MAX_RANGE_HEADER = 200


class Unsatisfiable(Exception):
    """416: the range lies wholly outside the file."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range to send, or ``None`` for the whole file; raises :class:`Unsatisfiable`."""
    if not header:
        return None
    header = header.strip()
    if len(header) > MAX_RANGE_HEADER or not header.lower().startswith("bytes="):
        return None  # unknown unit or absurd header: ignore it, send everything
    spec = header[6:].strip()
    if "," in spec:
        return None
    first, sep, last = spec.partition("-")
    first, last = first.strip(), last.strip()
    if not sep or (first and not first.isdigit()) or (last and not last.isdigit()):
        return None  # syntactically invalid: ignored, as the RFC says
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(end, size - 1))


def make_etag(size: int, mtime_ns: int) -> str:
    return f'"{size:x}-{mtime_ns:x}"'


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def _etag_list_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, mtime: float
) -> bool:
    if if_none_match is not None:
        return _etag_list_matches(if_none_match, etag)
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(mtime) <= int(since)
    return False


def if_range_allows(if_range: str | None, etag: str, mtime: float) -> bool:
    """Whether a Range may be honoured given ``If-Range`` (absent means yes)."""
    if not if_range:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return value == etag  # strong comparison only
    try:
        return int(parsedate_to_datetime(value).timestamp()) == int(mtime)
    except (TypeError, ValueError):
        return False
