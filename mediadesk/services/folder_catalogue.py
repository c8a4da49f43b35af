"""The catalogue step of a library-folder scan: a video on disk -> its place and metadata.

For one video it reads what Kodi and Jellyfin users keep beside it (``domain/kodi.py``
says which names): the NFOs (``movie.nfo`` or ``<name>.nfo``; ``tvshow.nfo`` in the
show folder and ``<episode>.nfo``), and the sidecar pictures (``poster.jpg``,
``fanart.jpg``, ``seasonNN-poster.jpg``...). Then, in this order of trust:

1. what a person edited in MediaDesk (``edited_fields``) is never changed;
2. an NFO's values win over the file name's guess (``services/naming.py``);
3. the guess fills the rest (numbers, versions: ``Title (2019) - 4K``).

A file already in the catalogue stays where it is (a person may have moved it); its
entry's metadata is refreshed from the NFOs. An NFO that cannot be read (broken,
hostile) is reported in ``problems`` and the guess is used instead.

Pictures become ``artwork`` rows with ``source="sidecar"``, under the user's own
choice (``catalogue_read.pick_artwork``). ``import_image`` brings an image file into
the library (for a library folder, referenced in place); a sidecar already linked with
the same name and size is not imported again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.kodi import (
    is_movie_folder,
    season_of_folder,
    show_folder,
    show_sidecars,
    video_sidecars,
)
from mediadesk.domain.nfo import MAX_NFO_BYTES, NfoDocument, NfoKind, merge_episodes, parse_nfo
from mediadesk.errors import MediaDeskError
from mediadesk.events import CatalogueChanged, EventBus
from mediadesk.library.db import Database
from mediadesk.library.models import Artwork, CatalogueFile, Episode, MediaFile, Movie, Series
from mediadesk.library.queries import get_media_row
from mediadesk.services import catalogue_attach as attach_rules
from mediadesk.services.artwork import ArtSubject, ArtworkService
from mediadesk.services.catalogue_attach import Attached, AttachTarget, EpisodeTarget, MovieTarget
from mediadesk.services.catalogue_metadata import (
    apply_values,
    episode_values,
    movie_values,
    series_values,
    set_external_ids,
)
from mediadesk.services.naming import VIDEO_EXTENSIONS, GuessKind, NameGuess, guess_from_name

log = logging.getLogger(__name__)

# Imports an image file into the library and returns its media file id.
ImportImage = Callable[[Path], str]


@dataclass(frozen=True)
class Picture:
    """A sidecar picture for an entry: ``kind`` movie, series or season."""

    kind: str
    role: str  # poster, backdrop
    path: PurePath
    season: int | None = None


@dataclass(frozen=True)
class Identity:
    """What the folder says about one video."""

    target: AttachTarget | None
    movie: NfoDocument | None = None
    show: NfoDocument | None = None
    episode: NfoDocument | None = None
    pictures: tuple[Picture, ...] = ()
    problems: tuple[str, ...] = ()  # NFOs that could not be read, and why


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


def identify(path: Path) -> Identity:
    """Read the folder around ``path`` (a video) and decide its place and metadata."""
    path = Path(path)
    names = folder_names(path.parent)
    guess = guess_from_name(path)
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
    return Identity(target, movie=doc, pictures=tuple(pictures), problems=tuple(problems))


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
    return Identity(
        target, show=show, episode=ep, pictures=tuple(pictures), problems=tuple(problems)
    )


def apply_identity(session: Session, media: MediaFile, identity: Identity) -> Attached:
    """Inside the caller's transaction: the file's place (unless it has one) and the
    NFO metadata of its entries, leaving what people edited alone."""
    placed = session.get(CatalogueFile, media.id)
    if placed is not None:
        attached = Attached(movie_id=placed.movie_id, episode_id=placed.episode_id)
    elif identity.target is not None:
        attached = attach_rules.attach_in(session, media, identity.target)
    else:
        return Attached()
    if attached.movie_id is not None and identity.movie is not None:
        movie = session.get(Movie, attached.movie_id)
        assert movie is not None
        apply_values(movie, movie_values(identity.movie))
        set_external_ids(session, movie, identity.movie.ids, by_user=False)
    if attached.episode_id is not None:
        episode = session.get(Episode, attached.episode_id)
        assert episode is not None
        if identity.episode is not None:
            apply_values(episode, episode_values(identity.episode))
            set_external_ids(session, episode, identity.episode.ids, by_user=False)
        if identity.show is not None:
            series = episode.season.series
            values = series_values(identity.show)
            if not _title_free(session, series, values.get("title")):
                values.pop("title")
            apply_values(series, values)
            set_external_ids(session, series, identity.show.ids, by_user=False)
    session.flush()
    return attached


def _title_free(session: Session, series: Series, title: str | None) -> bool:
    if not title:
        return False
    other = session.scalar(select(Series.id).where(Series.title == title, Series.id != series.id))
    return other is None


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
