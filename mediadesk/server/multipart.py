"""``multipart/form-data`` (RFC 7578) as a push stream of events, on python-multipart.

python-multipart's ``MultipartParser`` is a state machine over the bytes as they
arrive: it buffers nothing beyond what a callback has not been handed yet, so a 20 GB
file part streams through in constant memory and never touches /tmp (Starlette's
``request.form()`` spools parts there; we do not use it). This module turns its
callbacks into :class:`PartStart`, :class:`PartData` and :class:`PartEnd` events and
adds our caps: part headers are counted byte by byte as the callbacks see them, so
:data:`MAX_HEADER_BYTES` holds however the body is split into chunks, and at most
:data:`MAX_PARTS` parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser as _Machine
from python_multipart.multipart import parse_options_header

MAX_HEADER_BYTES = 16 * 1024  # all of one part's header lines together
MAX_HEADER_LINES = 16
MAX_PARTS = 64


class MultipartError(ValueError):
    """The body is not the multipart/form-data it claims to be (refused as bad input)."""


@dataclass(frozen=True)
class PartStart:
    name: str
    filename: str | None
    content_type: str | None


@dataclass(frozen=True)
class PartData:
    data: bytes


@dataclass(frozen=True)
class PartEnd:
    """The current part's last byte was delivered."""


Event = PartStart | PartData | PartEnd


def boundary_from(content_type: str | None) -> bytes:
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data":
        raise MultipartError("expected Content-Type: multipart/form-data")
    boundary = params.get(b"boundary", b"")
    if not 1 <= len(boundary) <= 70:
        raise MultipartError("multipart boundary missing or too long")
    return boundary


def _text(value: bytes) -> str:
    # Browsers send names as raw UTF-8 (RFC 7578 4.2); parse_options_header read latin-1.
    return value.decode("utf-8", "replace")


class MultipartParser:
    def __init__(self, boundary: bytes) -> None:
        self._events: list[Event] = []
        self._headers: dict[str, str] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._header_bytes = 0
        self._parts = 0
        self._done = False
        # python-multipart wants the body to start with the first delimiter; RFC 2046
        # allows a preamble before it, which we skip (keeping a delimiter's length).
        self._preamble: bytearray | None = bytearray(b"\r\n")
        self._first = b"\r\n--" + boundary
        self._machine = _Machine(
            boundary,
            callbacks={
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_end": self._end,
            },
            max_header_count=MAX_HEADER_LINES,
            max_header_size=MAX_HEADER_BYTES,
        )

    @property
    def done(self) -> bool:
        return self._done

    def feed(self, data: bytes) -> list[Event]:
        if self._done:
            return []  # the epilogue is ignored
        if self._preamble is not None:
            self._preamble += data
            at = self._preamble.find(self._first)
            if at < 0:
                del self._preamble[: max(0, len(self._preamble) - len(self._first) + 1)]
                return []
            data, self._preamble = bytes(self._preamble[at + 2 :]), None
        try:
            self._machine.write(data)
        except MultipartParseError as exc:
            raise MultipartError(f"malformed multipart body: {exc}") from None
        events, self._events = self._events, []
        return events

    def close(self) -> None:
        if not self._done:
            raise MultipartError("the upload ended before the multipart body was complete")

    # Callbacks (python-multipart hands out slices of the chunk being parsed) ----------

    def _part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise MultipartError("too many multipart parts")
        self._headers, self._header_bytes = {}, 0

    def _count(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > MAX_HEADER_BYTES:
            raise MultipartError("multipart part headers too large")

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self._value += data[start:end]

    def _header_end(self) -> None:
        name = self._field.decode("latin-1").strip().lower()
        self._headers[name] = self._value.decode("latin-1").strip()
        self._field, self._value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        disposition, params = parse_options_header(self._headers.get("content-disposition"))
        if disposition != b"form-data":
            raise MultipartError("a multipart part without Content-Disposition: form-data")
        if b"name" not in params:
            raise MultipartError("a multipart part without a name")
        filename = params.get(b"filename")
        self._events.append(
            PartStart(
                _text(params[b"name"]),
                None if filename is None else _text(filename),
                self._headers.get("content-type"),
            )
        )

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self._events.append(PartData(data[start:end]))

    def _part_end(self) -> None:
        self._events.append(PartEnd())

    def _end(self) -> None:
        self._done = True
