"""Poster thumbnails for the grid: loaded off the GUI thread, cached as pixmaps.

``get(media_id)`` answers from the cache or starts a load and returns ``None``; when
the image arrives ``ready(media_id)`` fires and the views repaint that row. A media
file with no thumbnail yet is remembered as missing until ``invalidate`` (its jobs
finished, so the poster may exist now).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPixmap

from mediadesk.domain.enums import MediaKind
from mediadesk.engine.stills import THUMBNAIL_NAME
from mediadesk.storage import keys
from mediadesk.storage.base import Storage
from ui.tasks import TaskRunner

MAX_BYTES = 16 * 1024 * 1024  # an original image larger than this gets no preview
THUMB_SIZE = QSize(320, 180)
ROW_ICON = QSize(32, 18)  # the table's picture beside each title
# A poster that is not there (yet): a symbol of what the file is on the poster's dark
# ground, never a blank box, in the grid's tiles and the table's rows alike.
POSTER_GROUND = QColor("#1d1f23")
SYMBOL_COLOR = QColor("#9aa0a6")
KIND_SYMBOLS = {"video": "\u25b6", "audio": "\u266a", "image": "\u25a3"}


def draw_placeholder(
    painter: QPainter, rect: QRect, kind: str, pixel_size: int | None = None
) -> None:
    """The kind's symbol centred in ``rect`` (over a ground the caller painted)."""
    painter.save()
    painter.setPen(SYMBOL_COLOR)
    font = QFont(painter.font())
    if pixel_size is not None:
        font.setPixelSize(pixel_size)
    else:
        font.setPointSizeF(font.pointSizeF() * 2.2)
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, KIND_SYMBOLS.get(kind, "?"))
    painter.restore()


def placeholder_pixmap(kind: str, size: QSize = ROW_ICON) -> QPixmap:
    """A small poster-shaped placeholder (the table's row icon)."""
    pixmap = QPixmap(size)
    pixmap.fill(POSTER_GROUND)
    painter = QPainter(pixmap)
    draw_placeholder(painter, pixmap.rect(), kind, pixel_size=max(8, size.height() * 3 // 4))
    painter.end()
    return pixmap


def framed(picture: QPixmap, size: QSize = ROW_ICON) -> QPixmap:
    """``picture`` whole on the poster's ground, ``size`` wide: a square album cover or a
    portrait photo takes the same room as a film's frame, so the titles beside line up."""
    pixmap = QPixmap(size)
    pixmap.fill(POSTER_GROUND)
    scaled = picture.scaled(
        size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    painter = QPainter(pixmap)
    painter.drawPixmap(
        (size.width() - scaled.width()) // 2, (size.height() - scaled.height()) // 2, scaled
    )
    painter.end()
    return pixmap


def thumbnail_key(media_id: str) -> str:
    return f"{keys.thumbnails_dir(media_id)}/{THUMBNAIL_NAME}"


def _decode(data: bytes, box: QSize) -> QImage | None:
    """Decode (and downscale while decoding, which JPEG does cheaply) in a pool thread."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QBuffer.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > box.width() or size.height() > box.height()):
        reader.setScaledSize(size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def load_thumbnail(
    storage: Storage,
    media_id: str,
    kind: MediaKind,
    original_key: str,
    first: Sequence[str] = (),
) -> QImage | None:
    """The poster thumbnail; for a still image before its variants exist, the image.
    ``first``: keys to try before (the picture chosen for the file's movie)."""
    candidates = [*first, thumbnail_key(media_id)]
    if kind == MediaKind.IMAGE:
        candidates.append(original_key)
    for key in candidates:
        if not storage.exists(key) or storage.size(key) > MAX_BYTES:
            continue
        with storage.open_read(key) as fh:
            image = _decode(fh.read(), THUMB_SIZE)
        if image is not None:
            return image
    return None


class ThumbnailCache(QObject):
    ready = Signal(str)

    def __init__(self, storage: Storage, tasks: TaskRunner, capacity: int = 2000) -> None:
        super().__init__()
        self.storage = storage
        self.tasks = tasks
        self.capacity = capacity
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._missing: set[str] = set()
        self._loading: set[str] = set()
        self._sources: dict[str, tuple[str, ...]] = {}  # the keys each pixmap came from

    def get(
        self, media_id: str, kind: MediaKind, original_key: str, first: Sequence[str] = ()
    ) -> QPixmap | None:
        pixmap = self._pixmaps.get(media_id)
        if pixmap is not None and self._sources.get(media_id) == tuple(first):
            self._pixmaps.move_to_end(media_id)
            return pixmap
        if pixmap is not None:  # the file's movie got another picture
            self.invalidate(media_id)
        if media_id not in self._missing and media_id not in self._loading:
            self._loading.add(media_id)
            self._sources[media_id] = tuple(first)
            keys = tuple(first)
            self.tasks.run(
                lambda: load_thumbnail(self.storage, media_id, kind, original_key, keys),
                lambda image: self._loaded(media_id, image),
                lambda _exc: self._loaded(media_id, None),
                owner=self,
            )
        return None

    def has(self, media_id: str) -> bool:
        return media_id in self._pixmaps

    def invalidate(self, media_id: str) -> None:
        self._missing.discard(media_id)
        self._pixmaps.pop(media_id, None)
        self._sources.pop(media_id, None)

    def _loaded(self, media_id: str, image: QImage | None) -> None:
        self._loading.discard(media_id)
        if image is None:
            self._missing.add(media_id)
            return
        self._pixmaps[media_id] = QPixmap.fromImage(image)
        while len(self._pixmaps) > self.capacity:
            self._pixmaps.popitem(last=False)
        self.ready.emit(media_id)
