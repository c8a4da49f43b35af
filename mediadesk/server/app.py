"""The ASGI application: FastAPI for the API and the page, a raw front for /stream."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.middleware.cors import CORSMiddleware

from mediadesk import __version__
from mediadesk.errors import ErrorCode, MediaDeskError
from mediadesk.server.files import Receive, Scope, Send, send_json
from mediadesk.server.routers import (
    catalogue,
    contract,
    folders,
    health,
    imports,
    jobs,
    mastering,
    media,
    presets,
    storage,
    tracks,
    tus,
    upload_bodies,
    web,
)
from mediadesk.server.state import ServerState
from mediadesk.server.stream import StreamApp

log = logging.getLogger("mediadesk.http")

EXPOSED = [
    "Location",
    "Upload-Offset",
    "Upload-Length",
    "Upload-Expires",
    "Tus-Resumable",
    "Tus-Version",
    "Tus-Extension",
    "Tus-Max-Size",
    "X-Media-File-Id",
    "Retry-After",
]

STATUS_FOR = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA: 415,
    ErrorCode.LIBRARY_LOCKED: 423,
    ErrorCode.DISK_FULL: 507,
    ErrorCode.TIMEOUT: 408,  # an upload body that went silent
}


def status_for(exc: MediaDeskError) -> int:
    if exc.code in STATUS_FOR:
        return STATUS_FOR[exc.code]
    if exc.retryable:
        return 503
    if exc.code in (ErrorCode.INTERNAL, ErrorCode.CONFIG_ERROR):
        return 500
    return 400 if exc.code != ErrorCode.INVALID_MEDIA else 422


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def build_api(state: ServerState) -> FastAPI:
    api = FastAPI(
        title="MediaDesk",
        version=__version__,
        description=(
            "Upload media, follow its processing, and stream the HLS output. Every write "
            "and every listing needs `Authorization: Bearer <token>` (in the desktop app "
            "a token made at each start, which only the app holds)."
        ),
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    api.state.server = state
    for module in (
        contract,
        upload_bodies,
        tus,
        media,
        tracks,
        catalogue,
        imports,
        folders,
        jobs,
        presets,
        storage,
    ):
        api.include_router(module.router)
    api.include_router(mastering.router)
    api.include_router(health.router)
    api.include_router(web.router)

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title,
                version=api.version,
                description=api.description,
                routes=api.routes,
            )
            schema["paths"].update(contract.STREAM_PATHS)
            api.openapi_schema = schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]

    @api.exception_handler(MediaDeskError)
    async def _mediadesk_error(_request: Request, exc: MediaDeskError) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.warning("request failed: %s", exc)
        return JSONResponse(error_body(str(exc.code), exc.message), status_code=status)

    @api.exception_handler(HTTPException)
    async def _http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        code = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 429: "RATE_LIMITED"}.get(
            exc.status_code, f"HTTP_{exc.status_code}"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @api.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors()
        )
        return JSONResponse(error_body(str(ErrorCode.INVALID_INPUT), problems), status_code=422)

    if not state.headless:
        # Desktop mode: no CORS at all on the API, so no other origin may read an
        # answer or send a non-simple request (stream reads carry their own CORS).
        return api
    api.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=EXPOSED,
        max_age=86400,
    )
    return api


class AccessLog:
    """One structured log record per API request (stream reads are counted, not logged)."""

    def __init__(self, app: Any, state: ServerState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            ms = (time.perf_counter() - started) * 1000
            self.state.metrics.record_request("api", status)
            client = scope.get("client") or ("-", 0)
            log.info(
                "%s %s %d %.1fms",
                scope.get("method"),
                scope.get("path"),
                status,
                ms,
                extra={
                    "http_method": scope.get("method"),
                    "http_path": scope.get("path"),
                    "http_status": status,
                    "duration_ms": round(ms, 1),
                    "client": client[0],
                },
            )


MAX_BODY = 1024 * 1024
UPLOAD_PREFIXES = ("/media/upload", "/api/v1/uploads")


class BodyLimit:
    """Caps request bodies outside the upload endpoints (JSON stays small)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(UPLOAD_PREFIXES):
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", ()):
            if key == b"content-length" and value.isdigit() and int(value) > MAX_BODY:
                await _too_large(send)
                return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise HTTPException(413, f"request body over {MAX_BODY} bytes")
            return message

        await self.app(scope, limited, send)


async def _too_large(send: Send) -> None:
    body = json.dumps(error_body("TOO_LARGE", f"request body over {MAX_BODY} bytes")).encode()
    await send_json(send, 413, body)


class Front:
    """Routes ``/stream/`` to the lean file app and everything else to the API."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.api = build_api(state)
        self.logged_api = AccessLog(BodyLimit(self.api), state)
        self.stream = StreamApp(state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope["path"]).startswith("/stream/"):
            await self.stream(scope, receive, send)
            return
        if scope["type"] == "lifespan":
            await self.api(scope, receive, send)
            return
        await self.logged_api(scope, receive, send)


def create_app(state: ServerState) -> Front:
    return Front(state)
