"""The ``Host`` allow-list: requests must name this server, not someone else's domain.

DNS rebinding is how a website reaches a server on loopback or the LAN without CORS:
the attacker's name (``evil.example``) first resolves to their own server, then to
127.0.0.1, and the browser, still thinking it talks to ``evil.example``, sends
``Host: evil.example`` to us with the attacker's page able to read the answer. So
every request (API, web page and stream reads alike) must carry a ``Host`` we know:

- loopback names (``localhost``, ``127.0.0.1``, ``[::1]``) and the bound address;
- in ``serve`` mode bound to a wildcard address (``0.0.0.0``, ``::``): any IP
  literal too (a rebinding attack always carries a *name*, so an address is safe)
  and this machine's host names;
- ``server_public_names`` (host names, or ``host:port``), and the host of
  ``public_base_url``; ``"*"`` in ``server_public_names`` turns the check off, for a
  reverse proxy that rewrites ``Host``.

A port, when given, must be ours (or any, for configured public names: a proxy listens
elsewhere). A request without ``Host`` (HTTP/1.0 tools) passes: a browser always sends
one. Anything else is answered 421 with a JSON error before any handler runs.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from mediadesk.server.files import Receive, Scope, Send, send_json

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]", "localhost.localdomain")
WILDCARDS = ("0.0.0.0", "::", "")  # noqa: S104 - names of the wildcard binds


def _split(host: str) -> tuple[str, str | None]:
    """``name[:port]`` or ``[v6][:port]`` -> (lowercase name, port or None)."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return host, None
        name, rest = host[: end + 1], host[end + 1 :]
        return name, rest[1:] if rest.startswith(":") else None
    name, sep, port = host.rpartition(":")
    if not sep or ":" in name:  # no port, or a bare IPv6 address
        return host, None
    return name, port


def _bracketed(address: str) -> str:
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def machine_names() -> set[str]:
    names = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names.update({name.lower(), f"{name.lower()}.local"})
    return names


class HostPolicy:
    """Which ``Host`` values this server answers; built once, checked per request."""

    def __init__(
        self,
        bind_host: str,
        port: int,
        headless: bool,
        public_names: Iterable[str] = (),
        public_base_url: str | None = None,
    ) -> None:
        self.port = str(port)
        self.any_host = False
        self.any_ip = headless and bind_host in WILDCARDS
        self.local: set[str] = set(LOOPBACK_NAMES)  # any port must be ours
        self.public: set[str] = set()  # any port (a proxy in front)
        if bind_host not in WILDCARDS:
            self.local.add(_bracketed(bind_host.lower()))
        if headless:
            if self.any_ip:
                self.local.update(machine_names())
            for entry in public_names:
                if entry.strip() == "*":
                    self.any_host = True
                elif entry.strip():
                    self.public.add(entry.strip().lower())
            hostname = urlsplit(public_base_url).hostname if public_base_url else None
            if hostname:
                self.public.add(_bracketed(hostname.lower()))
        # The exact bytes a well-behaved client sends, for a set lookup per request.
        self._exact = {f"{n}:{self.port}".encode() for n in self.local}
        self._exact.update(n.encode() for n in self.local | self.public)

    def allows(self, value: bytes | None) -> bool:
        if value is None or self.any_host or value in self._exact:
            return True
        try:
            text = value.decode("ascii")
        except UnicodeDecodeError:
            return False
        if text.lower() in self.public:
            return True
        name, port = _split(text)
        if name in self.public:
            return True
        if port is not None and port != self.port:
            return False
        return name in self.local or (self.any_ip and _is_ip_literal(name))


def host_header(scope: Scope) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == b"host":
            return bytes(value)
    return None


MISDIRECTED = json.dumps(
    {
        "error": {
            "code": "HOST_NOT_ALLOWED",
            "message": (
                "this server does not answer to that Host name (add it to "
                "server_public_names if it is yours)"
            ),
        }
    }
).encode()


class HostGuard:
    """ASGI middleware: refuse requests whose ``Host`` is not on the policy's list."""

    def __init__(self, app: Any, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.policy.allows(host_header(scope)):
            await send_json(send, 421, MISDIRECTED)
            return
        await self.app(scope, receive, send)
