"""The seek bar: click or drag to seek, hover to see a trickplay thumbnail."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QVBoxLayout,
    QWidget,
)

from ui.format import clock

PreviewProvider = Callable[[float], QPixmap | None]


class _PreviewPopup(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip)
        self.setObjectName("trickplayPopup")
        self.setFrameShape(QFrame.Shape.Box)
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.time = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.image)
        layout.addWidget(self.time)

    def show_at(self, global_pos: QPoint, seconds: float, pixmap: QPixmap | None) -> None:
        self.image.setVisible(pixmap is not None)
        if pixmap is not None:
            self.image.setPixmap(pixmap)
        self.time.setText(clock(seconds))
        self.adjustSize()
        self.move(global_pos - QPoint(self.width() // 2, self.height() + 12))
        self.show()


class SeekBar(QSlider):
    seekRequested = Signal(float)  # seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("seekBar")
        self.setRange(0, 0)
        self.setMouseTracking(True)
        self.preview: PreviewProvider | None = None
        self._popup = _PreviewPopup(self)
        self._dragging = False
        self.marks: list[float] = []
        self.sliderPressed.connect(lambda: setattr(self, "_dragging", True))
        self.sliderReleased.connect(self._released)

    def set_marks(self, seconds: list[float]) -> None:
        """Chapter starts, drawn as ticks over the groove."""
        self.marks = list(seconds)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.marks or self.maximum() <= 0:
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
        )
        span = max(1, groove.width() - handle.width())
        painter = QPainter(self)
        painter.setPen(QPen(self.palette().highlight().color(), 2))
        for at in self.marks:
            x = (
                groove.x()
                + handle.width() // 2
                + QStyle.sliderPositionFromValue(
                    self.minimum(), self.maximum(), int(at * 1000), span
                )
            )
            painter.drawLine(x, groove.top() - 3, x, groove.bottom() + 3)
        painter.end()

    def set_duration(self, seconds: float | None) -> None:
        self.setRange(0, int((seconds or 0) * 1000))

    def set_position(self, seconds: float) -> None:
        if not self._dragging:
            self.blockSignals(True)
            self.setValue(int(seconds * 1000))
            self.blockSignals(False)

    def seconds_at(self, x: int) -> float:
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
        )
        span = max(1, groove.width() - handle.width())
        value = QStyle.sliderValueFromPosition(
            self.minimum(), self.maximum(), x - groove.x() - handle.width() // 2, span
        )
        return value / 1000

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > 0:
            seconds = self.seconds_at(int(event.position().x()))
            self.setValue(int(seconds * 1000))
            self.seekRequested.emit(seconds)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self.maximum() <= 0:
            return
        seconds = self.seconds_at(int(event.position().x()))
        pixmap = self.preview(seconds) if self.preview is not None else None
        self._popup.show_at(event.globalPosition().toPoint(), seconds, pixmap)

    def leaveEvent(self, event: object) -> None:
        self._popup.hide()
        super().leaveEvent(event)  # type: ignore[arg-type]

    def _released(self) -> None:
        self._dragging = False
        self.seekRequested.emit(self.value() / 1000)
