"""The player tab: video, transport controls, quality menu, keyboard shortcuts.

mpv is created on the first play, so a missing libmpv costs nothing until then and
is reported in place of the video ("Player unavailable: ...") without stopping the
app. HLS plays from the built-in server once it exists; before that, the original.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QSlider,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import ArtifactKind, MediaKind
from mediadesk.library.views import MediaFileView
from mediadesk.services.playback_plan import PlaybackPlan, plan_playback
from ui.format import clock
from ui.icons import icon
from ui.player.engine import MpvEngine, PlayerState, PlayerUnavailable
from ui.player.resume import ResumeController
from ui.player.seek_bar import SeekBar
from ui.player.track_menus import TrackMenus
from ui.player.trickplay import TrickplayPreviews
from ui.shell import Shell
from ui.widgets import label, named, tool_button

if TYPE_CHECKING:
    from ui.player.video_surface import MpvVideoSurface

log = logging.getLogger(__name__)

SEEK_STEP_S = 5.0
VOLUME_STEP = 5.0


class PlayerView(QWidget):
    fullscreenToggled = Signal(bool)

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playerView")
        self.shell = shell
        self.engine: MpvEngine | None = None
        self.surface: MpvVideoSurface | None = None
        self.unavailable: str | None = None
        self.media: MediaFileView | None = None
        self.plan: PlaybackPlan | None = None
        self.fullscreen = False
        self.previews = TrickplayPreviews(shell.runtime.storage, shell.tasks, self)
        self.resume = ResumeController(shell, self)

        self.title = label(name="playerTitle")
        self.source_label = label(name="playerSource")
        self.message = label(
            "Select a file in the library and press Play.",
            name="playerMessage",
            wrap=True,
            align=Qt.AlignmentFlag.AlignCenter,
        )
        self.message.setStyleSheet("background: #111; color: #ccc; padding: 24px;")
        self.video = QStackedWidget()
        self.video.addWidget(self.message)
        self.video.setMinimumHeight(240)

        self.play_button = tool_button("Play", name="playButton")
        self.seek_bar = SeekBar()
        self.seek_bar.preview = self.previews.at
        self.time_label = label("0:00 / 0:00", name="timeLabel")
        self.mute_button = tool_button("Mute", checkable=True)
        self.volume = named(QSlider(Qt.Orientation.Horizontal), "volumeSlider")
        self.volume.setRange(0, 130)
        self.volume.setValue(100)
        self.volume.setFixedWidth(100)
        self.quality_button = tool_button("Quality: auto", name="qualityButton")
        self.quality_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.quality_button.setMinimumWidth(150)
        self.quality_menu = QMenu(self.quality_button)
        self.quality_button.setMenu(self.quality_menu)
        self.fullscreen_button = tool_button("Fullscreen")
        self.tracks = TrackMenus(self, self._engine_call)
        self.tracks.switch_master = self._switch_master
        self._position = 0.0
        for button, name in (
            (self.play_button, "play"),
            (self.mute_button, "volume"),
            (self.fullscreen_button, "fullscreen"),
        ):
            button.setIcon(icon(name))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.seek_bar, 1)
        controls.addWidget(self.time_label)
        controls.addWidget(self.mute_button)
        controls.addWidget(self.volume)
        for button in self.tracks.buttons:
            controls.addWidget(button)
        controls.addWidget(self.quality_button)
        controls.addWidget(self.fullscreen_button)
        self.controls = QWidget()
        self.controls.setLayout(controls)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.source_label)
        self.header = QWidget()
        self.header.setLayout(header)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.resume.bar)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.controls)

        self.play_button.clicked.connect(self.toggle_pause)
        self.seek_bar.seekRequested.connect(lambda s: self._engine_call("seek", s))
        self.mute_button.clicked.connect(lambda: self._engine_call("toggle_mute"))
        self.volume.valueChanged.connect(lambda v: self._engine_call("set_volume", float(v)))
        self.fullscreen_button.clicked.connect(self.toggle_fullscreen)
        self._shortcuts()
        self._set_controls_enabled(False)

    def _shortcuts(self) -> None:
        bindings = [
            (Qt.Key.Key_Space, self.toggle_pause),
            (Qt.Key.Key_Left, lambda: self._engine_call("seek", -SEEK_STEP_S, True)),
            (Qt.Key.Key_Right, lambda: self._engine_call("seek", SEEK_STEP_S, True)),
            (Qt.Key.Key_Up, lambda: self.volume.setValue(self.volume.value() + int(VOLUME_STEP))),
            (Qt.Key.Key_Down, lambda: self.volume.setValue(self.volume.value() - int(VOLUME_STEP))),
            (Qt.Key.Key_F, self.toggle_fullscreen),
            (Qt.Key.Key_M, lambda: self._engine_call("toggle_mute")),
            (Qt.Key.Key_Escape, self.leave_fullscreen),
        ]
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # Engine -----------------------------------------------------------------------

    def ensure_engine(self) -> MpvEngine | None:
        if self.engine is not None or self.unavailable is not None:
            return self.engine
        # OpenGL widgets load only with the player (not needed for the first paint).
        from ui.player.video_surface import MpvVideoSurface, opengl_available

        try:
            render = opengl_available()
            self.engine = MpvEngine(render=render, parent=self)
        except PlayerUnavailable as exc:
            self.unavailable = str(exc)
            self.message.setText(f"Player unavailable: {self.unavailable}")
            return None
        self.engine.stateChanged.connect(self._state_changed)
        self.engine.ended.connect(self._ended)
        self.engine.fileLoaded.connect(self.tracks.loaded)
        if render:
            self.surface = MpvVideoSurface(self.engine)
            self.video.addWidget(self.surface)
        return self.engine

    def _engine_call(self, name: str, *args: object) -> None:
        if self.engine is not None and self.media is not None:
            getattr(self.engine, name)(*args)

    # Playing ----------------------------------------------------------------------

    def play_media(self, media: MediaFileView) -> bool:
        """Play ``media`` (a detail view, with artifacts). False when it cannot play."""
        self.media = media
        self.title.setText(media.display_title)
        if media.kind == MediaKind.IMAGE:
            self._show_message("Images are shown in the library, not the player.")
            return False
        engine = self.ensure_engine()
        if engine is None:
            return False
        plan = plan_playback(media, self.shell.locations)
        if plan.preferred_url is None:
            self._show_message("This file is not available on this machine.")
            return False
        self.plan = plan
        self.source_label.setText(words.playing(plan.adaptive, media.status))
        # An audio file's stream has one version: no quality to choose.
        self.quality_button.setEnabled(plan.adaptive and media.kind == MediaKind.VIDEO)
        self._rebuild_quality_menu(PlayerState())
        self.tracks.load(media, plan)
        self.seek_bar.set_marks([start for start, _title in self.tracks.chapters])
        self.previews.load(media)
        # A burned-in subtitle chosen last time: its own master (same film, same times).
        url = self.tracks.start_url() or plan.preferred_url
        self.time_label.setText(f"0:00 / {clock(media.duration_seconds)}")

        def start(at: float) -> None:
            if self.media is media:
                self._show_picture_area(media)
            engine.load(url, start=at)

        asking = self.resume.offer(media, start)
        if asking:
            engine.stop()  # the file before must not play on behind the question
        if asking and media.kind == MediaKind.VIDEO:
            self._show_message("")
            self._show_poster(media)
        else:
            self._show_picture_area(media)
        self._set_controls_enabled(True)
        self.setFocus()
        return True

    def _show_picture_area(self, media: MediaFileView) -> None:
        if self.surface is not None and media.kind == MediaKind.VIDEO:
            self.video.setCurrentWidget(self.surface)
        elif media.kind == MediaKind.AUDIO:
            self._show_message("♪  " + media.display_title)
            self._show_poster(media)  # its cover art, when it has one
        else:
            self._show_message("Video is decoded but not shown: this display has no OpenGL.")

    def _show_poster(self, media: MediaFileView) -> None:
        """In the message page: a video's poster frame while "Resume or Start over?"
        waits (not a black box), an audio file's cover art while it plays."""
        key = next(
            (a.storage_key for a in media.artifacts or [] if a.kind == ArtifactKind.POSTER), None
        )
        if key is None:
            return
        storage = self.shell.runtime.storage

        def load() -> QImage | None:
            with storage.open_read(key) as fh:
                image = QImage.fromData(fh.read())
            return None if image.isNull() else image

        def loaded(image: QImage | None) -> None:
            # Not over the film, nor once the question is answered.
            shown = self.video.currentWidget() is self.message
            wanted = media.kind == MediaKind.AUDIO or self.resume.waiting
            if image is None or self.media is not media or not (shown and wanted):
                return
            area = self.video.size().shrunkBy(QMargins(24, 24, 24, 24))  # the label's padding
            self.message.setPixmap(
                QPixmap.fromImage(image).scaled(
                    area,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

        self.shell.tasks.run(load, loaded, lambda _exc: None, owner=self)

    def _switch_master(self, url: str | None) -> None:
        """Another master of the playing file (a burned-in subtitle's, or the main one
        for ``None``), from where playback is now."""
        if self.engine is None or self.plan is None or self.plan.preferred_url is None:
            return
        self.engine.load(url or self.plan.preferred_url, start=self._position)

    def toggle_pause(self) -> None:
        if self.resume.waiting:  # Play (or Space) answers the question as Resume would
            self.resume.resume()
            return
        self._engine_call("toggle_pause")

    def stop(self) -> None:
        self.resume.stop()
        if self.engine is not None:
            self.engine.stop()

    def close_player(self) -> None:
        """Release GL resources before mpv terminates (on quit)."""
        self.resume.stop()
        if self.surface is not None:
            self.surface.release()
        if self.engine is not None:
            self.engine.close()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.video.setCurrentWidget(self.message)

    def _set_controls_enabled(self, enabled: bool) -> None:
        for w in (self.play_button, self.seek_bar, self.mute_button, self.volume):
            w.setEnabled(enabled)

    def leave_fullscreen(self) -> None:
        if self.fullscreen:
            self.toggle_fullscreen()

    def toggle_fullscreen(self) -> None:
        self.fullscreen = not self.fullscreen
        self.header.setVisible(not self.fullscreen)
        self.fullscreenToggled.emit(self.fullscreen)

    # State from the engine ----------------------------------------------------------

    def _state_changed(self, state: PlayerState) -> None:
        self.resume.on_state(state)
        if state.loaded:
            self._position = state.position
        self.play_button.setText("Play" if state.paused or not state.loaded else "Pause")
        if state.loaded or not self.resume.waiting:
            # Nothing loaded while "Resume from…" waits: the asked file's length stays.
            self.seek_bar.set_duration(state.duration)
            self.seek_bar.set_position(state.position)
            self.time_label.setText(f"{clock(state.position)} / {clock(state.duration)}")
        self.mute_button.setChecked(state.muted)
        if int(state.volume) != self.volume.value():
            self.volume.blockSignals(True)
            self.volume.setValue(int(state.volume))
            self.volume.blockSignals(False)
        self._rebuild_quality_menu(state)
        self.tracks.on_state(state)

    def _rebuild_quality_menu(self, state: PlayerState) -> None:
        tracks = state.tracks if self.plan is not None and self.plan.adaptive else []
        wanted = [("auto", None)] + [(t.label, t.id) for t in tracks]
        current = [(a.text(), a.data()) for a in self.quality_menu.actions()]
        selected = None if state.auto_quality else state.video_track
        label = (
            "auto"
            if selected is None
            else next((t.label for t in tracks if t.id == selected), "auto")
        )
        self.quality_button.setText(f"Quality: {label}")
        if current == wanted:
            for action in self.quality_menu.actions():
                action.setChecked(action.data() == selected)
            return
        self.quality_menu.clear()
        group = QActionGroup(self.quality_menu)
        for text, track_id in wanted:
            action = QAction(text, self.quality_menu, checkable=True)
            action.setData(track_id)
            action.setChecked(track_id == selected)
            action.triggered.connect(
                lambda _c=False, t=track_id: self._engine_call("set_quality", t)
            )
            group.addAction(action)
            self.quality_menu.addAction(action)

    def _ended(self, reason: str) -> None:
        self.resume.on_ended(reason)
        if reason.startswith("error"):
            self._show_message(f"Playback failed: {reason.removeprefix('error: ')}")
