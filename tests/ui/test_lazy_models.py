"""The media list stays lazy with a large library and follows changes in place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from mediadesk.domain.enums import MediaKind
from mediadesk.events import MediaChanged
from tests.seed import seed_media
from ui.library import media_model
from ui.library.media_model import CHUNK, ID_ROLE, MediaListModel
from ui.listsync import sync_ids

pytestmark = pytest.mark.ui


class IdModel(QAbstractListModel):
    def __init__(self, ids: list[str]) -> None:
        super().__init__()
        self.ids = ids

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        return self.ids[index.row()] if role == Qt.ItemDataRole.DisplayRole else None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("abcdef", "xyabcdef"),  # new files at the top
        ("abcdef", "abdf"),  # deletions
        ("abcdef", "zacxdfy"),  # both
        ("abc", ""),
        ("", "abc"),
        ("abc", "cab"),  # a different order: reset
    ],
)
def test_sync_ids_reaches_the_new_list(qapp, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    model = IdModel(list(old))
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    keep = QPersistentModelIndex(model.index(old.find("c"), 0)) if "c" in old else None

    def reset(ids: list[str]) -> None:
        model.ids = list(ids)

    sync_ids(model, model.ids, list(new), reset)
    assert "".join(model.ids) == new
    if keep is not None and "c" in new and sorted(old) == list(old) and new != "cab":
        assert keep.isValid() and keep.data() == "c"  # rows moved, persistent index kept
    del tester


@pytest.fixture
def big(shell):  # type: ignore[no-untyped-def]
    return seed_media(shell.runtime, 5_000)


def test_model_fetches_ids_and_rows_lazily(shell, qtbot, big, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    library = shell.runtime.library
    real_get_many = library.get_many

    def counting_get_many(ids: list[str]):  # type: ignore[no-untyped-def]
        calls.append(len(ids))
        return real_get_many(ids)

    monkeypatch.setattr(library, "get_many", counting_get_many)
    model = MediaListModel(library, shell.thumbnails)
    model.set_filter(model.filter)
    assert model.total == 5_000
    assert model.rowCount() == CHUNK and model.canFetchMore(QModelIndex())
    assert calls == []  # nothing but ids so far
    newest = model.index(0, 0).data()
    assert newest == "seeded-004999.mp4"
    assert calls == [media_model.WINDOW]  # one window of rows for the first cell
    model.index(3, 2).data()
    assert len(calls) == 1  # same window
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 5_000
    assert model.index(4_999, 0).data() == "seeded-000000.mp4"
    assert sum(calls) < 5_000 and len(model._views) <= media_model.CACHE_ROWS

    model.update_filter(kind=MediaKind.AUDIO)
    assert model.total == 1_000 and model.index(0, 1).data() == "audio"
    model.update_filter(kind=None, search="seeded-00012")
    assert model.total == 10
    # Qt's own consistency checks over the model as views use it.
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)


def test_new_media_appear_at_the_top_and_selection_survives(shell, idle_window, qtbot, big) -> None:  # type: ignore[no-untyped-def]
    view = idle_window.library
    model = view.model
    model.set_filter(model.filter)
    assert view.select_media(big[-3])
    current = view.grid.currentIndex()
    assert current.row() == 2

    (new_id,) = seed_media(shell.runtime, 1, prefix="later")
    shell.runtime.bus.publish(MediaChanged(new_id, "READY"))
    qtbot.waitUntil(lambda: model.media_id(0) == new_id, timeout=5_000)
    assert view.grid.currentIndex().row() == 3
    assert view.grid.currentIndex().data(ID_ROLE) == big[-3]
    assert model.total == 5_001

    shell.runtime.library.delete_media(big[-1])
    qtbot.waitUntil(lambda: model.row_of(big[-1]) is None, timeout=5_000)
    assert view.grid.currentIndex().data(ID_ROLE) == big[-3]


def test_sidebar_nodes_filter_the_list(shell, idle_window, qtbot, big) -> None:  # type: ignore[no-untyped-def]
    view = idle_window.library
    view.sidebar.select("audio")
    assert view.model.total == 1_000
    view.sidebar.select("failed")
    assert view.model.total == 500
    view.sidebar.reload_counts()
    qtbot.waitUntil(lambda: view.sidebar.node_item("all").text(1) == "5,000", timeout=10_000)
    assert view.sidebar.node_item("images").text(1) == "1,000"
    view.filters.search.setText("seeded-0049")
    # Search and node combine: the failed ones (every tenth) among 4900-4999.
    qtbot.waitUntil(lambda: view.model.total == 10, timeout=5_000)
