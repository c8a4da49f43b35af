"""The media list behind the poster grid and the table, fetched lazily.

Rows are media ids, fetched in chunks as the view scrolls (``canFetchMore`` /
``fetchMore`` over ``library.media_ids``); a row's details are loaded in windows of
``WINDOW`` rows through ``library.get_many`` the first time a view asks for them, and
kept in a bounded cache. 100,000 media files cost 100,000 short strings once scrolled
through, never 100,000 view objects.

Core events keep it current: a changed media file drops its cached row; a new,
removed or re-filtered file triggers a debounced resync of the loaded range.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QIcon, QPixmap

from mediadesk.domain import vocabulary as words
from mediadesk.events import MediaChanged
from mediadesk.library.views import MediaFileView
from mediadesk.services.library import LibraryService, MediaFilter
from ui.format import duration, resolution, size
from ui.library.thumbnails import ThumbnailCache, framed, placeholder_pixmap
from ui.listsync import AnyIndex, IdListModel
from ui.throttle import Throttle

CHUNK = 1000  # ids per fetchMore
HEAD = 1000  # rows read again from the top on each resync
WINDOW = 100  # rows loaded together
CACHE_ROWS = 5000
ROW_ICONS_KEPT = 512  # framed row pictures (a screenful is a few dozen)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
VIEW_ROLE = Qt.ItemDataRole.UserRole + 2
POSTER_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ["Title", "Kind", "State", "Duration", "Resolution", "Codecs", "Size", "Added"]


class MediaListModel(IdListModel):
    columns = COLUMNS

    def __init__(
        self,
        library: LibraryService,
        thumbnails: ThumbnailCache,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.thumbnails = thumbnails
        self.filter = MediaFilter()
        self._views: OrderedDict[str, MediaFileView] = OrderedDict()
        self._placeholders: dict[str, QIcon] = {}
        self._icons: OrderedDict[str, tuple[int, QIcon]] = OrderedDict()
        self._changed: set[str] = set()  # files named by events since the last resync
        self._full = False
        self._resync = Throttle(250, self.resync, self)
        thumbnails.ready.connect(self._thumbnail_ready)

    # Filtering and fetching ---------------------------------------------------------

    def set_filter(self, flt: MediaFilter) -> None:
        self.filter = flt
        self.reset_ids(self.library.media_ids(flt, 0, CHUNK), self.library.count_media(flt))

    def update_filter(self, **changes: Any) -> None:
        self.set_filter(replace(self.filter, **changes))

    def fetchMore(self, parent: AnyIndex) -> None:
        if not parent.isValid():
            self.append_ids(self.library.media_ids(self.filter, len(self._ids), CHUNK))

    # Rows -------------------------------------------------------------------------

    def media_id(self, row: int) -> str | None:
        return self.id_at(row)

    def view(self, row: int) -> MediaFileView | None:
        media_id = self.media_id(row)
        if media_id is None:
            return None
        cached = self._views.get(media_id)
        if cached is not None:
            self._views.move_to_end(media_id)
            return cached
        self._load_window(row)
        return self._views.get(media_id)

    def _load_window(self, row: int) -> None:
        start = max(0, row - WINDOW // 4)
        wanted = [i for i in self._ids[start : start + WINDOW] if i not in self._views]
        for v in self.library.get_many(wanted):
            self._views[v.id] = v
        while len(self._views) > CACHE_ROWS:
            self._views.popitem(last=False)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == ID_ROLE:
            return self.media_id(row)
        media = self.view(row)
        if media is None:
            return None
        if role == VIEW_ROLE:
            return media
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(media, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(media)
        if role in (POSTER_ROLE, Qt.ItemDataRole.DecorationRole) and col == 0:
            first = media.catalogue.poster_keys if media.catalogue is not None else []
            pixmap = self.thumbnails.get(media.id, media.kind, media.original_key, first)
            if role == POSTER_ROLE:
                return pixmap
            if pixmap is None:
                return self._placeholder(str(media.kind))
            return self._row_icon(media.id, pixmap)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def _placeholder(self, kind: str) -> QIcon:
        icon = self._placeholders.get(kind)
        if icon is None:
            icon = self._placeholders[kind] = QIcon(placeholder_pixmap(kind))
        return icon

    def _row_icon(self, media_id: str, pixmap: QPixmap) -> QIcon:
        """The thumbnail framed to the row's picture size, made once per thumbnail."""
        made = self._icons.get(media_id)
        if made is None or made[0] != pixmap.cacheKey():
            made = self._icons[media_id] = (pixmap.cacheKey(), QIcon(framed(pixmap)))
            if len(self._icons) > ROW_ICONS_KEPT:
                self._icons.popitem(last=False)
        return made[1]

    # Keeping current ----------------------------------------------------------------

    def on_media_changed(self, event: MediaChanged) -> None:
        row = self.row_of(event.media_file_id)
        self._views.pop(event.media_file_id, None)
        self.thumbnails.invalidate(event.media_file_id)
        if row is not None:
            self.emit_row_changed(row)
        # New, deleted, or a status that moves it in or out of this filter.
        self._changed.add(event.media_file_id)
        self._resync.poke()

    def on_catalogue_changed(self) -> None:
        if self.filter.scoped:  # a movie or series node: attachments decide membership
            self._full = True
            self._resync.poke()

    def refresh_all(self) -> None:
        """Many files changed at once (their tags read again): every row is read anew,
        and the order too (a song joins its album)."""
        self._views.clear()
        self._full = True
        self._resync.poke()
        if self.rowCount() > 0:
            last = self.index(self.rowCount() - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def on_job_finished(self, media_id: str) -> None:
        """A job of this file completed: its poster or details may be new."""
        self._views.pop(media_id, None)
        self.thumbnails.invalidate(media_id)
        row = self.row_of(media_id)
        if row is not None:
            self.emit_row_changed(row)

    def resync(self) -> None:
        """Bring the loaded rows up to date, in proportion to what changed.

        New files are the newest, so they appear in the head, which is read again. Below
        it, only files named by events are checked (``MediaFilter.ids``); a large
        scrolled-through list is never re-read whole for one status change.
        """
        changed, self._changed = self._changed, set()
        full, self._full = self._full, False
        total = self.library.count_media(self.filter)
        if full or len(self._ids) <= HEAD:
            limit = max(len(self._ids) + 50, CHUNK)
            self.sync(self.library.media_ids(self.filter, 0, limit), total)
            return
        head = self.library.media_ids(self.filter, 0, HEAD)
        in_head = set(head)
        # Rows that left the head (pushed down, or gone) and changed rows below it.
        suspects = {i for i in self._ids[:HEAD] if i not in in_head}
        suspects |= {i for i in changed if i not in in_head}
        still = set(self._matching(suspects))
        loaded = set(self._ids)
        if any(i not in loaded for i in still):
            # An older file now matches (a status filter): its place is somewhere in
            # the loaded range; read the range again, once.
            self._full = True
            self._resync.poke()
        tail = [i for i in self._ids if i not in in_head and (i not in suspects or i in still)]
        self.sync(head + tail, total)

    def _matching(self, ids: set[str]) -> list[str]:
        if not ids:
            return []
        flt = replace(self.filter, ids=tuple(ids))
        return self.library.media_ids(flt, 0, len(ids))

    def _thumbnail_ready(self, media_id: str) -> None:
        row = self.row_of(media_id)
        if row is not None:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole, POSTER_ROLE])


def tooltip(media: MediaFileView) -> str:
    lines = [media.display_title]
    if media.display_title != media.original_filename:
        lines.append(f"File: {media.original_filename}")
    lines.append(f"{words.media_status(media.state)} · {words.media_kind(media.kind)}")
    if media.error_message:
        lines.append(media.error_message)
    return "\n".join(lines)


def _display(media: MediaFileView, col: int) -> str:
    if col == 0:
        return media.display_title
    if col == 1:
        return words.media_kind(media.kind)
    if col == 2:
        return words.media_status(media.state)
    if col == 3:
        return duration(media.duration_seconds)
    if col == 4:
        return resolution(media.width, media.height)
    if col == 5:
        return " / ".join(words.codec_name(c) for c in (media.video_codec, media.audio_codec) if c)
    if col == 6:
        return size(media.size_bytes)
    return media.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
