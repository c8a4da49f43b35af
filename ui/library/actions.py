"""What can be done to library items: context menus, keyboard, multi-select.

One place builds every menu (a file or a selection of files in the grid and table; a
movie, series, season or episode in the sidebar) and runs its actions through the
core's services, off the GUI thread. Actions on a selection apply to every selected
file: delete, re-run processing, attach (as consecutive episodes, with the attach
dialog's "Number from" button).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from mediadesk.domain import vocabulary as words
from mediadesk.domain.folders import TEXT_SUBTITLE_EXTENSIONS
from mediadesk.library.views import MediaFileView
from mediadesk.services.artwork import ArtSubject
from mediadesk.services.naming import guess_from_name
from ui.library import menus
from ui.library.nodes import LibraryNode
from ui.library.subtitle_drop import add_subtitles
from ui.shell import Shell
from ui.tasks import describe

if TYPE_CHECKING:
    from ui.dialogs.edit_dialog import EditDialog
    from ui.importing.attach_dialog import AttachDialog

IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.webp *.gif *.bmp *.tif *.tiff)"
SUBTITLE_FILTER = "Subtitles ({})".format(
    " ".join(f"*.{e}" for e in sorted(TEXT_SUBTITLE_EXTENSIONS))
)


class LibraryActions(QObject):
    playRequested = Signal(str)  # media id
    masterRequested = Signal(str)
    jobsRequested = Signal(str, str)  # media id, its title
    message = Signal(str)  # a sentence for the status bar

    def __init__(self, shell: Shell, parent: QWidget) -> None:
        super().__init__(parent)
        self.shell = shell
        self.window = parent
        self.confirm = True  # tests answer for the user
        self.dialog: EditDialog | AttachDialog | None = None

    @property
    def rt(self) -> Any:
        return self.shell.runtime

    def _run(
        self, verb: str, fn: Callable[[], object], done: Callable[[Any], None] | None = None
    ) -> None:
        self.shell.tasks.run(
            fn,
            done or (lambda _r: None),
            lambda exc: self.message.emit(f"Could not {verb}: {describe(exc)}"),
            owner=self,
        )

    # Menus (built in menus.py, acting through the methods below) -------------------------

    def media_menu(self, items: list[MediaFileView], parent: QWidget) -> QMenu:
        return menus.media_menu(self, items, parent)

    def node_menu(self, node: LibraryNode, parent: QWidget) -> QMenu | None:
        return menus.node_menu(self, node, parent)

    def edit_media(self, media: MediaFileView) -> None:
        ref = media.catalogue
        if ref is None:
            self.attach([media])
        elif ref.kind == "movie" and ref.movie_id:
            self.edit_entry("movie", ref.movie_id)
        elif ref.episode_id:
            self.edit_entry("episode", ref.episode_id)

    def edit_entry(self, kind: str, entry_id: str) -> None:
        c = self.rt.catalogue
        load = {
            "movie": c.get_movie,
            "series": c.get_series,
            "season": c.get_season,
            "episode": c.get_episode,
        }
        save = {
            "movie": c.edit_movie,
            "series": c.edit_series,
            "season": c.edit_season,
            "episode": c.edit_episode,
        }
        self._run(
            "open it",
            lambda: load[kind](entry_id),
            lambda view: self._open_edit(kind, view, save[kind]),
        )

    def _open_edit(self, kind: str, view: Any, save: Callable[[str, Any], Any]) -> None:
        from ui.dialogs.edit_dialog import EditDialog

        dialog = EditDialog(
            kind, view, lambda edit: save(view.id, edit), self.shell.tasks, self.window
        )
        self._opened(dialog)

    def _opened(self, dialog: Any) -> None:
        from PySide6.QtCore import Qt

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        dialog.open()

    # Attaching ---------------------------------------------------------------------------------

    def attach(self, items: list[MediaFileView]) -> None:
        """The attach dialog over files already in the library (guesses pre-filled)."""
        from ui.importing.attach_dialog import AttachDialog

        names = [Path(m.original_filename) for m in items]
        catalogue = self.rt.catalogue

        def check(targets: list[Any], done: Callable[[Any], None]) -> None:
            pairs = [(m.id, t) for m, t in zip(items, targets, strict=True)]

            def find() -> list[Any]:
                return [catalogue.conflicts([p])[0] if p[1] else None for p in pairs]

            self.shell.tasks.run(find, done, owner=self)

        def show(guesses: list[Any]) -> None:
            dialog = AttachDialog(names, None, guesses, self.window, check=check)
            dialog.setWindowTitle(f"Attach {words.counted(len(items), 'file')}")
            dialog.accepted.connect(lambda: self._attach_all(items, dialog.targets()))
            self._opened(dialog)
            dialog.recheck()

        self._run("read the names", lambda: [guess_from_name(n) for n in names], show)

    def _attach_all(self, items: list[MediaFileView], targets: list[Any]) -> None:
        catalogue = self.rt.catalogue

        def run() -> int:
            done = 0
            for media, target in zip(items, targets, strict=True):
                if target is None:
                    catalogue.detach(media.id)
                else:
                    done += 0 if catalogue.attach(media.id, target).skipped else 1
            return done

        self._run(
            "attach", run, lambda n: self.message.emit(f"Attached {n} of {len(items)} files.")
        )

    def detach(self, ids: list[str]) -> None:
        catalogue = self.rt.catalogue
        self._run("detach", lambda: [catalogue.detach(i) for i in ids])

    # Watched -------------------------------------------------------------------------------

    def mark_watched(self, ids: list[str], watched: bool, word: str = "watched") -> None:
        """Watched or unwatched (``PlaybackService.mark``; ``word``: "played" for songs);
        the tiles follow through the playback events."""
        playback = self.rt.playback
        said = word if watched else f"un{word}"
        self._run(
            f"mark them as {said}",
            lambda: playback.mark(ids, watched),
            lambda done: self.message.emit(f"Marked {words.counted(len(done), 'file')} as {said}."),
        )

    # Subtitles -------------------------------------------------------------------------------

    def choose_subtitles(self, media_id: str) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.window, "Add subtitles", "", SUBTITLE_FILTER)
        if names:
            self.add_subtitle_files(media_id, [Path(n) for n in names])

    def add_subtitle_files(self, media_id: str, paths: list[Path]) -> None:
        """As a drop on the video adds them (one sentence in the status bar)."""
        add_subtitles(self.shell.tasks, self.rt.tracks, media_id, paths, self.message.emit)

    # Pictures ----------------------------------------------------------------------------------

    def choose_poster_for_media(self, media: MediaFileView) -> None:
        ref = media.catalogue
        if ref is None:
            return
        subject = (
            ArtSubject("movie", ref.movie_id)
            if ref.movie_id
            else ArtSubject("series", ref.series_id or "")
        )
        self.choose_poster(subject)

    def choose_poster(self, subject: ArtSubject) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Choose a poster", "", IMAGE_FILTER)
        if name:
            self.set_poster_file(subject, Path(name))

    def set_poster_file(self, subject: ArtSubject, path: Path) -> None:
        artwork = self.rt.artwork
        self._run(
            "set the poster",
            lambda: artwork.set_from_file(subject, path),
            lambda _r: self.message.emit("Poster set."),
        )

    def poster_from_frame(self, media_id: str, at_s: float) -> None:
        """The player's current frame becomes the poster of the file's movie or series."""
        rt = self.rt

        def run() -> str:
            media = rt.library.get_media(media_id, detail=False)
            ref = media.catalogue
            if ref is None:
                raise ValueError("this file is in no movie or series; attach it first")
            subject = (
                ArtSubject("movie", ref.movie_id)
                if ref.movie_id
                else ArtSubject("series", ref.series_id)
            )
            rt.artwork.set_from_frame(subject, media_id, at_s)
            return str(ref.title or ref.series_title or "")

        self._run(
            "use this frame",
            run,
            lambda title: self.message.emit(f"Poster of {title} set from this frame."),
        )

    # Processing and deleting -------------------------------------------------------------------

    def rerun(self, ids: list[str]) -> None:
        ingest = self.rt.ingest

        def run() -> list[str]:
            problems = []
            for media_id in ids:
                try:
                    ingest.reprocess(media_id)
                except Exception as exc:  # one refusal does not stop the others
                    problems.append(describe(exc))
            return problems

        def done(problems: list[str]) -> None:
            started = len(ids) - len(problems)
            text = f"Processing again: {words.counted(started, 'file')}."
            self.message.emit(text + (" " + "; ".join(problems) if problems else ""))

        self._run("re-run", run, done)

    def check_health(self, ids: list[str]) -> None:
        health = self.rt.health

        def done(job_ids: list[str]) -> None:
            n = len(job_ids)
            self.message.emit(
                f"Checking {words.counted(n, 'file')}: each is decoded whole; "
                "a damaged one is listed under Damaged."
            )

        self._run("check health", lambda: health.check(ids), done)

    def delete(self, items: list[MediaFileView]) -> bool:
        if not items:
            return False
        what = f"“{items[0].display_title}”" if len(items) == 1 else f"{len(items)} files"
        if self.confirm:
            answer = QMessageBox.question(
                self.window,
                "Delete",
                f"Remove {what} from the library? The files are kept until purged"
                + (
                    "; files in your library folders are never deleted from the disk."
                    if any(m.referenced for m in items)
                    else "."
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        library = self.rt.library
        ids = [m.id for m in items]
        self._run("delete", lambda: [library.delete_media(i) for i in ids])
        return True

    def delete_entry(self, kind: str, entry_id: str, label: str) -> None:
        if self.confirm:
            answer = QMessageBox.question(
                self.window,
                f"Delete {kind}",
                f"Delete the {kind} “{label}”? Its files stay in the library, unattached.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        c = self.rt.catalogue
        remove = {"movie": c.delete_movie, "series": c.delete_series, "episode": c.delete_episode}
        self._run(f"delete the {kind}", lambda: remove[kind](entry_id))


def popup(menu: QMenu | None, at: QPoint) -> None:
    if menu is not None:
        menu.popup(at)
