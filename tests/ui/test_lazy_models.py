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
    assert model.total == 1_000 and model.index(0, 1).data() == "Audio"
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
    # The count column fits the widest count, and no wider: the titles keep the rest.
    counts = view.sidebar.header().sectionSize(1)
    assert view.sidebar.fontMetrics().horizontalAdvance("5,000") < counts < 100
    view.filters.search.setText("seeded-0049")
    # Search and node combine: the failed ones (every tenth) among 4900-4999.
    qtbot.waitUntil(lambda: view.model.total == 10, timeout=5_000)


def _set_status(shell, media_id: str, status: str) -> None:  # type: ignore[no-untyped-def]
    """What the job store does when a pipeline changes a file's status."""
    from sqlalchemy import update

    from mediadesk.library.models import MediaFile

    with shell.runtime.db.write() as s:
        s.execute(update(MediaFile).where(MediaFile.id == media_id).values(status=status))
    shell.runtime.bus.publish(MediaChanged(media_id, status))


def test_resync_below_the_head_reads_only_what_changed(shell, qtbot, big, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mediadesk.domain.enums import MediaStatus

    library = shell.runtime.library
    model = MediaListModel(library, shell.thumbnails)
    model.update_filter(status=MediaStatus.READY)  # 4,000 of the 5,000
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 3_000 and model.total == 4_000
    reads: list[int] = []
    real = library.media_ids

    def counting(flt, offset=0, limit=100):  # type: ignore[no-untyped-def]
        reads.append(limit)
        return real(flt, offset, limit)

    monkeypatch.setattr(library, "media_ids", counting)
    deep = model.media_id(2_500)
    assert deep is not None
    _set_status(shell, deep, "FAILED")  # leaves the READY list, far below the head
    bridge_model_event(model, deep)
    qtbot.waitUntil(lambda: model.row_of(deep) is None, timeout=5_000)
    assert model.rowCount() == 2_999 and model.total == 3_999
    assert max(reads) <= media_model.HEAD  # never the whole loaded range

    # A file inside the loaded range that now matches lands in its place.
    inside = next(
        i for i in reversed(big[-2_000:-1_500]) if library.get_media(i).status == "FAILED"
    )
    _set_status(shell, inside, "READY")
    bridge_model_event(model, inside)
    qtbot.waitUntil(lambda: model.row_of(inside) is not None, timeout=5_000)
    assert model.total == 4_000
    ids = [model.media_id(r) for r in range(model.rowCount())]
    assert ids == real(model.filter, 0, len(ids))  # exactly what a fresh read gives
    # One that is older than the loaded range waits for fetchMore.
    older = next(i for i in big[:500] if library.get_media(i).status == "FAILED")
    _set_status(shell, older, "READY")
    bridge_model_event(model, older)
    qtbot.waitUntil(lambda: model.total == 4_001, timeout=5_000)
    assert model.row_of(older) is None and model.canFetchMore(QModelIndex())
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)


def bridge_model_event(model: MediaListModel, media_id: str) -> None:
    model.on_media_changed(MediaChanged(media_id, None))
