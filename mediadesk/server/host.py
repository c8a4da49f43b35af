"""Running the server: in a background thread of the GUI or of ``mediadesk serve``.

``ServerHost(runtime, headless)`` builds the app and serves it with granian's embedded
server on its own event loop in one thread (see docs/DEPENDENCIES.md for why granian:
it sends files through the ASGI path-send extension). ``start()`` returns once the port
accepts connections; ``stop()`` stops accepting, lets requests in flight finish, and
returns when the thread has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any, Literal

from granian.constants import HTTPModes, Interfaces
from granian.server.embed import Server as GranianServer

from mediadesk.errors import ConfigError
from mediadesk.netutil import free_port, wait_for_port
from mediadesk.runtime import Runtime
from mediadesk.server.app import create_app
from mediadesk.server.auth import ensure_secrets
from mediadesk.server.hosts import HostGuard, HostPolicy
from mediadesk.server.metrics import ServerMetrics
from mediadesk.server.ratelimit import RateLimiter
from mediadesk.server.signing import UrlSigner
from mediadesk.server.state import ServerLocations, ServerState
from mediadesk.server.tus import TusStore
from mediadesk.server.visibility import LiveMedia

log = logging.getLogger(__name__)

Backend = Literal["granian", "uvicorn"]
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 15.0


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):  # noqa: S104 - we only format a URL here
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class ServerHost:
    def __init__(self, runtime: Runtime, headless: bool, backend: Backend | None = None) -> None:
        self.runtime = runtime.open()
        self.headless = headless
        self.backend: Backend = backend or runtime.settings.server_backend
        self.state: ServerState | None = None
        self.port: int | None = None
        self.bind_host = "127.0.0.1"
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._failure: BaseException | None = None

    # Lifecycle ----------------------------------------------------------------------

    def start(self) -> ServerHost:
        if self._thread is not None:
            return self
        settings = self.runtime.settings
        secrets_ = ensure_secrets(settings, self.headless)
        metrics = ServerMetrics()
        metrics.attach(
            self.runtime.bus, self.runtime.jobs.counts, self.runtime.library.status_counts
        )
        staging = self.runtime.storage.staging_dir()
        state = ServerState(
            runtime=self.runtime,
            headless=self.headless,
            secrets=secrets_,
            metrics=metrics,
            limiter=RateLimiter(settings.server_rate_limit, settings.server_rate_limit * 4),
            signer=UrlSigner(secrets_.signing_key, settings.server_signed_url_ttl),
            tus=TusStore(staging),
            live=LiveMedia(self.runtime.deletions).start(self.runtime.bus),
        )
        state.webhooks = self.runtime.webhook_dispatcher()
        if state.webhooks is not None:
            state.webhooks.start()
        self.state = state
        # The desktop app's server never leaves loopback.
        host = settings.server_host if self.headless else "127.0.0.1"
        self.bind_host = host
        for attempt in range(5):
            # granian binds by address and port; with port 0 we pick a free one first
            # and try again in the rare case another process takes it in between.
            self.port = settings.server_port or free_port(host)
            self._failure = None
            policy = HostPolicy(
                host,
                self.port,
                self.headless,
                settings.server_public_names,
                settings.public_base_url,
            )
            self._thread = threading.Thread(
                target=self._serve,
                args=(HostGuard(create_app(state), policy), host, self.port),
                name="http-server",
                daemon=True,
            )
            self._thread.start()
            if self._wait_ready(host, self.port):
                log.info("HTTP server listening on %s (%s)", self.url, self.backend)
                return self
            self._thread.join(timeout=2)
            self._thread = None
            if settings.server_port or attempt == 4:
                break
        self._cleanup()
        raise ConfigError(
            f"could not listen on {host}:{settings.server_port}: {self._failure or 'timed out'}"
        )

    def _serve(self, app: Any, host: str, port: int) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            if self.backend == "granian":
                loop.run_until_complete(self._serve_granian(app, host, port))
            else:
                loop.run_until_complete(self._serve_uvicorn(app, host, port))
        except BaseException as exc:
            self._failure = exc
            log.debug("server thread ended with %r", exc)
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve_granian(self, app: Any, host: str, port: int) -> None:
        server = GranianServer(
            app,
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            http=HTTPModes.http1,
            websockets=False,
            backlog=1024,
            backpressure=self.runtime.settings.server_max_connections,
            log_enabled=False,
        )
        self._server = server
        await server.serve()

    async def _serve_uvicorn(self, app: Any, host: str, port: int) -> None:
        import uvicorn

        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            lifespan="on",
            limit_concurrency=self.runtime.settings.server_max_connections,
        )
        server = uvicorn.Server(config)
        self._server = server
        await server.serve()

    def _wait_ready(self, host: str, port: int) -> bool:
        target = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)  # noqa: S104
        thread = self._thread
        try:
            wait_for_port(
                port, target, START_TIMEOUT_S, alive=lambda: bool(thread and thread.is_alive())
            )
        except TimeoutError:
            return False
        return True

    def stop(self) -> None:
        """Stop accepting, finish requests in flight, end the thread; idempotent."""
        if self.state is not None:
            self.state.accepting = False
        loop, server, thread = self._loop, self._server, self._thread
        if thread is not None and loop is not None and server is not None:
            if self.backend == "granian":
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(server.stop)
            else:
                server.should_exit = True
            thread.join(timeout=STOP_TIMEOUT_S)
            if thread.is_alive():
                log.warning("the HTTP server did not stop within %.0f s", STOP_TIMEOUT_S)
        self._thread = None
        self._cleanup()

    def _cleanup(self) -> None:
        state = self.state
        if state is None:
            return
        if state.webhooks is not None:
            state.webhooks.stop()
        state.live.stop()
        state.metrics.detach()
        self.state = None

    def __enter__(self) -> ServerHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # URLs ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the server is not started")
        return f"http://{_url_host(self.bind_host)}:{self.port}"

    @property
    def generated_token(self) -> str | None:
        return self.state.secrets.generated_token if self.state else None

    @property
    def token(self) -> str | None:
        return self.state.secrets.token if self.state else None

    def web_url(self) -> str:
        """The web page, carrying the token in the fragment (never sent over the wire,
        kept by the page in sessionStorage) when it is the desktop app's own."""
        secrets_ = self._state().secrets
        return self.url + (f"/#token={secrets_.token}" if secrets_.per_run else "/")

    def _state(self) -> ServerState:
        if self.state is None:
            raise RuntimeError("the server is not started")
        return self.state

    def locations(self) -> ServerLocations:
        """Full URLs of this server, for the desktop player (services.playback_plan)."""
        return ServerLocations(self._state(), self.url)

    def stream_url(self, media_id: str) -> str:
        return self.url + self._state().manifest_path(media_id)

    def original_url(self, media_id: str) -> str:
        return self.url + self._state().original_path(media_id)

    def poster_url(self, media_id: str) -> str:
        return self.url + self._state().poster_path(media_id)
