"""The web player: one static page, its script and style, and the vendored hls.js."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from mediadesk.bundled import resources_dir
from mediadesk.errors import NotFound

router = APIRouter(include_in_schema=False)
WEB = Path(__file__).resolve().parent.parent / "web"
ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "library.js": "text/javascript; charset=utf-8",
    "resume.js": "text/javascript; charset=utf-8",
    "storage.js": "text/javascript; charset=utf-8",
    "subtitles.js": "text/javascript; charset=utf-8",
    "tracks.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "vendor/hls.min.js": "text/javascript; charset=utf-8",
}
NO_CACHE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(
        html,
        headers={
            **NO_CACHE,
            "Content-Security-Policy": (
                "default-src 'self'; img-src 'self' data: blob: https:; "
                "media-src 'self' blob: https:; "
                "connect-src 'self' https:; worker-src 'self' blob:; style-src 'self'; "
                "script-src 'self'; frame-ancestors 'none'"
            ),
        },
    )


@router.get("/favicon.svg")
def favicon() -> FileResponse:
    """The app icon (the same file the desktop entry uses)."""
    return FileResponse(
        resources_dir() / "mediadesk.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/web/{name:path}")
def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise NotFound(f"no asset {name}")
    path = WEB / name
    if not path.is_file():
        raise NotFound(f"{name} is missing: run scripts/fetch_vendor.py (make setup does)")
    return FileResponse(path, media_type=ASSETS[name], headers=NO_CACHE)
