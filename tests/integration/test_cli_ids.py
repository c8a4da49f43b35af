"""Ids by their start on the command line: whole ids, unique starts, ambiguous ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mediadesk.errors import InvalidInput
from mediadesk.library.catalogue_models import Movie
from mediadesk.runtime import Runtime
from mediadesk.services.ids import IdKind, complete_id
from tests.integration.test_cli import run

pytestmark = pytest.mark.integration

FIRST = "abcd1111-0000-4000-8000-000000000001"
SECOND = "abcd2222-0000-4000-8000-000000000002"


def two_movies(rt: Runtime) -> None:
    with rt.db.write() as s:
        s.add_all([Movie(id=FIRST, title="First"), Movie(id=SECOND, title="Second")])


def test_a_unique_start_names_one_row_and_a_shared_one_is_refused(runtime: Runtime) -> None:
    two_movies(runtime)
    db = runtime.db
    assert complete_id(db, IdKind.MOVIE, "abcd1") == FIRST
    assert complete_id(db, IdKind.MOVIE, "ABCD22") == SECOND  # as typed or as shown
    assert complete_id(db, IdKind.MOVIE, FIRST) == FIRST
    with pytest.raises(InvalidInput, match="starts the ids of several movies"):
        complete_id(db, IdKind.MOVIE, "abcd")
    # Too short, not an id's start, or matching nothing: left as typed, for the command
    # to say it found nothing (and a pattern character is never a wildcard).
    for text in ("abc", "abcd%", "abcd_111", "ffff"):
        assert complete_id(db, IdKind.MOVIE, text) == text
    assert complete_id(db, IdKind.MEDIA, "abcd1") == "abcd1"  # another kind's table


def test_commands_take_starts_of_ids(home: Path, runtime: Runtime) -> None:
    two_movies(runtime)
    runtime.stop()
    edited = run(home, "movie", "edit", "abcd11", "--title", "First, Edited", "--json")
    assert edited.returncode == 0, edited.stderr
    assert json.loads(edited.stdout)["id"] == FIRST
    both = run(home, "movie", "edit", "abcd", "--title", "Nope")
    assert both.returncode == 3 and "starts the ids of several movies" in both.stderr
    listed = run(home, "library", "list").stdout
    assert "First, Edited" in listed and "movie abcd1111  no file" in listed
