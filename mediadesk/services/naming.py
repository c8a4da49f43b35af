"""Guessing a catalogue entry from a file name (``Show.S02E05.Title.mkv`` -> episode).

Shells use it to pre-fill an import dialog; nothing is attached on a guess alone.
Folder names help when the file name says little (``Show/Season 02/05 - Title.mkv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import PurePath

from mediadesk.services.catalogue import AttachTarget, EpisodeTarget, MovieTarget


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

    def target(self) -> AttachTarget | None:
        """The attach target this guess suggests, or ``None`` when unsure."""
        if self.kind == GuessKind.EPISODE and self.title and self.season is not None:
            assert self.episode is not None
            return EpisodeTarget(self.title, self.season, self.episode, self.episode_title)
        if self.kind == GuessKind.MOVIE and self.title:
            return MovieTarget(self.title)
        return None


_SEP = r"[ ._\-]"
# S02E05, s2e5, S02.E05, S02 E05, S02E05E06 (the first episode counts).
_SXXEYY = re.compile(r"(?<![a-z0-9])s(\d{1,3})" + _SEP + r"?e(\d{1,4})(?:e\d{1,4})*(?![0-9])", re.I)
# 2x05 but not 1920x1080: one or two digits, then x, then two or three digits.
_NXNN = re.compile(r"(?<![a-z0-9])(\d{1,2})x(\d{2,3})(?![a-z0-9])", re.I)
_SEASON_EPISODE_WORDS = re.compile(
    r"season" + _SEP + r"*(\d{1,3})" + _SEP + r"*(?:episode|ep)" + _SEP + r"*(\d{1,4})", re.I
)
_SEASON_DIR = re.compile(r"^(?:season|series|staffel|saison|s)" + _SEP + r"*(\d{1,3})$", re.I)
_EPISODE_ONLY = re.compile(
    r"^(?:e|ep|episode)?" + _SEP + r"*(\d{1,4})(?![0-9])(?:" + _SEP + r"+(.*))?$", re.I
)
_YEAR = re.compile(r"(?<![a-z0-9])(19\d\d|20\d\d)(?![a-z0-9])", re.I)
# Tokens that end a title: resolutions, sources, codecs, release groups' vocabulary.
_JUNK = re.compile(
    r"(?<![a-z0-9])(?:\d{3,4}p|4k|uhd|hdr10|hdr|bluray|blu-ray|bdrip|brrip|webrip|web-dl|"
    r"webdl|hdtv|dvdrip|remux|x264|x265|h\.?264|h\.?265|hevc|xvid|ac3|dts|ddp?5\.1|atmos|"
    r"repack)(?![a-z0-9])",
    re.I,
)


def guess_from_name(path: str | PurePath) -> NameGuess:
    """Guess from a path: the file name first, then its parent folders."""
    p = PurePath(path)
    stem = p.stem if p.suffix else p.name
    parents = [part for part in p.parent.parts if part not in ("/", "")]

    for pattern in (_SXXEYY, _SEASON_EPISODE_WORDS, _NXNN):
        m = pattern.search(stem)
        if m:
            season, episode = int(m.group(1)), int(m.group(2))
            series = clean_title(stem[: m.start()]) or _series_from_folders(parents)
            return NameGuess(
                GuessKind.EPISODE,
                series,
                season=season,
                episode=episode,
                episode_title=clean_title(stem[m.end() :]) or None,
            )

    folder_guess = _episode_from_folders(stem, parents)
    if folder_guess is not None:
        return folder_guess

    year_match = _first_year(stem)
    if year_match is not None:
        title = clean_title(stem[: year_match.start()])
        if title:
            return NameGuess(GuessKind.MOVIE, title, year=int(year_match.group(1)))
    return NameGuess(GuessKind.UNKNOWN, clean_title(stem) or stem)


def clean_title(text: str) -> str:
    """Separators to spaces, quality tags and stray punctuation dropped."""
    junk = _JUNK.search(text)
    if junk:
        text = text[: junk.start()]
    text = re.sub(r"\[[^\]]*\]", " ", text)  # [group] tags
    text = re.sub(r"[._]+", " ", text)
    text = re.sub(r"\s+", " ", text)
    text = text.strip(" -([{")
    text = re.sub(r"\(\s*\)$", "", text).strip(" -")
    return text


def _first_year(stem: str) -> re.Match[str] | None:
    # "2001 A Space Odyssey 1968": a year at the very start is part of the title.
    # A number past next year is a counter (IMG_2041), not a release year.
    latest = datetime.now(UTC).year + 1
    for m in _YEAR.finditer(stem):
        if m.start() > 0 and int(m.group(1)) <= latest:
            return m
    return None


def _series_from_folders(parents: list[str]) -> str:
    for part in reversed(parents):
        if _SEASON_DIR.match(part.strip()):
            continue
        return clean_title(part)
    return ""


def _episode_from_folders(stem: str, parents: list[str]) -> NameGuess | None:
    """``Show/Season 02/05 - Title``: the season from the folder, the episode from the name."""
    if not parents:
        return None
    season_dir = _SEASON_DIR.match(parents[-1].strip())
    if season_dir is None:
        return None
    episode = _EPISODE_ONLY.match(stem.strip())
    if episode is None:
        return None
    return NameGuess(
        GuessKind.EPISODE,
        _series_from_folders(parents[:-1]),
        season=int(season_dir.group(1)),
        episode=int(episode.group(1)),
        episode_title=clean_title(episode.group(2) or "") or None,
    )
