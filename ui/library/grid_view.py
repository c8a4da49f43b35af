"""The poster grid: a uniform-size icon view painted by one delegate."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import episode_code
from mediadesk.library.views import MediaFileView
from ui.format import duration
from ui.library.media_model import POSTER_ROLE, VIEW_ROLE
from ui.library.thumbnails import POSTER_GROUND, draw_placeholder

CARD = QSize(184, 174)
POSTER = QSize(168, 95)
STATUS_COLORS = {
    "UPLOADED": QColor("#8a8f98"),
    "PROCESSING": QColor("#2f80ed"),
    "READY": QColor("#27ae60"),
    "FAILED": QColor("#eb5757"),
    "MISSING": QColor("#f2994a"),
    "DAMAGED": QColor("#9b2c2c"),
}


class PosterDelegate(QStyledItemDelegate):
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return CARD

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        media: MediaFileView | None = index.data(VIEW_ROLE)
        rect = option.rect.adjusted(4, 4, -4, -4)
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.highlight() if selected else palette.alternateBase())
        painter.drawRoundedRect(rect, 6, 6)

        poster_rect = QRect(
            rect.left() + (rect.width() - POSTER.width()) // 2,
            rect.top() + 6,
            POSTER.width(),
            POSTER.height(),
        )
        painter.setBrush(POSTER_GROUND)
        painter.drawRect(poster_rect)
        pixmap: QPixmap | None = index.data(POSTER_ROLE)
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.scaled(
                poster_rect.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            x = poster_rect.left() + (poster_rect.width() - scaled.width()) // 2
            y = poster_rect.top() + (poster_rect.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        elif media is not None:
            draw_placeholder(painter, poster_rect, str(media.kind))

        if media is not None:
            self._progress(painter, poster_rect, media)
            self._caption(painter, rect, poster_rect, media, palette, selected)
        painter.restore()

    def _progress(self, painter: QPainter, poster_rect: QRect, media: MediaFileView) -> None:
        """Where playback stopped, as a thin bar along the poster's foot (as Jellyfin)."""
        played = media.playback
        if played is None or not played.position_s or not media.duration_seconds:
            return
        fraction = min(1.0, played.position_s / media.duration_seconds)
        bar = QRect(poster_rect.left(), poster_rect.bottom() - 3, poster_rect.width(), 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 160))
        painter.drawRect(bar)
        painter.setBrush(QColor("#2f80ed"))
        painter.drawRect(QRect(bar.left(), bar.top(), int(bar.width() * fraction), bar.height()))

    def _caption(
        self,
        painter: QPainter,
        rect: QRect,
        poster_rect: QRect,
        media: MediaFileView,
        palette: QPalette,
        selected: bool,
    ) -> None:
        text_color = palette.highlightedText().color() if selected else palette.text().color()
        muted = text_color if selected else palette.placeholderText().color()
        name, under = caption_lines(media)
        left, width = rect.left() + 8, rect.width() - 16
        name_rect = QRect(left, poster_rect.bottom() + 5, width, 18)
        painter.setPen(text_color)
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, width),
        )
        small = QFont(painter.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() - 1.5))
        painter.setFont(small)
        under_rect = QRect(left, name_rect.bottom() + 1, width, 16)
        painter.setPen(muted)
        painter.drawText(
            under_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(under, Qt.TextElideMode.ElideRight, width),
        )

        status = media.state  # Missing and Damaged before how far processing got
        dot = QRect(left, under_rect.bottom() + 6, 8, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(STATUS_COLORS.get(status, QColor("gray")))
        painter.drawEllipse(dot)
        painter.setPen(text_color)
        info_rect = QRect(dot.right() + 6, under_rect.bottom(), width - 14, 18)
        info = words.media_status(status)
        played = media.playback
        if played is not None and played.watched:
            info += f" · {words.finished_label(media.kind)}"
        if media.duration_seconds:
            info += f" · {duration(media.duration_seconds)}"
        painter.drawText(
            info_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, info
        )


def caption_lines(media: MediaFileView) -> tuple[str, str]:
    """A tile's two lines: what it is, then what it belongs to (or what kind of file)."""
    ref = media.catalogue
    if ref is not None and ref.kind == "episode" and ref.season is not None:
        code = episode_code(ref.season, ref.episode or 0, ref.end_episode)
        return (f"{code} · {ref.title}" if ref.title else code), ref.series_title or ""
    if ref is not None and ref.kind == "movie":
        return ref.title or media.display_title, f"Movie · {ref.year}" if ref.year else "Movie"
    if media.song is not None:  # as music players show a song: its title over its artist
        return media.song.title, media.song.artist or words.media_kind(media.kind)
    return media.display_title, words.media_kind(media.kind)


class PosterGrid(QListView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("posterGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setUniformItemSizes(True)
        self.setGridSize(CARD)
        self.setWrapping(True)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setItemDelegate(PosterDelegate(self))
