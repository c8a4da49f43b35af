"""Seek-bar thumbnails from a media file's trickplay artifacts (WebVTT + sprites).

The index and each sprite sheet are read off the GUI thread on first need; ``at``
answers from what is loaded and returns ``None`` until then (the popup shows the
time alone for a moment).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect
from PySide6.QtGui import QImage, QPixmap

from mediadesk.domain.enums import ArtifactKind
from mediadesk.domain.trickplay import TrickplayIndex, parse_vtt
from mediadesk.library.views import MediaFileView
from mediadesk.storage.base import Storage
from ui.tasks import TaskRunner

MAX_SPRITES = 16


def find_vtt_key(storage: Storage, media: MediaFileView) -> str | None:
    keys = [a.storage_key for a in media.artifacts or [] if a.kind == ArtifactKind.TRICKPLAY]
    for key in keys:
        if key.endswith(".vtt"):
            return key
    for key in keys:  # an artifact may name the directory instead
        for obj in storage.list(key.rstrip("/") + "/"):
            if obj.key.endswith(".vtt"):
                return obj.key
    return None


def load_index(storage: Storage, media: MediaFileView) -> TrickplayIndex | None:
    key = find_vtt_key(storage, media)
    if key is None:
        return None
    with storage.open_read(key) as fh:
        text = fh.read().decode("utf-8", "replace")
    base = key.rsplit("/", 1)[0] if "/" in key else ""
    return TrickplayIndex(parse_vtt(text), base)


def load_sprite(storage: Storage, key: str) -> QImage | None:
    with storage.open_read(key) as fh:
        image = QImage.fromData(fh.read())
    return None if image.isNull() else image


class TrickplayPreviews(QObject):
    def __init__(self, storage: Storage, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.storage = storage
        self.tasks = tasks
        self.media_id: str | None = None
        self.index: TrickplayIndex | None = None
        self._sprites: dict[str, QImage] = {}
        self._loading: set[str] = set()

    def load(self, media: MediaFileView) -> None:
        self.media_id, self.index = media.id, None
        self._sprites.clear()
        self._loading.clear()
        storage = self.storage
        self.tasks.run(
            lambda: load_index(storage, media),
            lambda index: self._indexed(media.id, index),
            lambda _exc: None,  # no thumbnails is not an error worth a message
            owner=self,
        )

    def _indexed(self, media_id: str, index: TrickplayIndex | None) -> None:
        if media_id == self.media_id:
            self.index = index

    def at(self, seconds: float) -> QPixmap | None:
        if self.index is None:
            return None
        cue = self.index.at(seconds)
        if cue is None:
            return None
        key = self.index.image_key(cue)
        sprite = self._sprites.get(key)
        if sprite is None:
            self._request(key)
            return None
        return QPixmap.fromImage(sprite.copy(QRect(cue.x, cue.y, cue.w, cue.h)))

    def _request(self, key: str) -> None:
        if key in self._loading:
            return
        self._loading.add(key)
        media_id, storage = self.media_id, self.storage

        def done(image: QImage | None) -> None:
            self._loading.discard(key)
            if image is not None and media_id == self.media_id:
                if len(self._sprites) >= MAX_SPRITES:
                    self._sprites.pop(next(iter(self._sprites)))
                self._sprites[key] = image

        self.tasks.run(lambda: load_sprite(storage, key), done, lambda _e: None, owner=self)
