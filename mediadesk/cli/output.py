"""Printing for the CLI: stable JSON for machines, short lines for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from mediadesk.domain.vocabulary import human_size

__all__ = ["human_size"]  # the CLI's callers import it from here

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_PIPE = 128 + 13  # what a shell reports for a tool killed by SIGPIPE


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, list | tuple):
        return [to_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


def print_json(obj: Any) -> None:
    json.dump(to_jsonable(obj), sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    sys.stdout.flush()


def error(message: str) -> None:
    print(f"mediadesk: {message}", file=sys.stderr)


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str], empty: str = "") -> None:
    """A plain-text table; with no rows, ``empty`` (a sentence saying why, or what to do)."""
    if not rows and empty:
        print(empty)
        return
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = round(seconds)
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
