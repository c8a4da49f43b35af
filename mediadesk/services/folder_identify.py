"""What a new file found in a library folder is: the one identification step.

``identify`` runs once per new referenced file, inside the transaction that makes it
media of the library (``FolderIntakeService.settle``), after its bytes were hashed and
probed. It says where the file belongs in the catalogue; the caller attaches it there
and plans its pipeline. This is the place to grow what a folder can tell about a file
(Kodi/Jellyfin NFO files, sidecar artwork and subtitles, versions): everything it needs
is in ``NewFile``, and ``after_attach`` runs once the entry exists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.enums import MediaKind
from mediadesk.domain.folders import FolderKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.library.models import MediaFile
from mediadesk.services.catalogue_attach import Attached, AttachTarget, MovieTarget
from mediadesk.services.naming import GuessKind, guess_from_name


@dataclass(frozen=True)
class NewFile:
    """A referenced file about to become media of the library."""

    folder_id: str
    folder_path: Path
    folder_kind: FolderKind
    rel_path: str  # POSIX, relative to the folder
    info: MediaInfo

    @property
    def path(self) -> Path:
        return self.folder_path / self.rel_path


def identify(session: Session, new: NewFile) -> AttachTarget | None:
    """Where ``new`` belongs: a movie, an episode, or nowhere (loose media)."""
    if new.info.kind != MediaKind.VIDEO:
        return None  # audio and pictures stay loose, as they do when imported
    # The path inside the folder is what the user named: "Show/Season 01/..." helps.
    name = str(PurePosixPath(new.folder_path.name) / new.rel_path)
    guess = guess_from_name(name, new.info.tags)
    if guess.kind == GuessKind.UNKNOWN and new.folder_kind == FolderKind.MOVIES and guess.title:
        # Everything in a movies folder is a film, even without a year in its name.
        guess = replace(guess, kind=GuessKind.MOVIE)
    if guess.kind == GuessKind.MOVIE and new.folder_kind == FolderKind.SERIES:
        return None  # a film in a series folder is somebody's mistake: keep it loose
    target = guess.target()
    if target is not None and target.on_conflict is None:
        # A guess never replaces what an entry has: it adds a version.
        target = replace(target, on_conflict=ConflictChoice.VERSION)
    if isinstance(target, MovieTarget) and new.folder_kind == FolderKind.SERIES:
        return None
    return target


def after_attach(session: Session, new: NewFile, media: MediaFile, attached: Attached) -> None:
    """Runs after ``media`` was attached where ``identify`` said (same transaction).

    Nothing to do yet; sidecars (NFO metadata, artwork, subtitles) go here.
    """
