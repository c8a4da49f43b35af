"""``library stats``: where the library's bytes go."""

from __future__ import annotations

import argparse
from typing import Any

from mediadesk.cli.output import EXIT_OK, human_size, print_json, table
from mediadesk.library.views import StorageStats
from mediadesk.runtime import Runtime
from mediadesk.settings import Settings

GB = 1_000_000_000


def register(library: Any) -> None:
    stats = library.add_parser(
        "stats", help="storage: originals, each kind of output, each rendition, per hour"
    )
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=cmd_library_stats)


def budget_of(settings: Settings) -> int | None:
    gb = settings.ladder_budget_gb_per_hour
    return round(gb * GB) if gb else None


def cmd_library_stats(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        stats = rt.library.storage_stats(budget_of(settings))
    if args.json:
        print_json(stats)
        return EXIT_OK
    print_stats(stats)
    return EXIT_OK


def _per_hour(value: int | None) -> str:
    return f"{human_size(value)} per hour" if value is not None else "-"


def print_stats(stats: StorageStats) -> None:
    print(stats.summary)
    print()
    table(
        [[o.label, human_size(o.bytes), str(o.files)] for o in stats.outputs],
        ["Output", "Size", "Files"],
    )
    if stats.renditions:
        print()
        table(
            [
                [
                    r.name,
                    str(r.titles),
                    human_size(r.bytes),
                    _per_hour(r.bytes_per_hour),
                    r.picture or "-",
                ]
                for r in stats.renditions
            ],
            ["Version", "Titles", "Size", "Per hour", "Picture"],
        )
    print()
    print(stats.ladder_summary)
