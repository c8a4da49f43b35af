"""The player's Audio, Subtitles and Chapters menus, and the choice kept per series.

mpv lists the HLS audio renditions (both groups, stereo then surround, in the master's
order) but not the subtitle renditions, and gives no track names: the names come from
the media file's artifacts, and every subtitle track is added as its whole WebVTT file
(``sub-add``). With subtitles Off, a forced track in the language being heard is shown.
The choice is kept in QSettings per series (else per file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from mediadesk.domain.enums import ArtifactKind
from mediadesk.domain.languages import language_name
from mediadesk.domain.vocabulary import CHAPTER, SUBTITLES_OFF
from mediadesk.library.views import ArtifactView, MediaFileView
from mediadesk.services.playback_plan import PlaybackPlan, SubtitleTrack
from ui.format import clock
from ui.player.engine import MediaTrack, PlayerState
from ui.widgets import tool_button

SURROUND_MARK = " · 5.1"


@dataclass(frozen=True)
class Choice:
    id: int  # mpv's track id
    label: str
    lang: str | None
    forced: bool = False


def _params(artifact: ArtifactView) -> dict[str, Any]:
    return artifact.params or {}


def audio_choices(tracks: list[MediaTrack], artifacts: list[ArtifactView]) -> list[Choice]:
    """One entry per language and mix: the stereo group by name, plus 5.1 renditions."""
    audio = [a for a in artifacts if a.kind == ArtifactKind.AUDIO_HLS and _params(a).get("group")]
    stereo = sorted(
        (a for a in audio if not str(_params(a)["group"]).endswith("_surround")),
        key=lambda a: (not _params(a).get("default"), _params(a).get("stream_index", 0)),
    )
    surround = {
        _params(a).get("stream_index"): a
        for a in audio
        if str(_params(a)["group"]).endswith("_surround")
    }
    expected = stereo + (
        [surround.get(_params(a).get("stream_index"), a) for a in stereo] if surround else []
    )
    if stereo and len(expected) == len(tracks):
        choices = []
        for i, (track, artifact) in enumerate(zip(tracks, expected, strict=True)):
            label = str(_params(artifact).get("label") or language_name(track.lang))
            if i < len(stereo):
                choices.append(Choice(track.id, label, track.lang))
            elif artifact in surround.values():
                choices.append(Choice(track.id, label + SURROUND_MARK, track.lang))
        return choices
    # Not ours (or an older ladder): the languages mpv reports, each mix once.
    seen: set[str] = set()
    choices = []
    for track in tracks:
        label = track.title or language_name(track.lang)
        label += SURROUND_MARK if (track.channels or 2) > 2 else ""
        if label not in seen:
            seen.add(label)
            choices.append(Choice(track.id, label, track.lang))
    return choices


def memory_key(media: MediaFileView) -> str:
    ref = media.catalogue
    series = getattr(ref, "series_id", None) if ref is not None else None
    return f"tracks/series-{series}" if series else f"tracks/media-{media.id}"


class TrackMenus(QObject):
    """Owns the three buttons; the player view feeds it files, states and its engine."""

    def __init__(
        self,
        parent: QWidget,
        call: Callable[..., None],
        settings: Callable[[], QSettings] = QSettings,
    ) -> None:
        super().__init__(parent)
        self.call = call
        self.settings = settings
        self.audio_button = self._button("Audio", "audioButton")
        self.subtitle_button = self._button("Subtitles", "subtitleButton")
        self.chapter_button = self._button("Chapters", "chapterButton")
        self.media: MediaFileView | None = None
        self.files: list[SubtitleTrack] = []
        self.burned: list[SubtitleTrack] = []
        self.playing_burned: SubtitleTrack | None = None  # its master is what plays
        # Plays another master of the same file at the same position (None: the main).
        self.switch_master: Callable[[str | None], None] | None = None
        self.audio: list[Choice] = []
        self.subtitles: list[Choice] = []
        self.chapters: list[tuple[float, str]] = []
        self._added = False
        self._applied = False
        self._choice: dict[str, str] | None = None  # the subtitle choice; None: Off
        self._last_audio: int | None = None
        self._shown: tuple[object, ...] = ()

    @staticmethod
    def _button(text: str, name: str) -> QToolButton:
        button = tool_button(text, name=name)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(QMenu(button))
        button.setEnabled(False)
        return button

    @property
    def buttons(self) -> list[QToolButton]:
        return [self.audio_button, self.subtitle_button, self.chapter_button]

    # A new file -------------------------------------------------------------------

    def load(self, media: MediaFileView, plan: PlaybackPlan) -> None:
        self.media = media
        self.files = list(plan.subtitles)
        self.burned = list(plan.burned)
        self.playing_burned = None
        info = media.probe
        self.chapters = [
            (c.start, c.title or f"{CHAPTER} {i + 1}")
            for i, c in enumerate(info.chapters if info is not None else [])
        ]
        self.audio, self.subtitles = [], []
        self._added = self._applied = False
        self._last_audio = None
        remembered = self.settings().value(f"{memory_key(media)}/subtitles")
        self._choice = _decode(remembered)
        self._burned_memory = _decode_burned(remembered)
        self._shown = ()
        self._fill_chapters()
        for button in (self.audio_button, self.subtitle_button):
            button.menu().clear()
            button.setEnabled(False)

    def start_url(self) -> str | None:
        """The burned-in master to open, when that was the choice; else None (the main
        master). Marks it as playing."""
        wanted = self._burned_memory
        self.playing_burned = _find_burned(self.burned, wanted)
        return self.playing_burned.url if self.playing_burned is not None else None

    def switched(self, burned: SubtitleTrack | None) -> None:
        """Another master of the same file is loading: tracks are read again."""
        self.playing_burned = burned
        self.audio, self.subtitles = [], []
        self._added = self._applied = False
        self._shown = ()

    def loaded(self) -> None:
        """The file is open: add the subtitle files (mpv reads no HLS subtitles)."""
        if self._added:
            return
        self._added = True
        if self.playing_burned is not None:
            return  # the subtitle is in the picture; text tracks belong to the main one
        for file in self.files:
            self.call("add_subtitle", file.url, file.label, file.language)

    # States -----------------------------------------------------------------------

    def on_state(self, state: PlayerState) -> None:
        if self.media is None or not state.loaded:
            return
        self.audio = audio_choices(state.audio_tracks, self.media.artifacts or [])
        external = [t for t in state.subtitle_tracks if t.external]
        files = [] if self.playing_burned is not None else self.files
        self.subtitles = [
            Choice(t.id, f.label, f.language, f.forced)
            for t, f in zip(external, files, strict=False)
        ]
        if not self._applied and self.audio and len(self.subtitles) == len(files):
            self._applied = True
            self._apply_memory()
        elif state.audio_track != self._last_audio and self._choice is None and self._applied:
            self._show_forced(state.audio_track)  # forced subtitles follow the language heard
        self._last_audio = state.audio_track
        shown = (tuple(self.audio), tuple(self.subtitles), state.audio_track, state.subtitle_track)
        if shown != self._shown:
            self._shown = shown
            self._fill(state)

    def _apply_memory(self) -> None:
        assert self.media is not None
        key = memory_key(self.media)
        heard = _find(self.audio, _decode(self.settings().value(f"{key}/audio")))
        if heard is not None:
            self.call("set_audio", heard.id)
        audio_id = heard.id if heard is not None else self._last_audio
        if self.playing_burned is not None:
            return  # nothing to show beside the burned picture
        if self._choice is not None:
            match = _find([s for s in self.subtitles if not s.forced], self._choice)
            if match is not None:
                self.call("set_subtitle", match.id)
                return
        self._show_forced(audio_id)

    def _show_forced(self, audio_id: int | None) -> None:
        heard = next((a.lang for a in self.audio if a.id == audio_id), None)
        if heard is None and self.audio:
            heard = self.audio[0].lang
        forced = next((s for s in self.subtitles if s.forced and s.lang == heard), None)
        self.call("set_subtitle", forced.id if forced else None)

    # Choices ------------------------------------------------------------------------

    def choose_audio(self, choice: Choice) -> None:
        self.call("set_audio", choice.id)
        if self.media is not None:
            self.settings().setValue(f"{memory_key(self.media)}/audio", _encode(choice))

    def choose_burned(self, choice: SubtitleTrack) -> None:
        """Play the master with this subtitle in the picture, where playback is now."""
        assert self.media is not None
        remembered = f"{BURNED_MEMORY}{choice.language or ''}\t{choice.label}"
        self.settings().setValue(f"{memory_key(self.media)}/subtitles", remembered)
        self._burned_memory = {"lang": choice.language or "", "label": choice.label}
        self._choice = None
        if choice != self.playing_burned and self.switch_master is not None:
            self.switched(choice)
            self.switch_master(choice.url)

    def choose_subtitle(self, choice: Choice | None) -> None:
        assert self.media is not None
        self._choice = (
            None if choice is None else {"label": choice.label, "lang": choice.lang or ""}
        )
        self._burned_memory = None
        self.settings().setValue(
            f"{memory_key(self.media)}/subtitles", "off" if choice is None else _encode(choice)
        )
        if self.playing_burned is not None and self.switch_master is not None:
            # Back to the clean picture; the choice is applied once its tracks are read.
            self.switched(None)
            self.switch_master(None)
            return
        if choice is None:
            self._show_forced(self._last_audio)
        else:
            self.call("set_subtitle", choice.id)

    # Menus --------------------------------------------------------------------------

    def _fill(self, state: PlayerState) -> None:
        menu = self.audio_button.menu()
        menu.clear()
        group = QActionGroup(menu)
        for choice in self.audio:
            action = QAction(choice.label, menu, checkable=True)
            action.setChecked(choice.id == state.audio_track)
            action.triggered.connect(lambda _c=False, c=choice: self.choose_audio(c))
            group.addAction(action)
            menu.addAction(action)
        current = next((a.label for a in self.audio if a.id == state.audio_track), "Audio")
        self.audio_button.setText(f"Audio: {current}" if len(self.audio) > 1 else "Audio")
        self.audio_button.setEnabled(len(self.audio) > 1)

        menu = self.subtitle_button.menu()
        menu.clear()
        group = QActionGroup(menu)
        chosen = next((s for s in self.subtitles if s.id == state.subtitle_track), None)
        off = QAction(SUBTITLES_OFF, menu, checkable=True)
        off.setChecked(chosen is None or chosen.forced)
        off.triggered.connect(lambda _c=False: self.choose_subtitle(None))
        group.addAction(off)
        menu.addAction(off)
        off.setChecked(off.isChecked() and self.playing_burned is None)
        for choice in self.subtitles:
            if choice.forced:
                continue  # shown by itself with the language heard
            action = QAction(choice.label, menu, checkable=True)
            action.setChecked(chosen is not None and chosen.id == choice.id)
            action.triggered.connect(lambda _c=False, c=choice: self.choose_subtitle(c))
            group.addAction(action)
            menu.addAction(action)
        for burned in self.burned:
            action = QAction(burned.label, menu, checkable=True)
            action.setChecked(burned == self.playing_burned)
            action.triggered.connect(lambda _c=False, b=burned: self.choose_burned(b))
            group.addAction(action)
            menu.addAction(action)
        label = chosen.label if chosen is not None and not chosen.forced else SUBTITLES_OFF
        if self.playing_burned is not None:
            label = self.playing_burned.label
        self.subtitle_button.setText(f"Subtitles: {label}")
        self.subtitle_button.setEnabled(bool(self.subtitles or self.burned))

    def _fill_chapters(self) -> None:
        menu = self.chapter_button.menu()
        menu.clear()
        for start, title in self.chapters:
            action = QAction(f"{title}  {clock(start)}", menu)
            action.triggered.connect(lambda _c=False, at=start: self.call("seek", at + 0.001))
            menu.addAction(action)
        self.chapter_button.setEnabled(bool(self.chapters))


def _encode(choice: Choice) -> str:
    return f"{choice.lang or ''}\t{choice.label.removesuffix(SURROUND_MARK)}"


BURNED_MEMORY = "burned:"  # a remembered burned-in choice: "burned:<lang>\t<label>"


def _decode_burned(value: object) -> dict[str, str] | None:
    if not isinstance(value, str) or not value.startswith(BURNED_MEMORY):
        return None
    lang, _, label = value.removeprefix(BURNED_MEMORY).partition("\t")
    return {"lang": lang, "label": label}


def _find_burned(
    choices: list[SubtitleTrack], wanted: dict[str, str] | None
) -> SubtitleTrack | None:
    if not wanted:
        return None
    exact = next((c for c in choices if c.label == wanted["label"]), None)
    return exact or next((c for c in choices if (c.language or "") == wanted["lang"]), None)


def _decode(value: object) -> dict[str, str] | None:
    if not isinstance(value, str) or value in ("", "off") or value.startswith(BURNED_MEMORY):
        return None
    lang, _, label = value.partition("\t")
    return {"lang": lang, "label": label}


def _find(choices: list[Choice], wanted: dict[str, str] | None) -> Choice | None:
    if not wanted:
        return None
    exact = [c for c in choices if c.label.removesuffix(SURROUND_MARK) == wanted["label"]]
    if exact:
        return exact[0]
    return next((c for c in choices if (c.lang or "") == wanted["lang"]), None)
