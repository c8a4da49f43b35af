"""Check that an image output really decodes (Pillow reads the whole file)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from mediadesk.errors import VerificationFailed


def image_size(path: Path) -> tuple[int, int]:
    try:
        with Image.open(path) as img:
            img.load()
            return int(img.width), int(img.height)
    except (OSError, UnidentifiedImageError) as exc:
        raise VerificationFailed(f"{path.name} does not decode: {exc}") from exc
