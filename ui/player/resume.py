"""Remembering where playback stopped: resume or start over, watched at 90%, next episode.

``ResumeController`` sits beside the player: it saves the position through the core's
``PlaybackService`` every few seconds while playing, when playback stops, and at once
when it crosses 90% (which marks the file watched); when a file with a saved position
is played it offers "Resume from 12:34" or "Start over"; at the end of an episode it
offers the next one, and at the end of a song it plays the album's next track. Saving
runs in the task pool, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mediadesk.domain import vocabulary as words
from mediadesk.library.views import MediaFileView
from mediadesk.services.playback import WATCHED_FRACTION
from ui.format import clock
from ui.icons import icon
from ui.player.engine import PlayerState
from ui.shell import Shell
from ui.widgets import label, named

SAVE_EVERY_MS = 5000


class ResumeBar(QWidget):
    """The strip above the video: the resume question, the next episode, a poster action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resumeBar")
        self.text = label(name="resumeText")
        self.resume_button = named(QPushButton(icon("play"), "Resume"), "resumeButton")
        self.start_over_button = named(
            QPushButton(icon("restart"), "Start over"), "startOverButton"
        )
        self.next_button = named(QPushButton(icon("next"), "Next episode"), "nextEpisodeButton")
        self.poster_button = named(
            QPushButton(icon("poster"), "Use frame as poster"), "framePosterButton"
        )
        self.poster_button.setToolTip("The picture on screen becomes the movie's or series' poster")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        for button in (
            self.resume_button,
            self.start_over_button,
            self.next_button,
            self.poster_button,
        ):
            layout.addWidget(button)
        self.show_question(False)
        self.next_button.hide()

    def show_question(self, on: bool, text: str = "") -> None:
        self.text.setText(text)
        self.resume_button.setVisible(on)
        self.start_over_button.setVisible(on)


class ResumeController(QObject):
    playRequested = Signal(str)  # media id (the next episode, the album's next track)
    posterRequested = Signal(str, float)  # media id, seconds
    saved = Signal(object)  # PlaybackStateView (tests wait on it)

    def __init__(self, shell: Shell, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.bar = ResumeBar()
        self.media: MediaFileView | None = None
        self.position = 0.0
        self.duration: float | None = None
        self.playing = False
        self._start: Callable[[float], None] | None = None
        self._last_saved: float | None = None
        self._watched_sent = False
        self._note = ""  # what the bar says once playback starts
        self.next_media: MediaFileView | None = None
        self._timer = QTimer(self, interval=SAVE_EVERY_MS)
        self._timer.timeout.connect(self._tick)
        self.bar.resume_button.clicked.connect(self.resume)
        self.bar.start_over_button.clicked.connect(self.start_over)
        self.bar.next_button.clicked.connect(self._play_next)
        self.bar.poster_button.clicked.connect(self._poster)

    # Starting ---------------------------------------------------------------------------------

    def offer(self, media: MediaFileView, start: Callable[[float], None]) -> bool:
        """Start ``media`` (``start(seconds)``), or ask first when it has a saved position.

        Returns True when the question is shown (playback waits for the answer).
        """
        self.save_now()
        self.media, self.position, self.duration = media, 0.0, media.duration_seconds
        self._start, self._last_saved, self._watched_sent = start, None, False
        self.next_media = None
        self.bar.next_button.hide()
        self.bar.poster_button.setVisible(
            media.catalogue is not None and str(media.kind) == "video"
        )
        played = media.playback
        if played is not None and played.position_s > 0 and not played.watched:
            self.bar.show_question(True, f"You stopped at {clock(played.position_s)} last time.")
            self.bar.resume_button.setText(f"Resume from {clock(played.position_s)}")
            self.bar.resume_button.setFocus()
            return True
        if played is not None and played.watched:
            self._note = f"{words.finished_label(media.kind)} before · playing from the start"
        self._begin(0.0)
        return False

    def resume(self) -> None:
        played = self.media.playback if self.media is not None else None
        self._begin(played.position_s if played is not None else 0.0)

    def start_over(self) -> None:
        self._begin(0.0)

    def _begin(self, at: float) -> None:
        self.bar.show_question(False, self._note)
        self._note = ""
        if self._start is not None:
            start, self._start = self._start, None
            self.position = at
            start(at)
            self._timer.start()

    @property
    def waiting(self) -> bool:
        """The question is showing; nothing plays until it is answered."""
        return self._start is not None

    # Following the player ------------------------------------------------------------------------

    def on_state(self, state: PlayerState) -> None:
        if self.media is None or self.waiting or not state.loaded:
            return
        self.position = state.position
        self.duration = state.duration or self.duration
        self.playing = not state.paused
        if (
            self.duration
            and not self._watched_sent
            and self.position >= WATCHED_FRACTION * self.duration
        ):
            self._watched_sent = True
            self.save_now()

    def on_ended(self, reason: str) -> None:
        if self.media is None or reason != "eof":
            return
        if self.duration:
            self.position = self.duration
        self.save_now()
        self._timer.stop()
        if _episode(self.media) or _on_album(self.media):
            playback = self.shell.runtime.playback
            media_id = self.media.id
            self.shell.tasks.run(
                lambda: playback.up_next(media_id),
                lambda found: self._next_found(media_id, found),
                owner=self,
            )

    def _next_found(self, ended_id: str, media: MediaFileView | None) -> None:
        if self.media is None or self.media.id != ended_id:
            return  # something else was started meanwhile: it is not to be interrupted
        self.next_media = media
        song = _on_album(self.media)
        if media is not None and song:
            # An album plays through, as in any music player: no button to press.
            self.playRequested.emit(media.id)
        elif media is not None:
            self.bar.next_button.setText(f"Next episode: {media.display_title}")
            self.bar.next_button.show()
            self.bar.next_button.setFocus()
        else:
            self.bar.text.setText(
                "That was the album's last track." if song else "That was the last episode."
            )

    def _play_next(self) -> None:
        if self.next_media is not None:
            self.playRequested.emit(self.next_media.id)

    def _poster(self) -> None:
        if self.media is not None:
            self.posterRequested.emit(self.media.id, self.position)

    # Saving -------------------------------------------------------------------------------

    def _tick(self) -> None:
        if self.playing:
            self.save_now()

    def save_now(self) -> None:
        """Save where playback is (on a timer, on stop, on leaving, at 90%)."""
        media = self.media
        if media is None or self.waiting or self.position == self._last_saved:
            return
        self._last_saved = self.position
        playback = self.shell.runtime.playback
        position, duration = self.position, self.duration
        self.shell.tasks.run(
            lambda: playback.save(media.id, position_s=position, duration_s=duration),
            self.saved.emit,
            lambda _exc: None,  # a file deleted while playing: nothing to remember
            owner=self,
        )

    def stop(self) -> None:
        self.save_now()
        self._timer.stop()


def _episode(media: MediaFileView) -> bool:
    return media.catalogue is not None and media.catalogue.kind == "episode"


def _on_album(media: MediaFileView) -> bool:
    return media.song is not None and media.song.album is not None
