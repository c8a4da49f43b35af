"""The library sidebar: fixed nodes, movies, the series tree and the albums under Audio
(each loaded when opened).

Dropping files on a node asks the window to import them with that node's attach
target as the default (a season pre-fills the series and season, and so on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.services.catalogue import CatalogueService
from mediadesk.services.imports import ImportService
from mediadesk.services.library import LibraryService
from ui.importing.paths import local_paths
from ui.library import nodes
from ui.library.nodes import LibraryNode
from ui.tasks import TaskRunner
from ui.throttle import Throttle

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LAZY = "Loading…"  # the one child of a branch not read yet
# Nodes whose children are read when first opened: movies, the series tree, albums.
LAZY_BRANCHES = (nodes.MOVIES, nodes.SERIES, nodes.AUDIO)


class LibrarySidebar(QTreeWidget):
    nodeSelected = Signal(object)  # LibraryNode
    filesDropped = Signal(list, object)  # list[Path], LibraryNode
    menuRequested = Signal(object, QPoint)  # LibraryNode, global position
    editRequested = Signal(object)  # LibraryNode (F2)

    def __init__(
        self,
        library: LibraryService,
        catalogue: CatalogueService,
        tasks: TaskRunner,
        imports: ImportService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("librarySidebar")
        self.library = library
        self.catalogue = catalogue
        self.imports = imports
        self.tasks = tasks
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setUniformRowHeights(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.sort = CatalogueSort.ADDED  # the filter bar's sort control sets it
        for node in nodes.TOP_LEVEL:
            item = self._make_item(node, self)
            if node in LAZY_BRANCHES:
                item.addChild(QTreeWidgetItem([_LAZY]))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # As wide as the widest count (All media's, which no other exceeds): sizing the
        # column to its contents measured every row on each layout, a stall of its own
        # once thousands of episodes are listed.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self._fit_counts([""])
        self.itemExpanded.connect(self._expanded)
        self.currentItemChanged.connect(self._current_changed)
        self._refresh_catalogue = Throttle(300, self.reload_catalogue, self)
        self._refresh_albums = Throttle(1000, self.reload_albums, self)
        self._refresh_counts = Throttle(1000, self.reload_counts, self)

    # Building ---------------------------------------------------------------------

    def _make_item(
        self, node: LibraryNode, parent: QTreeWidget | QTreeWidgetItem
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [node.label, ""])
        item.setData(0, NODE_ROLE, node)
        item.setTextAlignment(1, COUNT_ALIGNMENT)
        self._items[node.key] = item
        return item

    def node_item(self, key: str) -> QTreeWidgetItem | None:
        return self._items.get(key)

    def select(self, key: str) -> None:
        item = self._items.get(key)
        if item is not None:
            self.setCurrentItem(item)

    def _expanded(self, item: QTreeWidgetItem) -> None:
        node: LibraryNode | None = item.data(0, NODE_ROLE)
        if node is not None and _unopened(item):
            self._populate(item, node)

    def _populate(self, item: QTreeWidgetItem, node: LibraryNode) -> None:
        """Read a branch's children off the GUI thread (a large library's series tree or
        albums take a while) and show them when read; an older read that finishes after a
        newer one is dropped, so a sort change or an edit never shows stale children."""
        sort = self.sort
        read: Callable[[], list[Branch]]
        if node.key == nodes.AUDIO.key:
            read = partial(_album_branches, self.library, sort)
        elif node.key == nodes.MOVIES.key:
            read = partial(_movie_branches, self.catalogue, sort)
        elif node.key == nodes.SERIES.key:
            read = partial(_series_branches, self.catalogue, sort)
        else:
            return

        def show(children: list[Branch]) -> None:
            self._rebuild(item, lambda: item.addChildren(self._build(children)))

        self.tasks.run(read, show, owner=self, latest=(self, node.key))

    def _build(self, branches: list[Branch]) -> list[QTreeWidgetItem]:
        """Items made detached and added in one call: a tree of 5,000 rows in a fraction
        of the time one insertion per row takes (each one a signal through the view)."""
        built = []
        for branch in branches:
            item = QTreeWidgetItem([branch.node.label, branch.count])
            item.setData(0, NODE_ROLE, branch.node)
            if branch.count:
                item.setTextAlignment(1, COUNT_ALIGNMENT)
            self._items[branch.node.key] = item
            if branch.children:
                item.addChildren(self._build(branch.children))
            built.append(item)
        return built

    def _rebuild(self, item: QTreeWidgetItem, build: Callable[[], object]) -> None:
        """Replace ``item``'s children, keeping what was open and what was selected."""
        expanded = {k for k, it in self._items.items() if it.isExpanded()}
        current = self.currentItem()
        current_key = current.data(0, NODE_ROLE).key if current is not None else None
        # Rebuilding must not look like the user picking other nodes on the way.
        self.blockSignals(True)
        for child in item.takeChildren():
            self._forget(child)
        build()
        for key in expanded:
            if key in self._items:
                self._items[key].setExpanded(True)
        if current_key in self._items:
            self.setCurrentItem(self._items[current_key])
            self.blockSignals(False)
        else:  # the node went away (deleted, merged): show its parent
            self.blockSignals(False)
            if current_key is not None and self.currentItem() is not item:
                self.setCurrentItem(item)

    def _forget(self, item: QTreeWidgetItem) -> None:
        node: LibraryNode | None = item.data(0, NODE_ROLE)
        if node is not None:
            self._items.pop(node.key, None)
        for child in [item.child(i) for i in range(item.childCount())]:
            if child is not None:
                self._forget(child)

    # Keeping current ----------------------------------------------------------------

    def schedule_catalogue_reload(self) -> None:
        self._refresh_catalogue.poke()

    def schedule_counts(self) -> None:
        self._refresh_counts.poke()

    def schedule_albums(self) -> None:
        """Songs came, went or were read again: the albums under Audio may differ."""
        self._refresh_albums.poke()

    def reload_catalogue(self) -> None:
        for node in LAZY_BRANCHES:
            self._reload_branch(node)
        self.schedule_counts()

    def reload_albums(self) -> None:
        self._reload_branch(nodes.AUDIO)

    def _reload_branch(self, node: LibraryNode) -> None:
        item = self._items[node.key]
        if item.isExpanded():
            self._populate(item, node)
        elif not _unopened(item):
            self.tasks.drop((self, node.key))  # a read on its way is no longer wanted
            for child in item.takeChildren():
                self._forget(child)
            item.addChild(QTreeWidgetItem([_LAZY]))

    def reload_counts(self) -> None:
        wanted = [(n.key, n.filter) for n in nodes.TOP_LEVEL]

        def count() -> dict[str, int]:
            counts = {key: self.library.count_media(flt) for key, flt in wanted}
            if self.imports is not None:  # failed imports are listed under Failed too
                counts[nodes.FAILED.key] += self.imports.counts().failed
            return counts

        self.tasks.run(count, self._show_counts, owner=self)

    def _show_counts(self, counts: dict[str, int]) -> None:
        shown = []
        for key, n in counts.items():
            item = self._items.get(key)
            if item is not None:
                item.setText(1, f"{n:,}" if n else "")
                shown.append(item.text(1))
        self._fit_counts(shown)

    def _fit_counts(self, texts: list[str]) -> None:
        widest = max(self.fontMetrics().horizontalAdvance(text) for text in texts)
        self.header().resizeSection(1, widest + 8)

    def _current_changed(self, current: QTreeWidgetItem | None, _prev: object) -> None:
        node = current.data(0, NODE_ROLE) if current is not None else None
        if node is not None:
            self.nodeSelected.emit(node)

    def set_sort(self, sort: CatalogueSort) -> None:
        if sort != self.sort:
            self.sort = sort
            self.reload_catalogue()

    def current_node(self) -> LibraryNode | None:
        item = self.currentItem()
        return item.data(0, NODE_ROLE) if item is not None else None

    # Menus and keys ------------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self.itemAt(event.pos())
        node = item.data(0, NODE_ROLE) if item is not None else None
        if item is not None and node is not None:
            self.setCurrentItem(item)
            self.menuRequested.emit(node, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        node = self.current_node()
        if event.key() == Qt.Key.Key_F2 and node is not None and node.entry_kind:
            self.editRequested.emit(node)
            return
        super().keyPressEvent(event)

    # Dropping files on a node --------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        if item is not None and item.data(0, NODE_ROLE) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        paths: list[Path] = local_paths(event.mimeData())
        node = item.data(0, NODE_ROLE) if item is not None else None
        if not paths or node is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.filesDropped.emit(paths, node)


@dataclass(frozen=True)
class Branch:
    """A sidebar row to be: made on a pool thread, turned into tree items on the GUI's."""

    node: LibraryNode
    count: str = ""
    children: list[Branch] = field(default_factory=list)


def _movie_branches(catalogue: CatalogueService, sort: CatalogueSort) -> list[Branch]:
    return [Branch(nodes.movie_node(movie)) for movie in catalogue.movies(sort)]


def _series_branches(catalogue: CatalogueService, sort: CatalogueSort) -> list[Branch]:
    return [
        Branch(
            nodes.series_node(series),
            children=[
                Branch(
                    nodes.season_node(series, season),
                    children=[
                        Branch(nodes.episode_node(series, season, episode))
                        for episode in season.episodes
                    ],
                )
                for season in series.seasons
            ],
        )
        for series in catalogue.series(sort)
    ]


def _album_branches(library: LibraryService, sort: CatalogueSort) -> list[Branch]:
    return [Branch(nodes.album_node(a), f"{a.songs:,}") for a in library.albums(sort)]


def _unopened(item: QTreeWidgetItem) -> bool:
    """A lazy branch not read since it was last closed (its one placeholder child)."""
    first = item.child(0) if item.childCount() == 1 else None
    return first is not None and first.text(0) == _LAZY
