"""Catalogue rules every layer shares: sort keys, valid numbers and years, labels."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum

from mediadesk.errors import InvalidInput

_ARTICLES = re.compile(r"^(the|a|an)\s+", re.I)
FIRST_YEAR = 1870  # the first moving pictures
MAX_NUMBER = 100_000


class ConflictChoice(StrEnum):
    """What to do when the episode (or movie) being attached to already has a file."""

    REPLACE = "replace"  # the new file takes its place; the old one becomes unattached
    VERSION = "version"  # keep both: the new file is another version of the entry
    SKIP = "skip"  # leave the entry as it is; the new file stays unattached


class CatalogueSort(StrEnum):
    TITLE = "title"  # sort title, leading articles ignored
    YEAR = "year"  # newest year first, then title
    ADDED = "added"  # newest first


def sort_key(title: str) -> str:
    """``The Matrix`` sorts under M: articles dropped, accents folded, case ignored."""
    text = unicodedata.normalize("NFKD", title).casefold().strip()
    return _ARTICLES.sub("", text)


def check_year(year: int | None) -> int | None:
    latest = datetime.now(UTC).year + 5
    if year is not None and not FIRST_YEAR <= year <= latest:
        raise InvalidInput(f"the year must be between {FIRST_YEAR} and {latest}, not {year}")
    return year


def tagged_year(year: str | None, date: str | None) -> int | None:
    """The year a file's tags give (``year``, else the start of ``date``), when plausible."""
    for text in (year, (date or "")[:4]):
        if not text:
            continue
        try:
            return check_year(int(text.split("/")[0]))
        except (ValueError, InvalidInput):  # not a number, or no plausible year
            continue
    return None


def check_number(value: int | None, what: str, minimum: int = 0) -> int | None:
    if value is not None and not minimum <= value <= MAX_NUMBER:
        raise InvalidInput(f"the {what} number must be between {minimum} and {MAX_NUMBER}")
    return value


def check_title(title: str | None, what: str) -> str:
    clean = (title or "").strip()
    if not clean:
        raise InvalidInput(f"a {what} needs a title")
    if len(clean) > 512:
        raise InvalidInput(f"the {what} title is longer than 512 characters")
    return clean


def episode_code(season: int, number: int, end: int | None = None) -> str:
    """``S01E02``, or ``S01E02-E03`` for a double episode."""
    code = f"S{season:02d}E{number:02d}"
    return f"{code}-E{end:02d}" if end is not None and end != number else code


def episode_label(number: int, end: int | None = None, title: str | None = None) -> str:
    """An episode's own name: its title, else "Episode 2" ("Episode 2-3" for a double)."""
    if title:
        return title
    return f"Episode {episode_numbers(number, end)}"


def episode_numbers(number: int, end: int | None = None) -> str:
    return f"{number}-{end}" if end is not None and end != number else str(number)


def season_label(number: int, title: str | None = None) -> str:
    return title or ("Specials" if number == 0 else f"Season {number}")


def movie_label(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title
