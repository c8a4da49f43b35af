"""The catalogue step of a library-folder scan: a video on disk -> its place and metadata.

For one video it reads what Kodi and Jellyfin users keep beside it (``domain/kodi.py``
says which names): the NFOs (``movie.nfo`` or ``<name>.nfo``; ``tvshow.nfo`` in the
show folder and ``<episode>.nfo``), and the sidecar pictures (``poster.jpg``,
``fanart.jpg``, ``seasonNN-poster.jpg``...). Then, in this order of trust:

1. what a person edited in MediaDesk (``edited_fields``) is never changed;
2. an NFO's values win over the file name's guess (``services/naming.py``);
3. the guess fills the rest (numbers, versions: ``Title (2019) - 4K``).

``folder_place.apply_identity`` acts on what :func:`identify` found. A file already in
the catalogue stays where it is (a person may have moved it); its entry's metadata is
refreshed from the NFOs. An NFO that cannot be read (broken,
hostile) is reported in ``problems`` and the guess is used instead.

Pictures become ``artwork`` rows with ``source="sidecar"``, under the user's own
choice (``catalogue_read.pick_artwork``). ``import_image`` brings an image file into
the library (for a library folder, referenced in place); a sidecar already linked with
the same name and size is not imported again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from sqlalchemy import select

from mediadesk.base_types import utcnow
from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.enums import MediaKind
from mediadesk.domain.kodi import (
    TVSHOW_NFO,
    is_movie_folder,
    is_nfo,
    season_of_folder,
    show_folder,
    show_sidecars,
    video_sidecars,
)
from mediadesk.domain.nfo import MAX_NFO_BYTES, NfoDocument, NfoKind, merge_episodes, parse_nfo
from mediadesk.errors import MediaDeskError
from mediadesk.events import CatalogueChanged, EventBus
from mediadesk.library.catalogue_models import Artwork, CatalogueFile, Episode
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile
from mediadesk.library.queries import get_media_row
from mediadesk.services.artwork import ArtSubject, ArtworkService
from mediadesk.services.catalogue_attach import Attached, EpisodeTarget, MovieTarget
from mediadesk.services.folder_place import Identity, Picture, apply_identity
from mediadesk.services.naming import VIDEO_EXTENSIONS, GuessKind, NameGuess, guess_from_name

log = logging.getLogger(__name__)

# Imports an image file into the library and returns its media file id.
ImportImage = Callable[[Path], str]


@dataclass(frozen=True)
class CatalogueOutcome:
    attached: Attached
    identity: Identity
    pictures: list[str] = field(default_factory=list)  # the sidecars linked this time


def folder_names(folder: PurePath) -> list[str]:
    """The names in a folder; none when it cannot be listed (gone, no permission)."""
    try:
        return [p.name for p in Path(folder).iterdir()]
    except OSError:
        return []


def _read_nfo(path: PurePath | None, problems: list[str]) -> list[NfoDocument]:
    if path is None:
        return []
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_NFO_BYTES + 1)  # enough for parse_nfo to refuse a bigger one
        return parse_nfo(data, path.name)
    except MediaDeskError as exc:
        problems.append(exc.message)
    except OSError as exc:
        problems.append(f"{path.name} could not be read: {exc.strerror or exc}")
    return []


def video_stems(names: list[str]) -> list[str]:
    out = []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if dot and ext.lower() in VIDEO_EXTENSIONS:
            out.append(stem)
    return out


def identify(
    path: Path, tags: Mapping[str, str] | None = None, hint: GuessKind | None = None
) -> Identity:
    """Read the folder around ``path`` (a video) and decide its place and metadata.

    ``tags``: the container's tags (they help the name's guess); ``hint``: what the
    library folder holds (``MOVIE`` for a movies folder: a name that says nothing is
    still a film; ``EPISODE`` for a series folder: never a film).
    """
    path = Path(path)
    names = folder_names(path.parent)
    guess = guess_from_name(path, tags)
    if guess.kind == GuessKind.UNKNOWN and hint == GuessKind.MOVIE and guess.title:
        guess = replace(guess, kind=GuessKind.MOVIE)
    problems: list[str] = []
    show_dir = show_folder(path)
    show_names = folder_names(show_dir) if show_dir != path.parent else names
    episode_side = video_sidecars(path, names, movie_folder=False)
    episode_docs = [d for d in _read_nfo(episode_side.nfo, problems) if d.kind == NfoKind.EPISODE]
    show_side = show_sidecars(show_dir, show_names)
    looks_like_show = bool(episode_docs) or (
        show_side.nfo is not None and guess.kind != GuessKind.MOVIE
    )
    if guess.kind == GuessKind.EPISODE or looks_like_show:
        return _episode(path, guess, episode_docs, show_dir, show_names, problems)
    if hint == GuessKind.EPISODE:
        return Identity(None, problems=tuple(problems))  # a film in a series folder: loose
    movie_folder = is_movie_folder(path.parent.name, video_stems(names))
    side = video_sidecars(path, names, movie_folder)
    docs = [d for d in _read_nfo(side.nfo, problems) if d.kind == NfoKind.MOVIE]
    doc = docs[0] if docs else None
    pictures = [
        Picture("movie", role, p)
        for role, p in (("poster", side.poster), ("backdrop", side.backdrop))
        if p is not None
    ]
    title = (doc.title if doc else None) or (guess.title if guess.kind == GuessKind.MOVIE else None)
    if not title:
        return Identity(None, movie=doc, problems=tuple(problems))
    year = doc.year if doc and doc.year else guess.year
    target = MovieTarget(
        title, year=year, version=guess.version, on_conflict=ConflictChoice.VERSION
    )
    return Identity(
        target,
        movie=doc,
        pictures=tuple(pictures),
        problems=tuple(problems),
        folder=path.parent if movie_folder else None,
    )


def _episode(
    path: Path,
    guess: NameGuess,
    episode_docs: list[NfoDocument],
    show_dir: PurePath,
    show_names: list[str],
    problems: list[str],
) -> Identity:
    ep = merge_episodes(episode_docs) if episode_docs else None
    seasons = {
        n: folder_names(show_dir / name)
        for name in show_names
        if (n := season_of_folder(name)) is not None and Path(show_dir / name).is_dir()
    }
    show_side = show_sidecars(show_dir, show_names, seasons)
    shows = [d for d in _read_nfo(show_side.nfo, problems) if d.kind == NfoKind.TVSHOW]
    show = shows[0] if shows else None
    series = (show.title if show else None) or (ep.show_title if ep else None) or guess.title
    season = ep.season if ep and ep.season is not None else guess.season
    if season is None:
        season = season_of_folder(path.parent.name)
    number = ep.episode if ep and ep.episode is not None else guess.episode
    end = ep.end_episode if ep and ep.end_episode is not None else guess.end_episode
    pictures = [
        Picture("series", role, p)
        for role, p in (("poster", show_side.poster), ("backdrop", show_side.backdrop))
        if p is not None
    ]
    season_posters = show_side.season_posters or {}
    if season is not None and season in season_posters:
        pictures.append(Picture("season", "poster", season_posters[season], season))
    if not series or season is None or number is None:
        return Identity(None, show=show, episode=ep, problems=tuple(problems))
    target = EpisodeTarget(
        series,
        season,
        number,
        (ep.title if ep else None) or guess.episode_title,
        end_episode=end if end != number else None,
        version=guess.version,
        on_conflict=ConflictChoice.VERSION,
        year=show.year if show and show.year else guess.year,
    )
    # A show's own folder: a season folder below it, or its tvshow.nfo (a flat "TV/"
    # folder of many shows is nobody's show folder).
    own = show_dir != path.parent or show_side.nfo is not None
    return Identity(
        target,
        show=show,
        episode=ep,
        pictures=tuple(pictures),
        problems=tuple(problems),
        folder=show_dir if own else None,
    )


class FolderCatalogue:
    """Places library-folder videos in the catalogue and links their sidecar pictures."""

    def __init__(
        self, db: Database, bus: EventBus, artwork: ArtworkService, import_image: ImportImage
    ) -> None:
        self.db = db
        self.bus = bus
        self.artwork = artwork
        self.import_image = import_image

    def catalogue(self, media_id: str, path: Path) -> CatalogueOutcome:
        """Identify the video at ``path`` (media file ``media_id``) and place it."""
        identity = identify(Path(path))
        with self.db.write() as s:
            attached = apply_identity(s, get_media_row(s, media_id), identity)
        linked = self.link_pictures(attached, identity)
        self.bus.publish(CatalogueChanged())
        for problem in identity.problems:
            log.warning("%s: %s", path, problem)
        return CatalogueOutcome(attached, identity, linked)

    def refresh(self, nfos: Iterable[Path]) -> int:
        """NFOs or sidecar pictures that appeared or changed: their videos' entries take
        the new values and pictures (never over a person's edits, never moving a file).
        The number of videos looked at."""
        nfos = [Path(p) for p in nfos]
        self._pictures_gone([p for p in nfos if not is_nfo(p.name) and not p.exists()])
        if not nfos:
            return 0
        # The placed videos, read once and grouped by folder: one query per NFO (a
        # LIKE over every media file) made a first scan with 2,000 NFOs take 45 s.
        by_folder: dict[Path, list[tuple[str, Path]]] = {}
        with self.db.read() as s:
            rows = s.execute(
                select(MediaFile.id, MediaFile.original_path)
                .join(CatalogueFile, CatalogueFile.media_file_id == MediaFile.id)
                .where(
                    MediaFile.original_path.is_not(None),
                    MediaFile.kind == MediaKind.VIDEO,
                    MediaFile.deleted_at.is_(None),
                    MediaFile.missing_since.is_(None),
                )
            ).all()
        for media_id, original in rows:
            path = Path(original or "")
            by_folder.setdefault(path.parent, []).append((media_id, path))
        videos: dict[str, Path] = {}
        for nfo in nfos:
            folder = nfo.parent
            # tvshow.nfo and pictures may speak for everything below (a show's poster,
            # its season posters); a movie's or an episode's NFO for its folder only.
            if nfo.name.lower() == TVSHOW_NFO or not is_nfo(nfo.name):
                for parent, found in by_folder.items():
                    if parent == folder or folder in parent.parents:
                        videos.update(found)
            else:
                videos.update(by_folder.get(folder, []))
        for media_id, path in videos.items():
            identity = identify(path)
            with self.db.write() as s:
                media = s.get(MediaFile, media_id)
                if media is None or s.get(CatalogueFile, media_id) is None:
                    continue  # not placed (loose, or not read yet): nothing to refresh
                attached = apply_identity(s, media, identity)
            self.link_pictures(attached, identity)
        if videos:
            self.bus.publish(CatalogueChanged())
        return len(videos)

    def _pictures_gone(self, paths: list[Path]) -> None:
        """Sidecar pictures deleted from disk: their media is missing (its WebP sizes are
        kept, as for any missing file) and no longer an entry's sidecar picture, so the
        entry shows what is left (another sidecar, a frame)."""
        if not paths:
            return
        with self.db.write() as s:
            ids = list(
                s.scalars(
                    select(MediaFile.id).where(
                        MediaFile.original_path.in_([str(p) for p in paths]),
                        MediaFile.kind == MediaKind.IMAGE,
                        MediaFile.deleted_at.is_(None),
                    )
                )
            )
            for media in s.scalars(select(MediaFile).where(MediaFile.id.in_(ids))):
                media.missing_since = media.missing_since or utcnow()
            for art in s.scalars(
                select(Artwork).where(Artwork.image_media_id.in_(ids), Artwork.source == "sidecar")
            ):
                s.delete(art)
        self.bus.publish(CatalogueChanged())

    def link_pictures(self, attached: Attached, identity: Identity) -> list[str]:
        subjects = self._subjects(attached)
        linked = []
        for picture in identity.pictures:
            key = picture.kind if picture.kind != "season" else f"season:{picture.season}"
            subject = subjects.get(key)
            if subject is None or self._already(subject, picture):
                continue
            try:
                image_id = self.import_image(Path(picture.path))
                self.artwork.set_from_media(subject, image_id, picture.role, source="sidecar")
            except (MediaDeskError, OSError) as exc:
                log.warning("sidecar picture %s not used: %s", picture.path, exc)
                continue
            linked.append(str(picture.path))
        return linked

    def _subjects(self, attached: Attached) -> dict[str, ArtSubject]:
        if attached.movie_id is not None:
            return {"movie": ArtSubject("movie", attached.movie_id)}
        if attached.episode_id is None:
            return {}
        with self.db.read() as s:
            episode = s.get(Episode, attached.episode_id)
            if episode is None:
                return {}
            season = episode.season
            return {
                "series": ArtSubject("series", season.series_id),
                f"season:{season.number}": ArtSubject("season", season.id),
            }

    def _already(self, subject: ArtSubject, picture: Picture) -> bool:
        """The same sidecar (name and size) is linked already: nothing to import."""
        try:
            size = Path(picture.path).stat().st_size
        except OSError:
            return True  # gone since the folder was listed
        column = getattr(Artwork, f"{subject.kind}_id")
        with self.db.read() as s:
            for art in s.scalars(
                select(Artwork).where(
                    column == subject.id,
                    Artwork.role == picture.role,
                    Artwork.source == "sidecar",
                )
            ):
                image = art.image
                if image.original_filename == picture.path.name and image.size_bytes == size:
                    return True
        return False
