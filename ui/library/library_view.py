"""The library tab: sidebar, filters and sort, poster grid or table, and the detail pane.

Keys in the grid and table: Return plays, Delete deletes (after asking), F2 edits;
right-click opens the same actions as a menu, for every selected file. A node with
nothing to show says what to do instead of showing an empty grid.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain.mediainfo import READ_TAGS
from mediadesk.events import JobStateChanged, MediaChanged, PlaybackChanged
from mediadesk.library.views import MediaFileView
from mediadesk.services.library import order_for
from ui.library import nodes
from ui.library.actions import LibraryActions, popup
from ui.library.detail_pane import DetailPane
from ui.library.failed_imports import FailedImports
from ui.library.filter_bar import GRID, FilterBar
from ui.library.grid_view import PosterGrid
from ui.library.media_model import ID_ROLE, VIEW_ROLE, MediaListModel
from ui.library.nodes import LibraryNode
from ui.library.sidebar import LibrarySidebar
from ui.library.table_view import MediaTable
from ui.shell import Shell
from ui.widgets import label


class LibraryView(QSplitter):
    playRequested = Signal(str)
    filesDropped = Signal(list, object)  # list[Path], LibraryNode

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("libraryView")
        self.shell = shell
        rt = shell.runtime
        self.node: LibraryNode = nodes.ALL
        self.model = MediaListModel(rt.library, shell.thumbnails, self)
        self.item_actions = LibraryActions(shell, self)

        self.sidebar = LibrarySidebar(rt.library, rt.catalogue, shell.tasks, rt.imports)
        self.failed_imports = FailedImports(shell)
        self.filters = FilterBar()
        self.grid = PosterGrid()
        self.table = MediaTable()
        self.grid.setModel(self.model)
        self.table.setModel(self.model)
        self.table.setSelectionModel(self.grid.selectionModel())  # one selection, two views
        self.table.apply_widths()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.table)
        # Over the views, not instead of them: the grid still paints (the app's start-up
        # waits for its first paint) and drops still land.
        self.empty = label(name="emptyState", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.empty.setParent(self.stack)
        self.empty.setStyleSheet("color: #8a8f98; font-size: 15px; padding: 40px;")
        self.empty.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty.hide()
        self.stack.installEventFilter(self)
        self.mode = GRID
        center = QWidget()
        column = QVBoxLayout(center)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.failed_imports)
        column.addWidget(self.filters)
        column.addWidget(self.stack, 1)
        self.detail = DetailPane(rt, shell.tasks)

        self.addWidget(self.sidebar)
        self.addWidget(center)
        self.addWidget(self.detail)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setStretchFactor(2, 0)
        self.setSizes([250, 780, 360])

        self.sidebar.nodeSelected.connect(self.show_node)
        self.sidebar.filesDropped.connect(self.filesDropped)
        self.sidebar.menuRequested.connect(self._node_menu)
        self.sidebar.editRequested.connect(self._edit_node)
        self.filters.filtersChanged.connect(self._filters_changed)
        self.filters.viewModeChanged.connect(self.set_view_mode)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        for view in (self.grid, self.table):
            view.activated.connect(self._activated)  # double-click, and Return
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(lambda pos, v=view: self._media_menu(v, pos))
        self.detail.playRequested.connect(self.playRequested)
        self.detail.editRequested.connect(lambda _id: self.edit_selected())
        self.item_actions.playRequested.connect(self.playRequested)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_empty)
        self._keys(center)

        bridge = shell.bridge
        bridge.mediaChanged.connect(self._media_changed)
        bridge.jobStateChanged.connect(self._job_state_changed)
        self.failed_imports.changed.connect(self.sidebar.schedule_counts)
        bridge.catalogueChanged.connect(self.sidebar.schedule_catalogue_reload)
        bridge.catalogueChanged.connect(self.model.on_catalogue_changed)
        bridge.catalogueChanged.connect(self.detail.reload_soon)
        shell.bridge.playbackChanged.connect(self._playback_changed)

    def _keys(self, center: QWidget) -> None:
        for key, slot in (
            (Qt.Key.Key_Delete, self.delete_selected),
            (Qt.Key.Key_F2, self.edit_selected),
        ):
            for view in (self.grid, self.table):
                shortcut = QShortcut(QKeySequence(key), view)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(slot)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        find.activated.connect(self.focus_search)

    def start(self) -> None:
        """First load (after the window is constructed, before it shows)."""
        self.model.set_filter(self._effective_filter())
        self.sidebar.select(nodes.ALL.key)
        self._update_empty()

    # Filtering --------------------------------------------------------------------

    def _effective_filter(self, values: dict[str, Any] | None = None) -> Any:
        v = values if values is not None else self.filters.values()
        base = self.node.filter
        flt = replace(
            base,
            search=v["search"],
            kind=v["kind"] or base.kind,
            status=v["status"] or base.status,
        )
        if self.node.sortable and v.get("sort") is not None:
            flt = replace(flt, order=order_for(v["sort"]))
        return flt

    def show_node(self, node: LibraryNode) -> None:
        self.failed_imports.set_active(node.key == nodes.FAILED.key)
        if node == self.node and self.model.rowCount() > 0:
            return
        self.node = node
        self.model.set_filter(self._effective_filter())
        self._update_empty()
        if node.media_id and self.select_media(node.media_id):
            return
        if self.detail.media_id is not None and self.model.row_of(self.detail.media_id) is None:
            self.grid.selectionModel().clearSelection()
            self.detail.show_media(None, node.empty if self.model.rowCount() == 0 else "")

    def _filters_changed(self, values: dict[str, Any]) -> None:
        if values.get("sort") is not None:
            self.sidebar.set_sort(values["sort"])
        self.model.set_filter(self._effective_filter(values))
        self._update_empty()

    def set_view_mode(self, mode: int) -> None:
        (self.filters.grid_button if mode == GRID else self.filters.table_button).setChecked(True)
        self.mode = mode
        self.stack.setCurrentIndex(mode)

    def _update_empty(self, *_args: object) -> None:
        if self.model.rowCount() == 0:
            search = self.filters.values()["search"]
            self.empty.setText(f"Nothing matches “{search}”." if search else self.node.empty)
            self.empty.setGeometry(self.stack.rect().adjusted(0, 30, 0, 0))
            self.empty.show()
            self.empty.raise_()
        else:
            self.empty.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.stack and event.type() == QEvent.Type.Resize:
            self.empty.setGeometry(self.stack.rect().adjusted(0, 30, 0, 0))
        return False

    def focus_search(self) -> None:
        self.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search.selectAll()

    # Selection --------------------------------------------------------------------

    def select_media(self, media_id: str) -> bool:
        row = self.model.row_of(media_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.grid.setCurrentIndex(index)
        self.grid.scrollTo(index)
        return True

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        return [mid for r in rows if (mid := self.model.media_id(r)) is not None]

    def selected_views(self) -> list[MediaFileView]:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        return [v for r in rows if (v := self.model.view(r)) is not None]

    def _selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        current = self.grid.selectionModel().currentIndex()
        ids = self.selected_ids()
        media_id = current.data(ID_ROLE) if current.isValid() else None
        if media_id not in ids:
            media_id = ids[0] if ids else None
        if media_id != self.detail.media_id:
            self.detail.show_media(media_id)

    def _activated(self, index: QModelIndex) -> None:
        media_id = index.data(ID_ROLE)
        if media_id:
            self.playRequested.emit(media_id)

    # Actions ----------------------------------------------------------------------

    def _media_menu(self, view: QAbstractItemView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if index.isValid() and not view.selectionModel().isSelected(index):
            view.setCurrentIndex(index)
        items = self.selected_views()
        if not items and index.isValid():
            items = [index.data(VIEW_ROLE)]
        if items:
            popup(self.item_actions.media_menu(items, view), view.viewport().mapToGlobal(pos))

    def _node_menu(self, node: LibraryNode, at: QPoint) -> None:
        popup(self.item_actions.node_menu(node, self.sidebar), at)

    def _edit_node(self, node: LibraryNode) -> None:
        if node.entry_kind and node.entry_id:
            self.item_actions.edit_entry(node.entry_kind, node.entry_id)

    def delete_selected(self) -> None:
        self.item_actions.delete(self.selected_views())

    def edit_selected(self) -> None:
        items = self.selected_views()
        if len(items) == 1:
            self.item_actions.edit_media(items[0])
        elif items:
            self.item_actions.attach(items)

    # Events -----------------------------------------------------------------------

    def _media_changed(self, event: MediaChanged) -> None:
        self.model.on_media_changed(event)
        if event.deleted and event.media_file_id == self.detail.media_id:
            self.detail.show_media(None)
        else:
            self.detail.schedule_reload(event.media_file_id)
        self.sidebar.schedule_counts()
        self.sidebar.schedule_albums()  # a song came, went or was read

    def _playback_changed(self, event: PlaybackChanged) -> None:
        self.model.on_job_finished(event.media_file_id)  # its row shows the new progress
        self.detail.schedule_reload(event.media_file_id)
        if self.node.key == nodes.CONTINUE.key:
            self.model.on_catalogue_changed()
        self.sidebar.schedule_counts()

    def _job_state_changed(self, event: JobStateChanged) -> None:
        if event.media_file_id is None:
            if event.job_type == READ_TAGS and event.status == "COMPLETED":
                self.model.refresh_all()
                self.detail.reload_soon()
                self.sidebar.schedule_albums()
            return
        if event.status == "COMPLETED":
            self.model.on_job_finished(event.media_file_id)
        self.detail.schedule_reload(event.media_file_id)
