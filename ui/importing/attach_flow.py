"""From dropped paths to the attach dialog, with the core's slow parts off the GUI thread.

Guessing names loads guessit (a quarter of a second the first time) and asking which
entries already have files reads the database: both run in the task pool, and the
dialog opens (or updates) when they answer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from mediadesk.services.catalogue import AttachTarget, CatalogueService
from mediadesk.services.naming import NameGuess, guess_from_name
from ui.importing.attach_dialog import AttachDialog, Found
from ui.library.nodes import AttachHint
from ui.tasks import TaskRunner


def guess_all(paths: list[Path]) -> list[NameGuess]:
    return [guess_from_name(p) for p in paths]


def conflicts_of(catalogue: CatalogueService, targets: list[AttachTarget | None]) -> Found:
    wanted = [(i, t) for i, t in enumerate(targets) if t is not None]
    answers = catalogue.conflicts([(None, t) for _i, t in wanted])
    found: Found = [None] * len(targets)
    for (i, _t), answer in zip(wanted, answers, strict=True):
        found[i] = answer
    return found


def open_attach_dialog(
    parent: QWidget,
    tasks: TaskRunner,
    catalogue: CatalogueService,
    paths: list[Path],
    hint: AttachHint | None,
    opened: Callable[[AttachDialog], None],
) -> None:
    """Guess every file in the pool, then open the dialog and check its conflicts."""

    def check(targets: list[AttachTarget | None], done: Callable[[Found], None]) -> None:
        tasks.run(lambda: conflicts_of(catalogue, targets), done, owner=parent)

    def show(guesses: list[NameGuess]) -> None:
        dialog = AttachDialog(paths, hint, guesses, parent, check=check)
        opened(dialog)
        dialog.recheck()

    tasks.run(lambda: guess_all(paths), show, owner=parent)
