"""Watching library folders: changes picked up within seconds, files imported complete.

One thread per watched folder runs ``watchfiles.watch``: inotify where the kernel
sees the changes, polling where it cannot (NFS, SMB and other network filesystems,
whose changes made by other machines never reach inotify: ``watch_mode = "poll"``, or
``"auto"`` on a network filesystem). A changed path is not scanned at once: it
*settles* first. Its size and mtime are read every half second, and only once they
have not changed for ``folder_settle_seconds`` is the directory scanned, with the paths
still settling held out of that scan; so a 20 GB copy into the folder is read once,
when it is complete, and never half-written.

The app and ``serve`` watch (the process holding the library lock); workers do not.
At start each watched folder is scanned once, for what changed while nobody watched.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from mediadesk.library.db import NETWORK_FILESYSTEMS, filesystem_type
from mediadesk.library.folder_views import FolderView
from mediadesk.services.folders import FolderService
from mediadesk.settings import Settings

log = logging.getLogger(__name__)

TICK_S = 0.5  # how often settling paths are looked at
REFRESH_S = 5.0  # how often the list of watched folders is read again


def uses_polling(path: str, mode: str) -> bool:
    """Whether a folder must be polled: asked for, or on a network filesystem."""
    if mode == "poll":
        return True
    if mode == "notify":
        return False
    return filesystem_type(Path(path)) in NETWORK_FILESYSTEMS


@dataclass
class Settling:
    """Paths (relative to the folder) that changed, waiting to be stable."""

    settle_s: float
    paths: dict[str, tuple[tuple[int, int] | None, float]] = field(default_factory=dict)

    def touch(self, rel: str, now: float) -> None:
        self.paths[rel] = (None, now)

    def ready(self, root: Path, now: float) -> tuple[list[str], set[str]]:
        """The paths stable for the settle time (taken out), and those still settling."""
        done: list[str] = []
        for rel, (ident, since) in list(self.paths.items()):
            try:
                st = (root / rel).stat(follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                done.append(rel)  # gone: nothing to wait for
                continue
            except OSError:
                continue
            current = (st.st_size, st.st_mtime_ns)
            if current != ident:
                self.paths[rel] = (current, now)
            elif now - since >= self.settle_s:
                done.append(rel)
        for rel in done:
            del self.paths[rel]
        return done, set(self.paths)


def common_dir(rels: list[str]) -> str | None:
    """The deepest directory holding every path (``None``: the folder itself)."""
    parents = [PurePosixPath(r).parent.parts for r in rels]
    common: list[str] = []
    for parts in zip(*parents, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) or None


class FolderWatch:
    """One watched folder: its watchfiles loop and its settling paths."""

    def __init__(self, folders: FolderService, folder: FolderView, settings: Settings) -> None:
        self.folders = folders
        self.folder = folder
        self.root = Path(folder.path)
        self.poll = uses_polling(folder.path, folder.watch_mode)
        self.settling = Settling(settings.folder_settle_seconds)
        self.poll_ms = int(settings.folder_poll_interval * 1000)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"watch {folder.path}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()

    def join(self, timeout: float) -> None:
        self.thread.join(timeout)

    def _run(self) -> None:
        import watchfiles  # the Rust extension loads here, only when something is watched

        first = True
        while not self.stop_event.is_set():
            try:
                for changes in watchfiles.watch(
                    self.root,
                    stop_event=self.stop_event,
                    force_polling=self.poll,
                    poll_delay_ms=self.poll_ms,
                    debounce=200,
                    step=50,
                    rust_timeout=int(TICK_S * 1000),
                    yield_on_timeout=True,
                    raise_interrupt=False,
                ):
                    if first:
                        # What changed while nobody watched: scanned once the watch is
                        # in place (its first tick), so nothing falls in between.
                        first = False
                        self._scan(None, set())
                    now = time.monotonic()
                    for _, path in changes:
                        rel = os.path.relpath(path, self.root)
                        if not rel.startswith(".."):
                            self.settling.touch(Path(rel).as_posix(), now)
                    self._settle(now)
            except Exception as exc:  # the folder vanished (unmounted), a watch limit...
                log.warning("watching %s stopped: %s; trying again", self.root, exc)
                self.stop_event.wait(REFRESH_S)

    def _settle(self, now: float) -> None:
        if not self.settling.paths:
            return
        ready, held = self.settling.ready(self.root, now)
        if ready:
            self._scan(common_dir(ready), held)

    def _scan(self, sub: str | None, held: set[str]) -> None:
        try:
            self.folders.scan_one(self.folder.id, sub, hold=held)
        except Exception as exc:
            log.warning("scanning %s failed: %s", self.root, exc)


class FolderWatcher:
    """Every folder with ``watch`` on, kept in step with the list of folders."""

    def __init__(self, folders: FolderService, settings: Settings) -> None:
        self.folders = folders
        self.settings = settings
        self._watches: dict[str, FolderWatch] = {}
        self._stop = threading.Event()
        self._poke = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="folder watcher", daemon=True)
        self._thread.start()

    def refresh(self) -> None:
        """Read the list again now (a folder was added, removed, or its watch changed)."""
        self._poke.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._poke.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        for watch in self._watches.values():
            watch.stop()
        for watch in self._watches.values():
            watch.join(timeout)
        self._watches.clear()
        self.folders.watching.clear()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._sync()
            except Exception as exc:
                log.warning("reading the library folders failed: %s", exc)
            self._poke.wait(REFRESH_S)
            self._poke.clear()

    def _sync(self) -> None:
        wanted = {f.id: f for f in self.folders.list_folders() if f.watch and Path(f.path).is_dir()}
        for folder_id in list(self._watches):
            watch = self._watches[folder_id]
            folder = wanted.get(folder_id)
            if folder is None or folder.watch_mode != watch.folder.watch_mode:
                watch.stop()
                del self._watches[folder_id]
                self.folders.watching.discard(folder_id)
        for folder_id, folder in wanted.items():
            if folder_id not in self._watches and not self._stop.is_set():
                watch = FolderWatch(self.folders, folder, self.settings)
                self._watches[folder_id] = watch
                self.folders.watching.add(folder_id)
                watch.start()
                log.info("watching %s (%s)", folder.path, "polling" if watch.poll else "inotify")
