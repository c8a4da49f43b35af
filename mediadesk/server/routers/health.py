"""``/api/v1/health`` and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse

from mediadesk import __version__
from mediadesk.server.deps import Reader, State
from mediadesk.server.metrics import CONTENT_TYPE
from mediadesk.server.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    "/api/v1/health",
    response_model=Health,
    response_model_by_alias=True,
    summary="Liveness and readiness (open, no token)",
)
def health(state: State) -> Health:
    rt = state.runtime
    database = rt.library.database_ok()
    try:
        rt.storage.staging_dir()
        storage = True
    except Exception:
        storage = False
    try:
        ffmpeg: str | None = rt.ffmpeg().version
    except Exception:
        ffmpeg = None
    ok = database and storage and state.accepting
    return Health(
        status="ok" if ok else "degraded",
        version=__version__,
        accepting=state.accepting,
        workers=rt.workers_running,
        database=database,
        storage=storage,
        storage_scheme=rt.storage.scheme,
        ffmpeg=ffmpeg,
        headless=state.headless,
    )


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics (a listing: needs the token)",
)
def metrics(state: Reader) -> Response:
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)
