"""The Kodi/Jellyfin folder conventions: which files beside a video are its sidecars.

Pure rules over names (the services list the folders and read the files):

```
Movies/Arrival (2016)/Arrival (2016) - 1080p.mkv     versions of one movie
Movies/Arrival (2016)/Arrival (2016) - 4K.mkv
Movies/Arrival (2016)/movie.nfo                      or Arrival (2016) - 4K.nfo
Movies/Arrival (2016)/poster.jpg                     folder.jpg, <name>-poster.jpg
Movies/Arrival (2016)/fanart.jpg                     <name>-fanart.jpg, backdrop.jpg
TV/Show/tvshow.nfo, poster.jpg, fanart.jpg
TV/Show/season01-poster.jpg                          season-specials-poster.jpg (0)
TV/Show/Season 01/Show - S01E01 - Pilot.mkv
TV/Show/Season 01/Show - S01E01 - Pilot.nfo          <episodedetails>
TV/Show/Season 01/poster.jpg                         a season folder's own poster
TV/Show/Specials/Show - S00E01 - Making Of.mkv       season 0
Music/Album/03 Song.flac, cover.jpg                  folder.jpg, front.jpg, <name>-cover.jpg
```

A name matches case-insensitively (NAS shares hold ``Poster.JPG``); a more specific
name wins over a general one (``<name>-poster.jpg`` over ``poster.jpg``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
NFO_EXTENSION = "nfo"
MOVIE_NFO = "movie.nfo"
TVSHOW_NFO = "tvshow.nfo"

_SEASON_DIR = re.compile(r"^(?:season|series|staffel|saison)[ ._-]*(\d{1,3})$", re.I)
_SPECIALS_DIR = re.compile(r"^specials?$", re.I)
_SEASON_ART = re.compile(r"^season(\d{1,3}|-specials|-all)-(poster|fanart|banner)$", re.I)
# "Arrival (2016) - 4K": what comes after " - " names a version of the movie.
_VERSION_SUFFIX = re.compile(r"^(?P<base>.+?\(\d{4}\))\s+-\s+(?P<label>.+)$")


@dataclass(frozen=True)
class Sidecars:
    """The sidecar files found for one video, by absolute path (``None``: none)."""

    nfo: PurePath | None = None
    poster: PurePath | None = None
    backdrop: PurePath | None = None


@dataclass(frozen=True)
class ShowSidecars:
    nfo: PurePath | None = None
    poster: PurePath | None = None
    backdrop: PurePath | None = None
    season_posters: dict[int, PurePath] | None = None


def season_of_folder(name: str) -> int | None:
    """``Season 01`` -> 1, ``Specials`` -> 0, anything else -> ``None``."""
    if _SPECIALS_DIR.match(name.strip()):
        return 0
    m = _SEASON_DIR.match(name.strip())
    return int(m.group(1)) if m else None


def show_folder(video: PurePath) -> PurePath:
    """Where a series keeps ``tvshow.nfo``: above the season folder, if there is one."""
    parent = video.parent
    return parent.parent if season_of_folder(parent.name) is not None else parent


def base_name(stem: str) -> str:
    """A version's shared name: ``Arrival (2016) - 4K`` -> ``Arrival (2016)``."""
    m = _VERSION_SUFFIX.match(stem)
    return m.group("base") if m else stem


def version_label(stem: str) -> str | None:
    """The version label of ``Title (Year) - Label`` names (Jellyfin's convention)."""
    m = _VERSION_SUFFIX.match(stem)
    return m.group("label").strip() or None if m else None


def _index(names: Iterable[str]) -> dict[str, str]:
    return {n.casefold(): n for n in names}


def _first(
    folder: PurePath, index: dict[str, str], stems: Iterable[str], exts: Sequence[str]
) -> PurePath | None:
    for stem in stems:
        for ext in exts:
            found = index.get(f"{stem}.{ext}".casefold())
            if found is not None:
                return folder / found
    return None


def video_sidecars(video: PurePath, names: Iterable[str], movie_folder: bool) -> Sidecars:
    """The NFO, poster and backdrop beside ``video``, from the ``names`` in its folder.

    ``movie_folder``: the folder holds one movie (its versions), so folder-wide names
    (``movie.nfo``, ``poster.jpg``) belong to it; in a folder of many movies or in a
    season folder only ``<name>.nfo`` and ``<name>-poster.jpg`` do.
    """
    folder = video.parent
    index = _index(names)
    stem = video.stem
    stems = list(dict.fromkeys([stem, base_name(stem)]))
    nfo_stems = stems + (["movie"] if movie_folder else [])
    poster_stems = [f"{s}-poster" for s in stems] + [f"{s}-cover" for s in stems]
    backdrop_stems = [f"{s}-fanart" for s in stems] + [f"{s}-backdrop" for s in stems]
    if movie_folder:
        poster_stems += ["poster", "folder", "cover"]
        backdrop_stems += ["fanart", "backdrop"]
    return Sidecars(
        nfo=_first(folder, index, nfo_stems, [NFO_EXTENSION]),
        poster=_first(folder, index, poster_stems, IMAGE_EXTENSIONS),
        backdrop=_first(folder, index, backdrop_stems, IMAGE_EXTENSIONS),
    )


def show_sidecars(
    show: PurePath, names: Iterable[str], season_folders: Mapping[int, Iterable[str]] | None = None
) -> ShowSidecars:
    """``tvshow.nfo``, the show's poster and backdrop and its season posters.

    ``season_folders`` maps a season number to the names in its folder, whose own
    ``poster.jpg``/``folder.jpg`` is that season's poster (the show folder's
    ``seasonNN-poster.jpg`` wins).
    """
    names = list(names)
    index = _index(names)
    seasons: dict[int, PurePath] = {}
    for number, folder_names in (season_folders or {}).items():
        own = _first(
            show / _season_dir_name(number, names),
            _index(folder_names),
            ["poster", "folder"],
            IMAGE_EXTENSIONS,
        )
        if own is not None:
            seasons[number] = own
    for name in names:
        stem, _, ext = name.rpartition(".")
        m = _SEASON_ART.match(stem)
        if m and ext.lower() in IMAGE_EXTENSIONS and m.group(2).lower() == "poster":
            which = m.group(1).lower()
            if which == "-all":
                continue
            seasons[0 if which == "-specials" else int(which)] = show / name
    return ShowSidecars(
        nfo=_first(show, index, ["tvshow"], [NFO_EXTENSION]),
        poster=_first(show, index, ["poster", "folder", "cover"], IMAGE_EXTENSIONS),
        backdrop=_first(show, index, ["fanart", "backdrop"], IMAGE_EXTENSIONS),
        season_posters=seasons,
    )


def album_cover(song: PurePath, names: Iterable[str]) -> PurePath | None:
    """The picture a music player shows for a song without cover art of its own: its
    own ``<name>-cover.jpg``, else the album folder's ``cover.jpg``, ``folder.jpg`` or
    ``front.jpg`` (what Picard, EAC and most rippers write)."""
    stems = [f"{song.stem}-cover", "cover", "folder", "front"]
    return _first(song.parent, _index(names), stems, IMAGE_EXTENSIONS)


def _season_dir_name(number: int, names: list[str]) -> str:
    for name in names:
        if season_of_folder(name) == number:
            return name
    return f"Season {number:02d}"


def season_folder_name(number: int) -> str:
    return "Specials" if number == 0 else f"Season {number:02d}"


def season_poster_name(number: int, ext: str = "jpg") -> str:
    return f"season-specials-poster.{ext}" if number == 0 else f"season{number:02d}-poster.{ext}"


def is_nfo(name: str) -> bool:
    return name.rpartition(".")[2].lower() == NFO_EXTENSION


def is_sidecar_name(name: str) -> bool:
    """NFOs and artwork: files the scan hands to the catalogue step, never imports."""
    stem, _, ext = name.rpartition(".")
    ext = ext.lower()
    if ext == NFO_EXTENSION:
        return True
    if ext not in IMAGE_EXTENSIONS:
        return False
    low = stem.lower()
    return (
        low in ("poster", "folder", "cover", "fanart", "backdrop", "banner", "logo", "clearart")
        or bool(_SEASON_ART.match(stem))
        or low.endswith(("-poster", "-fanart", "-cover", "-backdrop", "-banner", "-thumb"))
    )


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def is_movie_folder(folder_name: str, video_stems: Iterable[str]) -> bool:
    """Whether a folder holds one movie (its versions), so ``movie.nfo``, ``poster.jpg``
    and ``fanart.jpg`` in it are that movie's.

    Yes when every video in it shares one name (``Arrival (2016) - 4K`` and ``- 1080p``)
    and that name agrees with the folder's (``Arrival (2016)/Arrival.mkv``,
    ``Heat (1995)/Heat.1995.4K.mkv``); a ``Movies/`` folder that happens to hold one
    film does not qualify, so adding a second one later changes nothing.
    """
    bases = {_squash(base_name(stem)) for stem in video_stems}
    if len(bases) != 1:
        return False
    base, folder = bases.pop(), _squash(folder_name)
    return bool(base) and bool(folder) and (base.startswith(folder) or folder.startswith(base))


def movie_nfo_path(video: PurePath, names: Iterable[str], movie_folder: bool) -> PurePath:
    """Where a movie's NFO goes: the one the scan reads if there is one, else
    ``movie.nfo`` in a movie's own folder, else ``<name>.nfo`` (versions share it)."""
    names = list(names)
    found = video_sidecars(video, names, movie_folder).nfo
    if found is not None:
        return found
    if movie_folder:
        return video.parent / MOVIE_NFO
    return video.parent / f"{base_name(video.stem)}.{NFO_EXTENSION}"


def episode_nfo_path(video: PurePath, names: Iterable[str]) -> PurePath:
    found = video_sidecars(video, names, movie_folder=False).nfo
    return found if found is not None else video.with_suffix(f".{NFO_EXTENSION}")


def tvshow_nfo_path(show: PurePath, names: Iterable[str]) -> PurePath:
    found = show_sidecars(show, names).nfo
    return found if found is not None else show / TVSHOW_NFO
