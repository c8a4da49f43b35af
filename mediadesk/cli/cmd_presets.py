"""``presets list|show|validate``: every kind of preset (audio masters, HLS ladders...)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mediadesk.cli.output import EXIT_OK, print_json, table
from mediadesk.domain import vocabulary as words
from mediadesk.engine.presets import list_presets, load_file, load_preset
from mediadesk.settings import Settings


def register(sub: Any) -> None:
    presets = sub.add_parser("presets", help="versioned presets").add_subparsers(
        dest="presets_command", metavar="ACTION", required=True
    )
    ls = presets.add_parser("list", help="every preset, of every kind")
    ls.add_argument("--kind", help="only this kind (e.g. audio_master)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    show = presets.add_parser("show", help="one preset, every field (e.g. audio/podcast_v1)")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    validate = presets.add_parser("validate", help="check a preset file; exit 3 if invalid")
    validate.add_argument("file", type=Path)
    validate.add_argument("--json", action="store_true")
    validate.set_defaults(handler=cmd_validate)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    items = [p for p in list_presets() if args.kind in (None, p.kind)]
    if args.json:
        print_json(items)
    else:
        table(
            [(p.id, p.title, words.preset_kind(p.kind), p.version) for p in items],
            ["ID", "NAME", "KIND", "VERSION"],
        )
    return EXIT_OK


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    preset = load_preset(args.id)
    data = {"id": args.id, **preset.model_dump(mode="json")}
    # One shape for people and machines: a preset is read as the JSON it is written in.
    print_json(data)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    preset = load_file(args.file)  # InvalidInput (exit 3) names the field at fault
    if args.json:
        print_json(
            {"file": str(args.file), "valid": True, "kind": preset.kind, "version": preset.version}
        )
    else:
        print(f"{args.file}: valid {preset.kind} preset, version {preset.version}")
    return EXIT_OK
