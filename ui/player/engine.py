"""mpv behind a small Qt interface: load, pause, seek, volume, quality, state.

libmpv is loaded on first use; when it is missing, :func:`load_mpv` raises
:class:`PlayerUnavailable` with the reason and the app goes on without a player.
State is polled a few times a second (one timer, not a signal per frame); mpv's
events (file loaded, ended, failed) arrive on its thread and are re-emitted as
queued Qt signals.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from mediadesk.domain.vocabulary import rung_label

log = logging.getLogger(__name__)

POLL_MS = 200
OBSERVED = (
    "idle-active",
    "time-pos",
    "duration",
    "pause",
    "volume",
    "mute",
    "track-list",
    "vid",
    "aid",
    "sid",
    "eof-reached",
)


class PlayerUnavailable(Exception):
    """libmpv could not be loaded; the message says why and what to install."""


def load_mpv() -> ModuleType:
    try:
        import mpv
    except (OSError, ImportError, AttributeError) as exc:
        raise PlayerUnavailable(
            f"libmpv could not be loaded ({exc}). Install libmpv (Debian: apt install libmpv2)."
        ) from exc
    return mpv  # type: ignore[no-any-return]  # python-mpv ships no type information


@dataclass(frozen=True)
class VideoTrack:
    id: int
    width: int | None
    height: int | None
    bitrate: int | None  # the HLS variant's bandwidth, when mpv knows it

    @property
    def label(self) -> str:
        parts = [rung_label(self.width, self.height) or f"track {self.id}"]
        if self.bitrate:
            parts.append(f"{self.bitrate // 1000} kb/s")
        return " · ".join(parts)


@dataclass(frozen=True)
class MediaTrack:
    """An audio or subtitle track as mpv lists it."""

    id: int
    kind: str  # audio, sub
    lang: str | None
    title: str | None
    channels: int | None
    external: bool


@dataclass(frozen=True)
class PlayerState:
    loaded: bool = False
    position: float = 0.0
    duration: float | None = None
    paused: bool = False
    volume: float = 100.0
    muted: bool = False
    tracks: list[VideoTrack] = field(default_factory=list)
    video_track: int | None = None
    auto_quality: bool = True
    eof: bool = False
    audio_tracks: list[MediaTrack] = field(default_factory=list)
    subtitle_tracks: list[MediaTrack] = field(default_factory=list)
    audio_track: int | None = None
    subtitle_track: int | None = None


def video_tracks(track_list: list[dict[str, Any]] | None) -> list[VideoTrack]:
    out = []
    for t in track_list or []:
        if t.get("type") != "video" or t.get("albumart") or t.get("image"):
            continue
        bitrate = t.get("hls-bitrate") or t.get("demux-bitrate")
        out.append(
            VideoTrack(
                id=int(t["id"]),
                width=t.get("demux-w"),
                height=t.get("demux-h"),
                bitrate=int(bitrate) if bitrate else None,
            )
        )
    return sorted(out, key=lambda v: (v.height or 0, v.bitrate or 0), reverse=True)


def media_tracks(track_list: list[dict[str, Any]] | None, kind: str) -> list[MediaTrack]:
    return [
        MediaTrack(
            id=int(t["id"]),
            kind=kind,
            lang=t.get("lang"),
            title=t.get("title"),
            channels=t.get("demux-channel-count"),
            external=bool(t.get("external")),
        )
        for t in track_list or []
        if t.get("type") == kind
    ]


def _track_id(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class MpvEngine(QObject):
    stateChanged = Signal(object)  # PlayerState
    fileLoaded = Signal()
    ended = Signal(str)  # "eof", "error: ..." or "stopped"
    _event = Signal(str, str)  # from mpv's thread: kind, detail

    def __init__(self, render: bool, parent: QObject | None = None) -> None:
        """``render=True`` leaves video to a render context (``vo=libmpv``);
        ``False`` decodes without showing video (``vo=null``: tests, no OpenGL)."""
        super().__init__(parent)
        mpv = load_mpv()
        self.mpv_module = mpv
        self.render = render
        self.player: Any = mpv.MPV(
            vo="libmpv" if render else "null",
            ao="null" if not render else "pulse,alsa,null",
            config=False,
            load_scripts=False,
            input_default_bindings=False,
            input_vo_keyboard=False,
            osc=False,
            ytdl=False,
            hwdec="no",
            keep_open="yes",
            idle="yes",
            log_handler=self._log,
            loglevel="warn",
        )
        self.state = PlayerState()
        self._props: dict[str, Any] = {}
        self._props_lock = threading.Lock()
        self._auto_quality = True
        self._closed = False
        self._start_at = 0.0
        self._last_error = ""
        self._eof_reported = False
        self._event.connect(self._on_event)
        self.player.register_event_callback(self._mpv_event)
        self._observe()
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.poll)

    # Commands ---------------------------------------------------------------------

    def load(self, url: str, start: float = 0.0) -> None:
        self._auto_quality = True
        # Until mpv reports a time, the file is where it was asked to start, not at 0:
        # a resume or a switch of masters saved as 0 otherwise (and the seek bar jumped).
        self._start_at = start
        with self._props_lock:  # the last file's values must not read as this one's
            self._props.update({"idle-active": True, "time-pos": None, "duration": None})
            self._props.update({"eof-reached": False, "track-list": []})
        self._eof_reported = False
        self.poll()
        self.player.loadfile(url, start=f"{start:.3f}" if start else "none")
        self.player.pause = False
        # No polling until mpv says the file is open: reading properties while its core
        # opens a stream waits for it (measured: a 0.23 s stall of the GUI thread).
        self._timer.stop()

    def toggle_pause(self) -> None:
        self.player.pause = not bool(self.player.pause)
        self.poll()

    def set_paused(self, paused: bool) -> None:
        self.player.pause = paused
        self.poll()

    def seek(self, seconds: float, relative: bool = False) -> None:
        if not self.state.loaded:
            return
        self.player.seek(
            seconds, reference="relative" if relative else "absolute", precision="exact"
        )

    def set_volume(self, volume: float) -> None:
        self.player.volume = max(0.0, min(130.0, volume))
        self.poll()

    def toggle_mute(self) -> None:
        self.player.mute = not bool(self.player.mute)
        self.poll()

    def set_quality(self, track_id: int | None) -> None:
        """A fixed HLS rendition, or ``None`` for automatic (mpv picks the best)."""
        self._auto_quality = track_id is None
        self.player.vid = "auto" if track_id is None else track_id
        self.poll()

    def set_audio(self, track_id: int) -> None:
        self.player.aid = track_id
        self.poll()

    def set_subtitle(self, track_id: int | None) -> None:
        """A subtitle track, or ``None`` for none."""
        self.player.sid = "no" if track_id is None else track_id
        self.poll()

    def add_subtitle(self, url: str, title: str, lang: str | None) -> None:
        """A whole-track WebVTT file (mpv skips HLS subtitle renditions), not selected."""
        self.player.command("sub-add", url, "auto", title, lang or "")

    def stop(self) -> None:
        if not self._closed:
            self.player.command("stop")
            self._timer.stop()
            self.poll()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        try:
            self.player.terminate()
        except Exception:
            log.exception("mpv did not terminate cleanly")

    # State ------------------------------------------------------------------------

    def poll(self) -> None:
        """Build the state from the values mpv last reported (no call into mpv here)."""
        if self._closed:
            return
        with self._props_lock:
            p = dict(self._props)
        idle = p.get("idle-active", True) is not False
        vid = p.get("vid")
        state = PlayerState(
            loaded=not idle,
            position=self._start_at if p.get("time-pos") is None else float(p["time-pos"]),
            duration=float(p["duration"]) if p.get("duration") else None,
            paused=bool(p.get("pause")),
            volume=float(p.get("volume") or 0.0),
            muted=bool(p.get("mute")),
            tracks=video_tracks(p.get("track-list")) if not idle else [],
            video_track=int(vid) if isinstance(vid, int | float) and vid else None,
            auto_quality=self._auto_quality,
            eof=bool(p.get("eof-reached")),
            audio_tracks=media_tracks(p.get("track-list"), "audio") if not idle else [],
            subtitle_tracks=media_tracks(p.get("track-list"), "sub") if not idle else [],
            audio_track=_track_id(p.get("aid")),
            subtitle_track=_track_id(p.get("sid")),
        )
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
        # keep-open holds the last frame at the end instead of ending the file, so mpv
        # sends no end-of-file event: reaching the end is this flag turning on.
        if state.eof and state.loaded:
            self._report_eof()
        elif not state.eof:
            self._eof_reported = False  # sought back from the end: it may end again

    def _report_eof(self) -> None:
        if not self._eof_reported:
            self._eof_reported = True
            self.ended.emit("eof")

    def _observe(self) -> None:
        """mpv reports these from its own thread as they change. Reading them on the GUI
        thread instead waits for mpv's core, which is busy while it opens a stream or
        sets up video output (measured: 0.2 s stalls of the whole window)."""
        for name in OBSERVED:
            self.player.observe_property(name, self._observed)

    def _observed(self, name: str, value: Any) -> None:
        with self._props_lock:
            self._props[name] = value

    def _mpv_event(self, event: Any) -> None:
        # mpv's event thread: only hand the facts over to the GUI thread.
        eid = event.event_id.value
        ids = self.mpv_module.MpvEventID
        if eid == ids.FILE_LOADED:
            self._event.emit("loaded", "")
        elif eid == ids.END_FILE:
            data = event.data
            end = self.mpv_module.MpvEventEndFile
            if data.reason == end.ERROR:
                self._event.emit("error", f"mpv error {data.error}")
            elif data.reason == end.EOF:
                self._event.emit("eof", "")

    def _on_event(self, kind: str, detail: str) -> None:
        if kind == "loaded":
            with self._props_lock:
                # A file loaded over a playing one never makes mpv idle, so its
                # idle-active observer does not fire again after load() reset it.
                self._props["idle-active"] = False
            self.poll()
            self._timer.start()
            self.fileLoaded.emit()
        elif kind == "eof":
            self.poll()
            self._report_eof()
        elif kind == "error":
            self.ended.emit(f"error: {self._last_error or detail}")

    def _log(self, level: str, prefix: str, text: str) -> None:
        if level in ("error", "fatal"):
            self._last_error = f"{prefix}: {text.strip()}"
        log.debug("mpv %s %s: %s", level, prefix, text.rstrip())
