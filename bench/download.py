"""URL download throughput on loopback: MediaDesk's guarded, pinned downloader against
a bare one measured in the same run.

The baseline is what any download into the library must do at the least: one
``http.client`` GET, 1 MiB reads, SHA-256 and a write per chunk, fsync. Ours adds the
single resolution and address check, the socket we connect ourselves, ``read1`` reads
(so the guard sees every byte), the guard thread and progress callbacks. Runs alternate
and the median of each is compared.

    .venv/bin/python bench/download.py [--mib 256] [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

from mediadesk.handlers.download import FetchLimits, download

CHUNK = 1024 * 1024


def serve(path: Path) -> tuple[socket.socket, int]:
    """A loopback server that answers every GET with the file (sendfile: not the bottleneck)."""
    listener = socket.create_server(("127.0.0.1", 0))
    size = path.stat().st_size

    def handle(conn: socket.socket) -> None:
        with conn, path.open("rb") as fh:
            while b"\r\n\r\n" not in conn.recv(65536):
                pass
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
            conn.sendfile(fh)

    def loop() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return listener, listener.getsockname()[1]


def bare(port: int, out: Path) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/big.bin")
    response = conn.getresponse()
    digest = hashlib.sha256()
    with out.open("wb") as fh:
        while chunk := response.read(CHUNK):
            digest.update(chunk)
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    conn.close()
    elapsed = time.perf_counter() - start
    out.unlink()
    return elapsed


def ours(port: int, staging: Path) -> float:
    limits = FetchLimits(
        max_bytes=1 << 40, timeout_s=3600, max_redirects=0, allow_private=True, min_rate=10_000
    )
    seen = [0]
    start = time.perf_counter()
    fetched = download(
        f"http://127.0.0.1:{port}/big.bin",
        staging,
        limits,
        progress=lambda done, _total: seen.__setitem__(0, done),
    )
    elapsed = time.perf_counter() - start
    fetched.staged.path.unlink()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "big.bin"
        with source.open("wb") as fh:
            block = os.urandom(CHUNK)
            for _ in range(args.mib):
                fh.write(block)
        listener, port = serve(source)
        staging = root / "staging"
        times: dict[str, list[float]] = {"bare": [], "ours": []}
        for _ in range(args.runs):
            times["bare"].append(bare(port, root / "bare.out"))
            times["ours"].append(ours(port, staging))
        listener.close()
    size = args.mib * CHUNK
    base, mine = statistics.median(times["bare"]), statistics.median(times["ours"])
    print(f"{args.mib} MiB over loopback, median of {args.runs} runs")
    print(f"  baseline (http.client, sha256, write, fsync): {size / base / 1e6:7.1f} MB/s")
    print(f"  MediaDesk download (pinned, guarded):         {size / mine / 1e6:7.1f} MB/s")
    print(f"  ratio: {base / mine:.2f}x the baseline's speed")


if __name__ == "__main__":
    main()
