#!/usr/bin/env python3
"""Fetch pinned JavaScript (hls.js, Shaka Player) from the npm registry, verified.

Versions and sha512 integrity values are pinned in ``scripts/vendor.json`` (the same
``dist.integrity`` the registry publishes). The tarball is checked before anything is
unpacked, and only the listed files are written. Each pin says where its files go:
``"dest": "web"`` is what the product serves (``mediadesk/server/web/vendor/``, hls.js
for the web player); ``"dest": "tests"`` is for the test suite only
(``tests/vendor/``, Shaka Player, a second real client of the HLS), so the app neither
ships nor needs it. Both folders are ignored by git. No node or npm is needed.
Idempotent: a file whose recorded integrity matches is left alone.

    python scripts/fetch_vendor.py              # fetch what is missing
    python scripts/fetch_vendor.py --dest web   # only what the app needs (make run)
    python scripts/fetch_vendor.py --force      # fetch again
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "scripts" / "vendor.json"
DESTS = {
    "web": ROOT / "mediadesk" / "server" / "web" / "vendor",
    "tests": ROOT / "tests" / "vendor",
}
STAMP_NAME = ".integrity.json"
MAX_BYTES = 50 * 1024 * 1024


def check_integrity(data: bytes, integrity: str) -> None:
    algo, _, expected = integrity.partition("-")
    if algo != "sha512":
        raise SystemExit(f"fetch_vendor: unsupported integrity algorithm {algo!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"fetch_vendor: integrity mismatch: expected {expected}, got {actual}")


def download(url: str) -> bytes:
    if not url.startswith("https://registry.npmjs.org/"):
        raise SystemExit(f"fetch_vendor: refusing to download from {url}")
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - https, pinned
        data: bytes = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SystemExit(f"fetch_vendor: {url} is larger than expected")
    return data


def unpack(data: bytes, files: dict[str, str], dest: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member_name, target in files.items():
            member = tar.getmember(member_name)
            if not member.isfile():
                raise SystemExit(f"fetch_vendor: {member_name} is not a regular file")
            if Path(target).name != target:
                raise SystemExit(f"fetch_vendor: {target} must be a plain file name")
            source = tar.extractfile(member)
            assert source is not None
            out = dest / target
            tmp = out.with_suffix(out.suffix + ".tmp")
            tmp.write_bytes(source.read())
            tmp.replace(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true")
    parser.add_argument(
        "--dest", action="append", choices=sorted(DESTS), help="only these destinations"
    )
    args = parser.parse_args()
    pins = json.loads(PINS.read_text())
    wanted = set(args.dest or DESTS)
    for name, pin in pins.items():
        kind = pin.get("dest", "web")
        if kind not in DESTS:
            raise SystemExit(f"fetch_vendor: {name} has an unknown dest {kind!r}")
        if kind not in wanted:
            continue
        dest = DESTS[kind]
        dest.mkdir(parents=True, exist_ok=True)
        stamp_path = dest / STAMP_NAME
        stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
        present = all((dest / t).is_file() for t in pin["files"].values())
        if present and stamp.get(name) == pin["integrity"] and not args.force:
            continue
        print(f"fetch_vendor: {name} {pin['version']}", flush=True)
        data = download(pin["tarball"])
        check_integrity(data, pin["integrity"])
        unpack(data, pin["files"], dest)
        stamp[name] = pin["integrity"]
        stamp_path.write_text(json.dumps(stamp, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
