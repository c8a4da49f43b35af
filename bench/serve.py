"""Serving and upload benchmarks for the built-in server, against baselines run here.

1. Segments: wrk fetches 1.5 MB HLS segments over loopback at 64 and 200 connections
   from ``mediadesk serve`` and from nginx (Debian's nginx-light, started by this script)
   serving the same files. Prints requests/s, p99 latency and errors, and our/nginx.
2. Upload: a large MPEG-TS file (made by concatenating a real segment, so the import
   accepts it) is PUT through the API with curl, and compared with a local copy of the
   same file (copy + fsync, which is what an upload must do too). Reports the server's
   peak RSS (VmHWM) before and after.

With ``--baseline REF`` (e.g. ``main``) a second MediaDesk server runs that revision's
code (``git archive`` of it, first on PYTHONPATH) beside ours, on its own home with the
same segment files (hard links), and every measurement runs on both, interleaved:
before and after in one run.

    .venv/bin/python -m bench.serve [--seconds 10] [--upload-gb 5] [--backend granian]
    .venv/bin/python -m bench.serve --baseline main          # ours against main
    .venv/bin/python -m bench.serve --skip-upload --backend uvicorn   # the alternative
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Safe to import although this script's directory (with bench/queue.py) comes first on
# sys.path: netutil imports nothing that imports the standard library's queue.
from bench.baseline import export_tree
from mediadesk.netutil import free_port, wait_for_port

SEGMENTS = 16


def seed_segment(work: Path) -> bytes:
    """A few seconds of real MPEG-TS (one short encode)."""
    seed = work / "seed.ts"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
         "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "3M", "-f", "mpegts",
         str(seed)],
        check=True,
    )  # fmt: skip
    return seed.read_bytes()


def register_media(port: int, token: str, seed: bytes) -> str:
    """A real media row to hang the segments on: servers only serve live media files."""
    done = subprocess.run(
        ["curl", "-sS", "-f", "-X", "PUT", "--data-binary", "@-", "-H",
         f"Authorization: Bearer {token}", f"http://127.0.0.1:{port}/api/v1/uploads/seed.ts"],
        input=seed, capture_output=True, check=True,
    )  # fmt: skip
    return str(json.loads(done.stdout)["media"]["id"])


def make_segments(storage: Path, media_id: str, seed: bytes, size: int) -> list[str]:
    """Real MPEG-TS bytes, ``size`` each (repeated packets of the seed)."""
    data = (seed * (size // len(seed) + 1))[: size - size % 188]
    rung = storage / "hls" / media_id / "r0"
    rung.mkdir(parents=True)
    names = []
    for i in range(SEGMENTS):
        (rung / f"seg_{i:03d}.ts").write_bytes(data)
        names.append(f"/stream/hls/{media_id}/r0/seg_{i:03d}.ts")
    return names


def link_segments(src: Path, storage: Path, media_id: str) -> list[str]:
    """The same files (hard links) under another server's storage and media id."""
    rung = storage / "hls" / media_id / "r0"
    rung.mkdir(parents=True)
    names = []
    for path in sorted(src.iterdir()):
        os.link(path, rung / path.name)
        names.append(f"/stream/hls/{media_id}/r0/{path.name}")
    return names


def wrk(
    port: int, paths: list[str], connections: int, seconds: int, work: Path
) -> dict[str, float]:
    script = work / "paths.lua"
    listed = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{listed}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\nend\n"
    )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert p99 is not None, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "errors": errors}


def start_nginx(root: Path, work: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    prefix = work / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""worker_processes auto;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  types {{ video/mp2t ts; application/vnd.apple.mpegurl m3u8; }}
  server {{
    listen 127.0.0.1:{port};
    location /stream/hls/ {{ alias {root}/hls/; }}
  }}
}}
"""
    )
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(prefix)])
    wait_for_port(port)
    return proc, port


@dataclass
class Served:
    name: str
    proc: subprocess.Popen[str]
    port: int
    token: str
    home: Path
    paths: list[str] = field(default_factory=list)


def start_mediadesk(name: str, home: Path, backend: str, tree: Path | None = None) -> Served:
    port = free_port()
    env = {
        **os.environ,
        "MEDIADESK_HOME": str(home),
        "MEDIADESK_SERVER_BACKEND": backend,
        "MEDIADESK_LOG_LEVEL": "WARNING",
        "MEDIADESK_SERVER_RATE_LIMIT": "1000",
        # Only probe the seed: an HLS job would replace the benchmark's rung.
        "MEDIADESK_PIPELINE_VIDEO": '["probe"]',
    }
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mediadesk", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, text=True, cwd=tree or None,
    )  # fmt: skip
    assert proc.stdout is not None
    token = ""
    deadline = time.monotonic() + 60
    while not token and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if m := re.search(r"token \(new[^)]*\): (\S+)", line):
            token = m.group(1)
    wait_for_port(port)
    return Served(name, proc, port, token, home)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm_hwm_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kib = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
    return kib / 1024


def make_big_ts(path: Path, gib: float, segment: Path) -> None:
    chunk = segment.read_bytes() * 32
    target = int(gib * 1024**3)
    with path.open("wb") as fh:
        written = 0
        while written < target:
            fh.write(chunk)
            written += len(chunk)


def timed_copy(src: Path, dst: Path) -> float:
    started = time.perf_counter()
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    return time.perf_counter() - started


def upload_once(served: Served, big: Path, n: int, form: bool) -> float:
    base = f"http://127.0.0.1:{served.port}"
    how = ["-F", f"file=@{big}", f"{base}/media/upload"] if form else [
        "-T", str(big), f"{base}/api/v1/uploads/big{n}.ts"
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        ["curl", "-sS", "-f", "-H", f"Authorization: Bearer {served.token}", "-o", "/dev/null",
         *how],
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{served.name}: upload failed: curl exit {done.returncode}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--segment-kb", type=int, default=1500, help="segment size (1500: a 2 Mbit/s 6 s one)"
    )
    parser.add_argument("--upload-gb", type=float, default=5.0)
    parser.add_argument("--backend", choices=["granian", "uvicorn"], default="granian")
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument("--skip-segments", action="store_true")
    parser.add_argument("--baseline", default=None, help="git revision to run beside ours")
    parser.add_argument("--rounds", type=int, default=2, help="upload rounds (best of)")
    parser.add_argument("--repeat", type=int, default=1, help="segment rounds (best of)")
    parser.add_argument("--dir", type=Path, default=None, help="work directory (default: tmp)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mediadesk-bench-", dir=args.dir))
    work.chmod(0o755)  # nginx's workers run as another user when started by root
    segment_bytes = args.segment_kb * 1000
    seed = seed_segment(work)
    procs: list[subprocess.Popen[bytes] | subprocess.Popen[str]] = []
    try:
        ours = start_mediadesk("ours", work / "home", args.backend)
        procs.append(ours.proc)
        servers = [ours]
        if args.baseline:
            tree = export_tree(args.baseline, work)
            base = start_mediadesk(args.baseline, work / "home-base", args.backend, tree)
            procs.append(base.proc)
            servers.insert(0, base)
        storage = ours.home / "media"
        ours_id = register_media(ours.port, ours.token, seed)
        ours.paths = make_segments(storage, ours_id, seed, segment_bytes)
        rung = storage / "hls" / ours_id / "r0"
        for other in servers[:-1]:
            other_id = register_media(other.port, other.token, seed)
            other.paths = link_segments(rung, other.home / "media", other_id)
        nginx, nginx_port = start_nginx(storage, work)
        procs.append(nginx)
        print(f"segments: {SEGMENTS} x {segment_bytes / 1e6:.2f} MB, wrk -t2 {args.seconds}s each")
        print(f"{'conns':>5} {'server':>12} {'req/s':>9} {'p99 ms':>8} {'errors':>6}  ratio")
        best: dict[tuple[int, str], float] = {}
        cpu_us: dict[tuple[int, str], list[float]] = {}
        for _repeat in range(0 if args.skip_segments else args.repeat):
            for conns in (64, 200):
                nginx_result = wrk(nginx_port, ours.paths, conns, args.seconds, work)
                print(
                    f"{conns:>5} {'nginx':>12} {nginx_result['rps']:>9.0f} "
                    f"{nginx_result['p99_ms']:>8.1f} {nginx_result['errors']:>6.0f}"
                )
                # Alternate who goes first: the load of a shared machine drifts.
                for served in servers if _repeat % 2 == 0 else servers[::-1]:
                    cpu_before = cpu_s(served.proc.pid)
                    got = wrk(served.port, served.paths, conns, args.seconds, work)
                    served_rps = got["rps"]
                    # CPU per request: steadier than req/s on a machine shared with others.
                    per_request = (cpu_s(served.proc.pid) - cpu_before) / (
                        served_rps * args.seconds
                    )
                    key = (conns, served.name)
                    best[key] = max(best.get(key, 0.0), served_rps)
                    cpu_us.setdefault(key, []).append(per_request * 1e6)
                    print(
                        f"{conns:>5} {served.name:>12} {served_rps:>9.0f} {got['p99_ms']:>8.1f} "
                        f"{got['errors']:>6.0f}  {served_rps / nginx_result['rps']:.2f}x nginx"
                        f"  {per_request * 1e6:.0f} us CPU/request"
                    )
        if args.baseline and best:
            print(f"best of {args.repeat}, ours / {args.baseline} (req/s; median CPU/request):")
            for conns in (64, 200):
                theirs, mine = best[(conns, args.baseline)], best[(conns, "ours")]
                their_cpu = statistics.median(cpu_us[(conns, args.baseline)])
                my_cpu = statistics.median(cpu_us[(conns, "ours")])
                print(
                    f"{conns:>5} {theirs:>9.0f} -> {mine:>9.0f} req/s  {mine / theirs:.3f}x;"
                    f"  {their_cpu:.0f} -> {my_cpu:.0f} us  {my_cpu / their_cpu:.3f}x"
                )
        if not args.skip_upload:
            big = work / "big.ts"
            make_big_ts(big, args.upload_gb, rung / "seg_000.ts")
            size = big.stat().st_size
            rss_before = {s.name: vm_hwm_mib(s.proc.pid) for s in servers}
            # The disk is shared and noisy: alternate copy and uploads, keep the best of each.
            copies: list[float] = []
            kinds = ("PUT", "multipart")
            uploads: dict[tuple[str, str], list[float]] = {}
            for n in range(args.rounds):
                copies.append(timed_copy(big, work / "copy.ts"))
                (work / "copy.ts").unlink()
                for kind in kinds:
                    for served in servers:
                        # A duplicate after the first: same bytes, same work on the wire.
                        took = upload_once(served, big, n, form=kind == "multipart")
                        uploads.setdefault((kind, served.name), []).append(took)
            copy_s = min(copies)
            gib = size / 1024**3
            print(f"upload: {gib:.2f} GiB, best of {args.rounds} each")
            print(f"  local copy+fsync       {copy_s:6.1f} s  {size / copy_s / 1e6:7.0f} MB/s")
            for kind in kinds:
                for served in servers:
                    upload_s = min(uploads[(kind, served.name)])
                    print(
                        f"  {kind:>9} to {served.name:<9} {upload_s:6.1f} s"
                        f"  {size / upload_s / 1e6:7.0f} MB/s"
                        f"  ({copy_s / upload_s:.2f}x the copy's throughput)"
                    )
            for served in servers:
                print(
                    f"  {served.name} peak RSS {rss_before[served.name]:.0f} MiB before the"
                    f" uploads, {vm_hwm_mib(served.proc.pid):.0f} MiB after"
                )
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
