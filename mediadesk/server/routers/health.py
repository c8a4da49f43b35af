"""``/api/v1/health`` and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from mediadesk import __version__
from mediadesk.domain.enums import JobStatus
from mediadesk.server.deps import Reader, State

router = APIRouter(tags=["health"])


@router.get("/api/v1/health", summary="Liveness and readiness (open, no token)")
def health(state: State) -> dict[str, object]:
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
    return {
        "status": "ok" if ok else "degraded",
        "version": __version__,
        "accepting": state.accepting,
        "workers": rt.workers_running,
        "database": database,
        "storage": storage,
        "storageScheme": rt.storage.scheme,
        "ffmpeg": ffmpeg,
        "headless": state.headless,
    }


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics (a listing: needs the token in serve mode)",
)
def metrics(state: Reader) -> PlainTextResponse:
    rt = state.runtime
    counts = rt.jobs.counts()
    media = rt.library.status_counts()
    body = state.metrics.render(counts, counts.get(str(JobStatus.PENDING), 0), media)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
