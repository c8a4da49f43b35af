"""Helpers shared by media handlers: opening the original safely, checking outputs."""

from __future__ import annotations

from pathlib import Path

from mediadesk.engine.integrity import check_complete
from mediadesk.engine.sniff import Container, sniff
from mediadesk.errors import ErrorCode, InvalidInput, VerificationFailed
from mediadesk.jobs.context import JobContext
from mediadesk.library.views import MediaFileView


def media_of(ctx: JobContext) -> MediaFileView:
    if ctx.media is None:
        raise InvalidInput("the job's media file no longer exists", code=ErrorCode.NOT_FOUND)
    return ctx.media


def open_original(ctx: JobContext) -> tuple[Path, Container]:
    """The original as a local file, identified and checked again (it may have changed)."""
    return open_stored(ctx, media_of(ctx), ctx.scratch / "input")


def open_stored(ctx: JobContext, media: MediaFileView, dest: Path) -> tuple[Path, Container]:
    """Any media file's original as a local file (``dest`` holds a copy if remote).

    A referenced file is read where it is, in its library folder: never copied, and
    checked like a managed one (sniffed again, truncation) before ffmpeg sees it.
    """
    if media.original_path is not None:
        path = Path(media.original_path)
        if not path.is_file():
            raise InvalidInput(
                f"{media.original_filename} is missing from its folder ({path.parent})",
                code=ErrorCode.NOT_FOUND,
            )
        container = sniff(path)
        check_complete(path, container)
        return path, container
    try:
        path = ctx.storage.materialize(media.original_key, dest)
    except FileNotFoundError as exc:
        raise InvalidInput(
            f"the original {media.original_key} is missing from storage",
            code=ErrorCode.NOT_FOUND,
        ) from exc
    container = sniff(path)
    check_complete(path, container)
    return path, container


def require_files(*paths: Path) -> None:
    for path in paths:
        if not path.is_file() or path.stat().st_size == 0:
            raise VerificationFailed(f"expected output {path.name} was not produced")
