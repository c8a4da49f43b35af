"""The library's context menus: a file's (or a selection's) and a sidebar node's.

What each entry does lives in ``LibraryActions`` (actions.py); here is only which entries
a selection gets, in people's words, enabled when they apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import MediaKind
from mediadesk.library.views import MediaFileView
from mediadesk.services.artwork import ArtSubject
from ui.icons import icon
from ui.library.nodes import LibraryNode

if TYPE_CHECKING:
    from ui.library.actions import LibraryActions


def media_menu(actions: LibraryActions, items: list[MediaFileView], parent: QWidget) -> QMenu:
    menu = QMenu(parent)
    menu.setObjectName("mediaMenu")
    one = items[0] if len(items) == 1 else None
    ids = [m.id for m in items]

    def add(name: str, text: str, slot: Callable[[], object], enabled: bool = True) -> QAction:
        action = menu.addAction(icon(name), text)
        action.setObjectName(f"action_{name}")
        action.setEnabled(enabled)
        action.triggered.connect(slot)
        return action

    if one is not None:
        add("play", "Play", lambda: actions.playRequested.emit(one.id), one.kind != MediaKind.IMAGE)
        add("edit", "Edit…", lambda: actions.edit_media(one), one.catalogue is not None)
    add(
        "attach",
        "Attach to…" if one else f"Attach {len(items)} files to…",
        lambda: actions.attach(items),
    )
    attached = [m for m in items if m.catalogue is not None]
    add("detach", "Detach", lambda: actions.detach([m.id for m in attached]), bool(attached))
    if one is not None:
        add(
            "poster",
            "Set poster…",
            lambda: actions.choose_poster_for_media(one),
            one.catalogue is not None,
        )
        add(
            "subtitles",
            "Add subtitles…",
            lambda: actions.choose_subtitles(one.id),
            one.kind == MediaKind.VIDEO,
        )
    # Pictures are never watched: for them the entry is there, disabled.
    unwatched = [m.id for m in items if m.kind != MediaKind.IMAGE and not _watched(m)]
    started = [m.id for m in items if _watched(m) or _started(m)]
    # A film is watched, a song played: the words follow the files the entry acts on.
    kinds = {m.id: m.kind for m in items}
    if unwatched or not started:
        done = words.finished(*(kinds[i] for i in unwatched))
        add(
            "watched",
            f"Mark as {done}" if one else f"Mark {len(unwatched)} files as {done}",
            lambda: actions.mark_watched(unwatched, True, done),
            bool(unwatched),
        )
    if started:
        undone = words.finished(*(kinds[i] for i in started))
        add(
            "unwatched",
            f"Mark as un{undone}" if one else f"Mark {len(started)} files as un{undone}",
            lambda: actions.mark_watched(started, False, undone),
        )
    menu.addSeparator()
    add("rerun", "Re-run processing", lambda: actions.rerun(ids))
    playable = [m.id for m in items if m.kind != MediaKind.IMAGE and not m.missing]
    add(
        "health",
        "Check health" if one else f"Check health of {len(playable)} files",
        lambda: actions.check_health(playable),
        bool(playable),
    )
    if one is not None:
        add(
            "master",
            "Master audio…",
            lambda: actions.masterRequested.emit(one.id),
            one.kind != MediaKind.IMAGE,
        )
        add("jobs", "Show jobs", lambda: actions.jobsRequested.emit(one.id, one.display_title))
    menu.addSeparator()
    add(
        "delete",
        "Delete…" if one else f"Delete {len(items)} files…",
        lambda: actions.delete(items),
    )
    return menu


def node_menu(actions: LibraryActions, node: LibraryNode, parent: QWidget) -> QMenu | None:
    if node.entry_kind is None or node.entry_id is None:
        return None
    menu = QMenu(parent)
    menu.setObjectName("nodeMenu")
    kind, entry_id = node.entry_kind, node.entry_id
    if node.media_id:
        media_id = node.media_id
        menu.addAction(icon("play"), "Play").triggered.connect(
            lambda: actions.playRequested.emit(media_id)
        )
    menu.addAction(icon("edit"), "Edit…").triggered.connect(
        lambda: actions.edit_entry(kind, entry_id)
    )
    if kind in ("movie", "series", "season"):
        menu.addAction(icon("poster"), "Set poster…").triggered.connect(
            lambda: actions.choose_poster(ArtSubject(kind, entry_id))
        )
    if kind in ("movie", "series", "episode"):
        menu.addSeparator()
        menu.addAction(icon("delete"), f"Delete this {kind}…").triggered.connect(
            lambda: actions.delete_entry(kind, entry_id, node.label)
        )
    return menu


# Editing ----------------------------------------------------------------------------------


def _watched(media: MediaFileView) -> bool:
    return media.playback is not None and media.playback.watched


def _started(media: MediaFileView) -> bool:
    return media.playback is not None and media.playback.position_s > 0
