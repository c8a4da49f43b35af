"""A tab whose view is built the first time it is needed (shown, or used by code).

The first paint needs only the library; the player and the jobs views (and the
modules behind them) wait until the user, or another view, asks for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QVBoxLayout, QWidget

V = TypeVar("V", bound=QWidget)


class LazyTab(QWidget, Generic[V]):
    def __init__(self, factory: Callable[[], V], on_built: Callable[[V], None]) -> None:
        super().__init__()
        self._factory = factory
        self._on_built = on_built
        self._view: V | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._view is not None

    @property
    def view(self) -> V:
        if self._view is None:
            self._view = self._factory()
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self._view)
            self._on_built(self._view)
        return self._view
