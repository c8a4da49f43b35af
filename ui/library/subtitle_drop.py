"""Subtitle files dropped on a video in the library: added to it, and its streaming
version updated without re-encoding (``TrackService.add_subtitle`` + a ``subtitles``
job), off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractItemView, QWidget

from mediadesk.domain import vocabulary as words
from mediadesk.services.tracks import TrackService
from ui.library.media_model import ID_ROLE
from ui.tasks import TaskRunner, describe

SUBTITLE_SUFFIXES = frozenset({".srt", ".ass", ".ssa", ".vtt"})


def only_subtitles(paths: list[Path]) -> bool:
    return bool(paths) and all(p.suffix.lower() in SUBTITLE_SUFFIXES for p in paths)


def media_under(views: list[QAbstractItemView], window: QWidget, at: QPoint) -> str | None:
    """The media file under the drop point, in whichever view shows (grid or table)."""
    for view in views:
        if not view.isVisible():
            continue
        viewport = view.viewport()
        point = viewport.mapFrom(window, at)
        if viewport.rect().contains(point):
            index = view.indexAt(point)
            media_id = index.data(ID_ROLE) if index.isValid() else None
            return str(media_id) if media_id else None
    return None


def add_subtitles(
    tasks: TaskRunner,
    tracks: TrackService,
    media_id: str,
    paths: list[Path],
    say: Callable[[str], None],
) -> None:
    def run() -> tuple[list[str], list[str], bool]:
        added: list[str] = []
        problems: list[str] = []
        waits = False
        for path in paths:
            try:
                waits = tracks.add_subtitle(media_id, path).waits_for_ladder or waits
                added.append(path.name)
            except Exception as exc:  # one bad file does not stop the others
                problems.append(describe(exc))
        return added, problems, waits

    def done(result: tuple[list[str], list[str], bool]) -> None:
        added, problems, waits = result
        parts = []
        if added:
            when = words.SUBTITLES_ADDED["waits" if waits else "updating"]
            parts.append(f"Subtitles added: {', '.join(added)}. {when}")
        if problems:
            parts.append("Not added: " + "; ".join(problems))
        say(" ".join(parts))

    tasks.run(run, done, lambda exc: say(f"Subtitles not added: {describe(exc)}"))
