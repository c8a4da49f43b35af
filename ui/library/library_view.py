"""The library tab: sidebar, filters, poster grid or table, and the detail pane."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from mediadesk.events import JobStateChanged, MediaChanged
from ui.library import nodes
from ui.library.detail_pane import DetailPane
from ui.library.filter_bar import GRID, FilterBar
from ui.library.grid_view import PosterGrid
from ui.library.media_model import ID_ROLE, MediaListModel
from ui.library.nodes import LibraryNode
from ui.library.sidebar import LibrarySidebar
from ui.library.table_view import MediaTable
from ui.shell import Shell


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

        self.sidebar = LibrarySidebar(rt.library, rt.catalogue, shell.tasks)
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
        center = QWidget()
        column = QVBoxLayout(center)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.filters)
        column.addWidget(self.stack, 1)
        self.detail = DetailPane(rt, shell.tasks)

        self.addWidget(self.sidebar)
        self.addWidget(center)
        self.addWidget(self.detail)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setStretchFactor(2, 0)
        self.setSizes([230, 800, 360])

        self.sidebar.nodeSelected.connect(self.show_node)
        self.sidebar.filesDropped.connect(self.filesDropped)
        self.filters.filtersChanged.connect(self._filters_changed)
        self.filters.viewModeChanged.connect(self.stack.setCurrentIndex)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.doubleClicked.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)
        self.detail.playRequested.connect(self.playRequested)

        bridge = shell.bridge
        bridge.mediaChanged.connect(self._media_changed)
        bridge.jobStateChanged.connect(self._job_state_changed)
        bridge.catalogueChanged.connect(self.sidebar.schedule_catalogue_reload)
        bridge.catalogueChanged.connect(self.model.on_catalogue_changed)

    def start(self) -> None:
        """First load (after the window is constructed, before it shows)."""
        self.model.set_filter(self._effective_filter())
        self.sidebar.select(nodes.ALL.key)

    # Filtering --------------------------------------------------------------------

    def _effective_filter(self, values: dict[str, Any] | None = None) -> Any:
        v = values if values is not None else self.filters.values()
        base = self.node.filter
        return replace(
            base,
            search=v["search"],
            kind=v["kind"] or base.kind,
            status=v["status"] or base.status,
        )

    def show_node(self, node: LibraryNode) -> None:
        if node == self.node and self.model.rowCount() > 0:
            return
        self.node = node
        self.model.set_filter(self._effective_filter())
        if node.media_id:
            self.select_media(node.media_id)

    def _filters_changed(self, values: dict[str, Any]) -> None:
        self.model.set_filter(self._effective_filter(values))

    def set_view_mode(self, mode: int) -> None:
        (self.filters.grid_button if mode == GRID else self.filters.table_button).setChecked(True)
        self.stack.setCurrentIndex(mode)

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

    # Events -----------------------------------------------------------------------

    def _media_changed(self, event: MediaChanged) -> None:
        self.model.on_media_changed(event)
        self.detail.schedule_reload(event.media_file_id)
        self.sidebar.schedule_counts()

    def _job_state_changed(self, event: JobStateChanged) -> None:
        if event.media_file_id is None:
            return
        if event.status == "COMPLETED":
            self.model.on_job_finished(event.media_file_id)
        self.detail.schedule_reload(event.media_file_id)
