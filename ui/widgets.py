"""Small constructors for widgets configured the same way in many views.

PySide accepts Qt properties as constructor keywords, but its type stubs do not
describe them; these helpers keep the views short and type-checked.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """Give a widget an object name (tests and style sheets find it by that name)."""
    widget.setObjectName(name)
    return widget


def label(
    text: str = "",
    *,
    name: str = "",
    wrap: bool = False,
    align: Qt.AlignmentFlag | None = None,
    selectable: bool = False,
) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    if align is not None:
        widget.setAlignment(align)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def tool_button(
    text: str, *, name: str = "", checkable: bool = False, checked: bool = False
) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    if name:
        button.setObjectName(name)
    button.setCheckable(checkable)
    button.setChecked(checked)
    return button
