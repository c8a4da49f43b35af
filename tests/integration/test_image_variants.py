"""Images through the real pipeline: probe, then WebP variants with EXIF orientation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from tests.pipeline_support import import_and_wait, media_root

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def photo(path: Path, size: tuple[int, int], orientation: int | None = None) -> Path:
    """A JPEG whose left half is red and right half blue, as a camera stores it."""
    img = Image.new("RGB", size, (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    img.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


def test_variants_honour_exif_orientation(running, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Orientation 6: the camera was turned; displaying means rotating 90 degrees clockwise,
    # so the stored left (red) half ends up on top.
    media = import_and_wait(running, photo(tmp_path / "turned.jpg", (1600, 1200), 6))
    assert media.status == MediaStatus.READY, media.error_message
    out = media_root(running) / "images" / media.id
    sizes = {}
    for name in ("1200.webp", "600.webp", "150.webp"):
        with Image.open(out / name) as img:
            assert img.format == "WEBP"
            sizes[name] = img.size
            rgb = img.convert("RGB")
            top, bottom = (
                rgb.getpixel((img.width // 2, 2)),
                rgb.getpixel((img.width // 2, img.height - 3)),
            )
            assert top[0] > 200 and top[2] < 60, top  # red on top
            assert bottom[2] > 200 and bottom[0] < 60, bottom
    assert sizes == {"1200.webp": (900, 1200), "600.webp": (450, 600), "150.webp": (112, 150)}
    variants = [a for a in media.artifacts if a.kind == ArtifactKind.IMAGE_VARIANT]
    assert sorted(a.params["size"] for a in variants) == [150, 600, 1200]
    assert {a.preset_id for a in variants} == {"images/webp_v1"}


def test_small_image_is_never_upscaled(running, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    media = import_and_wait(running, photo(tmp_path / "small.jpg", (400, 300)))
    assert media.status == MediaStatus.READY, media.error_message
    out = media_root(running) / "images" / media.id
    with Image.open(out / "1200.webp") as big, Image.open(out / "150.webp") as small:
        assert big.size == (400, 300) and small.size == (150, 112)


def test_png_with_transparency_keeps_alpha(running, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "logo.png"
    img = Image.new("RGBA", (800, 400), (0, 0, 0, 0))
    img.paste((0, 200, 0, 255), (200, 100, 600, 300))
    img.save(src)
    media = import_and_wait(running, src)
    assert media.status == MediaStatus.READY, media.error_message
    with Image.open(media_root(running) / "images" / media.id / "600.webp") as out:
        assert out.mode == "RGBA" and out.size == (600, 300)
        assert out.getpixel((2, 2))[3] == 0 and out.getpixel((300, 150))[3] == 255
