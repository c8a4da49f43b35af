"""``library export-nfo``: the catalogue written beside the media as Kodi/Jellyfin NFOs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mediadesk.cli.output import EXIT_INTERNAL, EXIT_OK, print_json
from mediadesk.runtime import Runtime
from mediadesk.settings import Settings

_WORDS = {
    "written": "Written",
    "unchanged": "Unchanged",
    "kept": "Kept (yours)",
    "failed": "Not written",
}


def add_export(library: Any) -> None:
    """Add ``export-nfo`` to the ``library`` subcommands."""
    exp = library.add_parser(
        "export-nfo",
        help="write movie.nfo, tvshow.nfo and episode NFOs beside media in library folders",
    )
    exp.add_argument("--folder", metavar="PATH", type=Path, help="only media under this folder")
    exp.add_argument(
        "--overwrite",
        action="store_true",
        help="also replace NFOs MediaDesk did not write (default: keep them)",
    )
    exp.add_argument("--json", action="store_true", help="print JSON")
    exp.set_defaults(handler=cmd_export_nfo)


def cmd_export_nfo(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        report = rt.nfo_export.export(args.folder, overwrite=args.overwrite)
    if args.json:
        print_json(report)
    else:
        for f in report.files:
            why = f"  ({f.reason})" if f.reason and f.outcome != "kept" else ""
            print(f"{_WORDS.get(f.outcome, f.outcome):<13} {f.label}: {f.path}{why}")
        print(
            f"{report.written} written, {report.unchanged} unchanged, {report.kept} kept"
            + (f", {report.failed} not written" if report.failed else "")
        )
        if report.kept:
            print("NFOs you wrote yourself were kept; --overwrite replaces them.")
    return EXIT_INTERNAL if report.failed else EXIT_OK
