"""Guessing a catalogue entry from a file's name, its folders and its container tags.

guessit reads the release-name conventions (``Movie.Title.2019.1080p.BluRay.x264``,
``Show.S01E02E03``, ``Show - 1x02 - Title``, ``[Group] Show - 1015``, dates); around it
we decide what counts as enough to attach (a movie needs a year or release tags, an
episode a series), read ``Show/Season 02/05 - Title`` folders, and let container tags
(``show``, ``season_number``, ``episode_sort``, ``title``) win over the name.

Guesses pre-fill the attach dialog and are what ``mediadesk import PATH`` attaches to
when no catalogue flag is given. guessit costs ~0.25 s to import and to build its
rules on first use: shells call it off their UI thread (the desktop warms it up after
the first paint).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from mediadesk.domain.catalogue import check_year, tagged_year
from mediadesk.domain.kodi import version_label
from mediadesk.errors import InvalidInput
from mediadesk.services.catalogue_attach import AttachTarget, EpisodeTarget, MovieTarget


class GuessKind(StrEnum):
    MOVIE = "movie"
    EPISODE = "episode"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class NameGuess:
    kind: GuessKind
    title: str  # the movie title, the series title, or a cleaned-up file name
    season: int | None = None
    episode: int | None = None
    episode_title: str | None = None
    year: int | None = None
    end_episode: int | None = None  # S01E02E03: a double episode ending at 3
    air_date: date | None = None  # date-based shows (talk shows, news)
    version: str | None = None  # "1080p", "4K": what tells versions of one entry apart

    def target(self) -> AttachTarget | None:
        """The attach target this guess suggests, or ``None`` when unsure."""
        if self.kind == GuessKind.EPISODE and self.title and self.season is not None:
            assert self.episode is not None
            return EpisodeTarget(
                self.title,
                self.season,
                self.episode,
                self.episode_title,
                end_episode=self.end_episode,
                version=self.version,
            )
        if self.kind == GuessKind.MOVIE and self.title:
            return MovieTarget(self.title, year=self.year, version=self.version)
        return None


# Only these are catalogued by name: photos and songs have their own numbering schemes
# (IMG_2041, 01 Track) that read as episodes.
VIDEO_EXTENSIONS = frozenset(
    [
        "mkv",
        "mp4",
        "m4v",
        "mov",
        "avi",
        "wmv",
        "ts",
        "m2ts",
        "mts",
        "mpg",
        "mpeg",
        "webm",
        "flv",
        "ogv",
        "vob",
        "3gp",
        "divx",
    ]
)
_SEASON_DIR = re.compile(r"^(?:season|series|staffel|saison|s)[ ._-]*(\d{1,3})$", re.I)
_SPECIALS_DIR = re.compile(r"^(?:specials?|extras?)$", re.I)
_RESOLUTIONS = {"2160p": "4K", "4320p": "8K"}
_RELEASE_FIELDS = ("source", "video_codec", "release_group", "streaming_service")
# The Kodi/Jellyfin convention, "Title (Year)", is explicit: trust it over guessit,
# which reads words such as "Web" in "Charlotte's Web (1973)" as a source.
_TITLE_YEAR = re.compile(r"^(?P<title>[^()\[\]]+?)\s*\((?P<year>(?:18|19|20)\d\d)\)")

_lock = threading.Lock()
_guessit: Any = None


def _api() -> Any:
    """guessit, imported and its rules built once (thread-safe, on first use)."""
    global _guessit
    with _lock:
        if _guessit is None:
            from guessit import guessit

            guessit("warm.up.S01E01.mkv")  # builds the rule set now, not on a user's drop
            _guessit = guessit
    return _guessit


def warm_up() -> None:
    _api()


def guess_from_name(path: str | PurePath, tags: Mapping[str, str] | None = None) -> NameGuess:
    """Guess from a path (the file name, then its folders) and, if given, container tags."""
    p = PurePath(path)
    ext = p.suffix.lower().lstrip(".")
    from_tags = _from_tags(tags or {})
    if from_tags is not None:
        return from_tags
    stem = p.stem if p.suffix else p.name
    if ext and ext not in VIDEO_EXTENSIONS:
        return NameGuess(GuessKind.UNKNOWN, _clean(stem) or stem)
    # The last two folders help (Show/Season 01/05.mkv); the rest is somebody's disk.
    parts = [part for part in p.parent.parts if part not in ("/", "")][-2:]
    text = "/".join([*parts, p.name])
    found = dict(_api()(text, {"type": None}))
    guess = _interpret(found, stem, parts)
    if tags:
        guess = _fill_from_tags(guess, tags)
    return guess


def _interpret(g: dict[str, Any], stem: str, parents: list[str]) -> NameGuess:
    title = _text(g.get("title"))
    version = _version(g)
    if g.get("type") == "episode":
        numbers = _numbers(g.get("episode"))
        season = _first_int(g.get("season"))
        air_date = g.get("date") if isinstance(g.get("date"), date) else None
        if air_date is not None and not numbers:
            # Date-based shows: the year is the season, the month and day the episode.
            season, numbers = air_date.year, [air_date.month * 100 + air_date.day]
        if season is None and numbers:
            season = _season_from_folders(parents)
            if season is None:
                season = 1  # absolute numbering (anime): all in one season
        if title and (_SEASON_DIR.match(title) or _SPECIALS_DIR.match(title)):
            title = None  # guessit took the "Specials" folder for the series
        series = _with_country(title, g.get("country")) or _series_from_folders(parents)
        if numbers and series and season is not None:
            return NameGuess(
                GuessKind.EPISODE,
                series,
                season=season,
                episode=numbers[0],
                episode_title=_text(g.get("episode_title")),
                year=_year(g.get("year")),
                end_episode=numbers[-1] if len(numbers) > 1 else None,
                air_date=air_date,
                version=version,
            )
    year = _year(g.get("year"))
    explicit = _TITLE_YEAR.match(stem)
    if explicit and _year(int(explicit.group("year"))) is not None:
        title, year = _clean(explicit.group("title")), int(explicit.group("year"))
        # Jellyfin's versions: "Title (2019) - 4K", "Title (2019) - Director's Cut".
        label = version_label(stem)
        if label:
            version = _RESOLUTIONS.get(label.lower(), label)[:64]
    elif year is not None:
        # A release name's title is everything before its year; guessit sometimes
        # keeps less ("Dune.Part.Two.2024" -> "Dune", the rest read as a part number).
        before = _before_year(stem, year)
        title = before or title
    release = any(g.get(f) for f in _RELEASE_FIELDS)
    if title and (year is not None or release) and g.get("type") != "episode":
        return NameGuess(GuessKind.MOVIE, title, year=year, version=version)
    if title and year is not None:
        return NameGuess(GuessKind.MOVIE, title, year=year, version=version)
    return NameGuess(GuessKind.UNKNOWN, _clean(stem) or stem)


def _from_tags(tags: Mapping[str, str]) -> NameGuess | None:
    """``show`` + ``season_number`` + ``episode_sort`` say it all (iTunes-style MP4s)."""
    show = (tags.get("show") or "").strip()
    season = _int(tags.get("season_number"))
    episode = _int(tags.get("episode_sort"))
    if show and season is not None and episode is not None:
        return NameGuess(
            GuessKind.EPISODE,
            show,
            season=season,
            episode=episode,
            episode_title=(tags.get("title") or "").strip() or None,
        )
    return None


def _fill_from_tags(guess: NameGuess, tags: Mapping[str, str]) -> NameGuess:
    """A name that says little, a title tag that says more: use the tag's title."""
    title = (tags.get("title") or "").strip()
    year = tagged_year(tags.get("year"), tags.get("date"))
    if guess.kind == GuessKind.UNKNOWN and title and year is not None:
        return NameGuess(GuessKind.MOVIE, title, year=year, version=guess.version)
    if guess.kind == GuessKind.MOVIE and guess.year is None and year is not None:
        return NameGuess(GuessKind.MOVIE, guess.title, year=year, version=guess.version)
    return guess


def _before_year(stem: str, year: int) -> str:
    found = list(re.finditer(rf"(?<!\d){year}(?!\d)", stem))
    return _clean(stem[: found[-1].start()]) if found else ""


def _season_from_folders(parents: list[str]) -> int | None:
    for part in reversed(parents):
        m = _SEASON_DIR.match(part.strip())
        if m:
            return int(m.group(1))
        if _SPECIALS_DIR.match(part.strip()):
            return 0
    return None


def _with_country(title: str | None, country: Any) -> str | None:
    """ "The Office (US)" and "The Office (UK)" are two shows: keep the country in the
    title as TVDB, Kodi and Jellyfin write it (guessit reads it apart, UK as GB)."""
    code = getattr(country, "alpha2", None)
    if not title or not code:
        return title
    return f"{title} ({'UK' if code == 'GB' else code})"


def _series_from_folders(parents: list[str]) -> str:
    for part in reversed(parents):
        if _SEASON_DIR.match(part.strip()) or _SPECIALS_DIR.match(part.strip()):
            continue
        return _clean(part)
    return ""


def _version(g: dict[str, Any]) -> str | None:
    size = _text(g.get("screen_size"))
    return _RESOLUTIONS.get(size or "", size) if size else None


def _numbers(value: Any) -> list[int]:
    if isinstance(value, list):
        return sorted({int(v) for v in value if isinstance(v, int)})
    return [value] if isinstance(value, int) else []


def _first_int(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, int) else None


def _year(value: Any) -> int | None:
    if not isinstance(value, int):
        return None
    try:
        return check_year(value)
    except InvalidInput:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).split("/")[0]) if value not in (None, "") else None
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return str(value).strip() or None if value is not None else None


def _clean(text: str) -> str:
    """Separators to spaces, ``[group]`` tags and stray punctuation dropped."""
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"[._]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" -([{")
