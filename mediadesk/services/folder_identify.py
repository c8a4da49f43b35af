"""What a new file found in a library folder is: the one identification step.

``identify`` runs once per new referenced file, inside the transaction that makes it
media of the library (``FolderIntakeService.settle``), after its bytes were hashed and
probed. It reads what the folder says about a video (``folder_catalogue.identify``:
the Kodi/Jellyfin NFOs and sidecar pictures, then the name's guess) under the library
folder's kind; ``folder_place.apply_identity`` then attaches the file and applies
the NFO metadata in the same transaction, and the sidecar pictures are linked once it
has committed (``FolderCatalogue.link_pictures``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from mediadesk.domain.enums import MediaKind
from mediadesk.domain.folders import FolderKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.services.folder_catalogue import identify as identify_video
from mediadesk.services.folder_place import Identity
from mediadesk.services.naming import GuessKind

_HINTS = {FolderKind.MOVIES: GuessKind.MOVIE, FolderKind.SERIES: GuessKind.EPISODE}


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


def identify(session: Session, new: NewFile) -> Identity:
    """Where ``new`` belongs (a movie, an episode, or nowhere: loose media) and what its
    folder says about it."""
    if new.info.kind != MediaKind.VIDEO:
        return Identity(None)  # audio and pictures stay loose, as they do when imported
    return identify_video(new.path, new.info.tags, _HINTS.get(new.folder_kind))
