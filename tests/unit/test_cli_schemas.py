"""The --json shapes are documented and stable: docs/schemas must match the code."""

import json
from pathlib import Path

import pytest

from mediadesk.cli.schemas import SHAPES, schema_of

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_documented_schema_matches(name: str) -> None:
    documented = json.loads((DOCS / f"{name}.schema.json").read_text())
    assert schema_of(name) == documented, (
        f"the --json shape of {name!r} changed; if intended (fields may be added, never "
        "renamed or removed) run: python -m mediadesk.cli.schemas docs/schemas"
    )
