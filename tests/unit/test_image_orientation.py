"""Every EXIF orientation ends upright, the same as Pillow's exif_transpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageOps

from mediadesk.engine.images import ImageVariantsPreset, make_variants
from mediadesk.engine.sniff import JPEG

QUADRANTS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]


def camera_jpeg(path: Path, orientation: int) -> Path:
    img = Image.new("RGB", (160, 80))
    w, h = img.size
    for i, color in enumerate(QUADRANTS):
        x, y = (i % 2) * w // 2, (i // 2) * h // 2
        img.paste(color, (x, y, x + w // 2, y + h // 2))
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def corners(img: Image.Image) -> list[int]:
    """Which quadrant colour sits in each corner (top-left, top-right, ...)."""
    rgb = img.convert("RGB")
    w, h = rgb.size
    found = []
    for x, y in (
        (w // 8, h // 8),
        (w * 7 // 8, h // 8),
        (w // 8, h * 7 // 8),
        (w * 7 // 8, h * 7 // 8),
    ):
        pixel = rgb.getpixel((x, y))
        found.append(
            min(
                range(4),
                key=lambda i: sum(abs(a - b) for a, b in zip(pixel, QUADRANTS[i], strict=True)),
            )
        )
    return found


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation(tmp_path: Path, orientation: int) -> None:
    src = camera_jpeg(tmp_path / "in.jpg", orientation)
    preset = ImageVariantsPreset(version=1, sizes=[120, 40])
    big, small = make_variants(src, JPEG, preset, tmp_path / "out")
    with Image.open(src) as img:
        upright = ImageOps.exif_transpose(img)
    expected_size = (120, 60) if upright.width > upright.height else (60, 120)
    with Image.open(big.path) as out:
        assert out.size == expected_size == (big.width, big.height)
        assert corners(out) == corners(upright)
    assert max(small.width, small.height) == 40
