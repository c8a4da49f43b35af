"""Icons for buttons and menus: the desktop theme's, else Qt's own standard set.

``QIcon.fromTheme`` finds freedesktop names on Linux desktops; where no theme is
installed (offscreen, minimal window managers) the style's standard pixmaps stand in,
so a button never loses its picture.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

SP = QStyle.StandardPixmap

# Our name -> (freedesktop theme name, the style's fallback).
ICONS: dict[str, tuple[str, QStyle.StandardPixmap]] = {
    "play": ("media-playback-start", SP.SP_MediaPlay),
    "pause": ("media-playback-pause", SP.SP_MediaPause),
    "stop": ("media-playback-stop", SP.SP_MediaStop),
    "next": ("media-skip-forward", SP.SP_MediaSkipForward),
    "restart": ("media-seek-backward", SP.SP_MediaSkipBackward),
    "volume": ("audio-volume-high", SP.SP_MediaVolume),
    "mute": ("audio-volume-muted", SP.SP_MediaVolumeMuted),
    "fullscreen": ("view-fullscreen", SP.SP_TitleBarMaxButton),
    "edit": ("document-edit", SP.SP_FileDialogDetailedView),
    "delete": ("edit-delete", SP.SP_TrashIcon),
    "attach": ("insert-link", SP.SP_DialogOpenButton),
    "detach": ("edit-clear", SP.SP_DialogResetButton),
    "poster": ("insert-image", SP.SP_FileDialogContentsView),
    "subtitles": ("insert-text", SP.SP_FileDialogDetailedView),
    "watched": ("object-select", SP.SP_DialogYesButton),
    "unwatched": ("edit-undo", SP.SP_DialogNoButton),
    "rerun": ("view-refresh", SP.SP_BrowserReload),
    "health": ("dialog-ok", SP.SP_DialogApplyButton),
    "master": ("audio-x-generic", SP.SP_MediaVolume),
    "jobs": ("view-list-details", SP.SP_FileDialogListView),
    "import": ("document-open", SP.SP_DialogOpenButton),
    "grid": ("view-grid", SP.SP_FileDialogContentsView),
    "table": ("view-list-details", SP.SP_FileDialogListView),
    "cancel": ("process-stop", SP.SP_BrowserStop),
    "log": ("text-x-generic", SP.SP_FileIcon),
    "info": ("dialog-information", SP.SP_MessageBoxInformation),
    "warning": ("dialog-warning", SP.SP_MessageBoxWarning),
}

_cache: dict[str, QIcon] = {}


def icon(name: str) -> QIcon:
    cached = _cache.get(name)
    if cached is not None:
        return cached
    theme, fallback = ICONS[name]
    app = QApplication.instance()
    style = app.style() if isinstance(app, QApplication) else None
    standard = style.standardIcon(fallback) if style is not None else QIcon()
    found = QIcon.fromTheme(theme, standard)
    _cache[name] = found
    return found
