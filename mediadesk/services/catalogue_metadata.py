"""Metadata from outside (NFO files) onto catalogue entries, and who changed what.

The rule, in one place: what a person edited in MediaDesk wins over everything; an
NFO's value wins over a guess from the file name; a guess only fills what is empty.
Edits record their field names in ``edited_fields`` (:func:`mark_edited`); rescans
apply NFO values through :func:`apply_values`, which skips those fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import check_title, check_year, sort_key
from mediadesk.domain.nfo import NfoDocument
from mediadesk.errors import InvalidInput
from mediadesk.library.catalogue_models import Episode, ExternalId, Movie, Season, Series

Entry = Movie | Series | Season | Episode

PROVIDER = re.compile(r"^[a-z0-9_.-]{1,32}$")
EXTERNAL_IDS = "external_ids"  # the name an edit of the ids is recorded under


def mark_edited(entry: Entry, names: Iterable[str]) -> None:
    """Remember that a person set these fields (a rescan leaves them alone)."""
    entry.edited_fields = sorted({*(entry.edited_fields or []), *names})


def movie_values(doc: NfoDocument) -> dict[str, Any]:
    return {
        "title": doc.title,
        "original_title": doc.original_title,
        "sort_title": doc.sort_title,
        "year": doc.year,
        "overview": doc.plot,
        "genres": list(doc.genres) or None,
        "release_date": doc.aired,
    }


def series_values(doc: NfoDocument) -> dict[str, Any]:
    return {
        "title": doc.title,
        "original_title": doc.original_title,
        "sort_title": doc.sort_title,
        "year": doc.year,
        "overview": doc.plot,
        "genres": list(doc.genres) or None,
    }


def episode_values(doc: NfoDocument) -> dict[str, Any]:
    return {"title": doc.title, "overview": doc.plot, "air_date": doc.aired}


def apply_values(entry: Entry, values: Mapping[str, Any]) -> list[str]:
    """Set every value that is given and not edited by a person; the names changed.

    Values are checked as an edit would check them; a bad one (a year out of range) is
    skipped, since an NFO is advice, not a command.
    """
    edited = set(entry.edited_fields or [])
    changed = []
    for name, value in values.items():
        if value is None or name in edited or getattr(entry, name) == value:
            continue
        try:
            if name == "title":
                value = check_title(value, "entry")
            elif name == "year":
                value = check_year(value)
        except InvalidInput:
            continue
        setattr(entry, name, value)
        changed.append(name)
    if isinstance(entry, Movie | Series) and {"title", "sort_title"} & set(changed):
        entry.sort_key = sort_key(entry.sort_title or entry.title)
    return changed


def _owner(entry: Movie | Series | Episode) -> dict[str, str]:
    kind = {Movie: "movie_id", Series: "series_id", Episode: "episode_id"}[type(entry)]
    return {kind: entry.id}


def check_ids(ids: Mapping[str, str]) -> dict[str, str]:
    """Provider names in lower case, ids trimmed; a malformed one is refused by name."""
    out = {}
    for provider, value in ids.items():
        name = provider.strip().lower()
        if not PROVIDER.match(name):
            raise InvalidInput(f"{provider!r} is not a provider name such as tmdb, imdb or tvdb")
        clean = (value or "").strip()
        if len(clean) > 128:
            raise InvalidInput(f"the {name} id is longer than 128 characters")
        out[name] = clean
    return out


def set_external_ids(
    session: Session, entry: Movie | Series | Episode, ids: Mapping[str, str], *, by_user: bool
) -> list[str]:
    """Add or change ids (an empty value removes one); the providers changed.

    From an NFO (``by_user=False``) nothing changes once a person edited the ids.
    """
    if not by_user and EXTERNAL_IDS in (entry.edited_fields or []):
        return []
    ids = check_ids(ids)
    current = {row.provider: row for row in entry.external_ids}
    changed = []
    for provider, value in ids.items():
        row = current.get(provider)
        if not value:
            if row is not None:
                entry.external_ids.remove(row)
                session.delete(row)
                changed.append(provider)
        elif row is None:
            entry.external_ids.append(ExternalId(provider=provider, value=value, **_owner(entry)))
            changed.append(provider)
        elif row.value != value:
            row.value = value
            changed.append(provider)
    if by_user and changed:
        mark_edited(entry, [EXTERNAL_IDS])
    return changed
