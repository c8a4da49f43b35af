"""Helpers shared by media handlers: opening the original safely, checking outputs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from mediadesk.domain.enums import MediaKind
from mediadesk.domain.kodi import album_cover
from mediadesk.engine.integrity import check_complete
from mediadesk.engine.sniff import Container, sniff
from mediadesk.errors import ErrorCode, InvalidInput, TransientError, VerificationFailed
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.routing import HOSTNAME
from mediadesk.library.folder_models import FolderFile, LibraryFolder
from mediadesk.library.views import MediaFileView


def media_of(ctx: JobContext) -> MediaFileView:
    if ctx.media is None:
        raise InvalidInput("the job's media file no longer exists", code=ErrorCode.NOT_FOUND)
    return ctx.media


def folder_cover(media: MediaFileView) -> Path | None:
    """The album folder's picture for a song of a library folder (``cover.jpg``...).

    Only referenced files have a folder: a dropped song was copied alone.
    """
    if media.kind != MediaKind.AUDIO or media.original_path is None:
        return None
    song = Path(media.original_path)
    try:
        # Links are not followed, as the folder scan does not follow them.
        names = [e.name for e in song.parent.iterdir() if e.is_file() and not e.is_symlink()]
    except OSError:
        return None
    found = album_cover(song, names)
    return Path(found) if found is not None else None


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
            root = folder_root(ctx, media.id)
            if root is not None and not root.is_dir():
                # A worker on another machine that does not mount the folder: another
                # worker (the folder's own machine) may take the retry.
                raise TransientError(
                    f"the library folder {root} is not visible on this machine ({HOSTNAME}):"
                    " mount it at the same path on every worker machine, or set"
                    " folders_queue so only machines that see the folders take these jobs",
                    code=ErrorCode.STORAGE_ERROR,
                )
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


def folder_root(ctx: JobContext, media_id: str) -> Path | None:
    """The library folder a referenced media file was found in."""
    with ctx.db.read() as s:
        root = s.scalar(
            select(LibraryFolder.path)
            .join(FolderFile, FolderFile.folder_id == LibraryFolder.id)
            .where(FolderFile.media_file_id == media_id)
            .limit(1)
        )
    return Path(root) if root else None


def require_files(*paths: Path) -> None:
    for path in paths:
        if not path.is_file() or path.stat().st_size == 0:
            raise VerificationFailed(f"expected output {path.name} was not produced")


def require_host(host: str, what: str, where: str) -> None:
    """A host-bound job (its input names a path on ``host``) runs only there; a worker
    elsewhere refuses it with what to do. ``what``: "the folder is", "x.mkv is a path"."""
    if host != HOSTNAME:
        raise InvalidInput(
            f"{what} on {host}, and this worker runs on {HOSTNAME}: {where} from {host}",
            code=ErrorCode.INVALID_INPUT,
        )
