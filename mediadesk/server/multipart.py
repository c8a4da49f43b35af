"""A push-style streaming parser for ``multipart/form-data`` (RFC 7578).

Bytes go in as they arrive; events come out: a part's headers, pieces of its body,
its end. Nothing is buffered beyond one delimiter's length plus one part's headers,
so a 20 GB file part streams through in constant memory and never touches /tmp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

MAX_HEADER_BYTES = 16 * 1024
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

_PARAM = re.compile(r';\s*([A-Za-z0-9_*.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def boundary_from(content_type: str | None) -> bytes:
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise MultipartError("expected Content-Type: multipart/form-data")
    params = header_params(content_type)
    boundary = params.get("boundary", "")
    if not 1 <= len(boundary) <= 70:
        raise MultipartError("multipart boundary missing or too long")
    return boundary.encode("latin-1")


def header_params(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, raw in _PARAM.findall(value):
        val = raw.strip()
        if val.startswith('"') and val.endswith('"') and len(val) >= 2:
            val = re.sub(r"\\(.)", r"\1", val[1:-1])
        key = key.lower()
        if key.endswith("*"):
            # RFC 5987: charset'lang'percent-encoded; wins over the plain form.
            charset, _, rest = val.partition("'")
            _lang, _, encoded = rest.partition("'")
            try:
                out[key[:-1]] = unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                continue
        elif key not in out:
            out[key] = val
    return out


class MultipartParser:
    _PREAMBLE, _AFTER_DELIM, _HEADERS, _BODY, _DONE = range(5)

    def __init__(self, boundary: bytes) -> None:
        # Starting with CRLF lets the first delimiter match the same pattern as the rest.
        self._buf = bytearray(b"\r\n")
        self._delim = b"\r\n--" + boundary
        self._state = self._PREAMBLE
        self._parts = 0

    @property
    def done(self) -> bool:
        return self._state == self._DONE

    def feed(self, data: bytes) -> list[Event]:
        if self._state == self._DONE:
            return []  # the epilogue is ignored
        self._buf += data
        events: list[Event] = []
        while self._step(events):
            pass
        return events

    def close(self) -> None:
        if self._state != self._DONE:
            raise MultipartError("the upload ended before the multipart body was complete")

    def _step(self, events: list[Event]) -> bool:
        buf, delim = self._buf, self._delim
        if self._state == self._PREAMBLE:
            at = buf.find(delim)
            if at < 0:
                keep = len(delim) - 1
                if len(buf) > keep:
                    del buf[: len(buf) - keep]
                return False
            del buf[: at + len(delim)]
            self._state = self._AFTER_DELIM
            return True
        if self._state == self._AFTER_DELIM:
            if len(buf) < 2:
                return False
            if buf[:2] == b"--":
                self._state = self._DONE
                buf.clear()
                return False
            # Transport padding (spaces, tabs) may precede the line break.
            line_end = buf.find(b"\r\n")
            if line_end < 0:
                if len(buf) > 256:
                    raise MultipartError("malformed multipart delimiter line")
                return False
            if buf[:line_end].strip(b" \t"):
                raise MultipartError("malformed multipart delimiter line")
            del buf[: line_end + 2]
            self._state = self._HEADERS
            return True
        if self._state == self._HEADERS:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > MAX_HEADER_BYTES:
                    raise MultipartError("multipart part headers too large")
                return False
            raw = bytes(buf[:end])
            del buf[: end + 4]
            self._parts += 1
            if self._parts > MAX_PARTS:
                raise MultipartError("too many multipart parts")
            events.append(_part_start(raw))
            self._state = self._BODY
            return True
        if self._state == self._BODY:
            at = buf.find(delim)
            if at >= 0:
                if at:
                    events.append(PartData(bytes(buf[:at])))
                events.append(PartEnd())
                del buf[: at + len(delim)]
                self._state = self._AFTER_DELIM
                return True
            safe = len(buf) - (len(delim) - 1)
            if safe > 0:
                events.append(PartData(bytes(buf[:safe])))
                del buf[:safe]
            return False
        return False


def _part_start(raw: bytes) -> PartStart:
    headers: dict[str, str] = {}
    for line in raw.split(b"\r\n"):
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if not sep:
            raise MultipartError("malformed multipart part header")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("utf-8", "replace")
    disposition = headers.get("content-disposition", "")
    if not disposition.lower().startswith("form-data"):
        raise MultipartError("a multipart part without Content-Disposition: form-data")
    params = header_params(disposition)
    if "name" not in params:
        raise MultipartError("a multipart part without a name")
    return PartStart(params["name"], params.get("filename"), headers.get("content-type"))
