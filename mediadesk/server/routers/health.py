"""``/api/v1/health`` and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select, text

from mediadesk import __version__
from mediadesk.domain.enums import JobStatus
from mediadesk.library.models import MediaFile
from mediadesk.server.deps import Reader, State

router = APIRouter(tags=["health"])


@router.get("/api/v1/health", summary="Liveness and readiness (open, no token)")
def health(state: State) -> dict[str, object]:
    rt = state.runtime
    try:
        with rt.db.read() as s:
            s.execute(text("SELECT 1"))
        database = True
    except Exception:
        database = False
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
    with rt.db.read() as s:
        rows = s.execute(
            select(MediaFile.status, func.count())
            .where(MediaFile.deleted_at.is_(None))
            .group_by(MediaFile.status)
        ).all()
    media = {str(status): n for status, n in rows}
    body = state.metrics.render(counts, counts.get(str(JobStatus.PENDING), 0), media)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
