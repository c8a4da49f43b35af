"""Bring a list model's rows (a list of ids) in line with a fresh id list, in place.

Views keep their selection and scroll position because rows are removed and inserted
in blocks instead of resetting the model. Lists are ordered by something that never
changes (creation time), so kept ids keep their relative order; if that ever fails
(another sort order), the model is reset instead.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex


def _same_order(old: list[str], new: list[str]) -> bool:
    new_set, old_set = set(new), set(old)
    return [i for i in old if i in new_set] == [i for i in new if i in old_set]


def sync_ids(
    model: QAbstractItemModel,
    ids: list[str],
    new: list[str],
    reset: Callable[[list[str]], None],
) -> tuple[list[str], list[str]]:
    """Mutate ``ids`` into ``new`` with row signals; returns (removed, inserted) ids.

    ``reset(new)`` is called (between begin/endResetModel) when order changed.
    """
    if ids == new:
        return [], []
    if len(set(new)) != len(new) or not _same_order(ids, new):
        model.beginResetModel()
        reset(new)
        model.endResetModel()
        return [], list(new)
    root = QModelIndex()
    keep = set(new)
    removed: list[str] = []
    row = len(ids) - 1
    while row >= 0:  # from the end, so earlier rows keep their numbers
        if ids[row] in keep:
            row -= 1
            continue
        end = row
        while row >= 0 and ids[row] not in keep:
            row -= 1
        model.beginRemoveRows(root, row + 1, end)
        removed.extend(ids[row + 1 : end + 1])
        del ids[row + 1 : end + 1]
        model.endRemoveRows()
    inserted: list[str] = []
    pos = 0
    while pos < len(new):
        if pos < len(ids) and ids[pos] == new[pos]:
            pos += 1
            continue
        start = pos
        present = set(ids)
        while pos < len(new) and new[pos] not in present:
            pos += 1
        block = new[start:pos]
        model.beginInsertRows(root, start, pos - 1)
        ids[start:start] = block
        model.endInsertRows()
        inserted.extend(block)
    return removed, inserted
