"""``movie``, ``series``, ``season`` and ``episode``: edit, merge, set a poster."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from mediadesk.cli.ids import MEDIA_ID, id_of
from mediadesk.cli.output import EXIT_OK, print_json
from mediadesk.errors import InvalidInput
from mediadesk.runtime import Runtime
from mediadesk.services.artwork import ArtSubject
from mediadesk.services.catalogue_edit import EpisodeEdit, MovieEdit, SeasonEdit, SeriesEdit
from mediadesk.services.ids import IdKind
from mediadesk.settings import Settings

_UNSET = object()


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _external_id(value: str) -> tuple[str, str]:
    provider, sep, ident = value.partition("=")
    if not sep or not provider.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not PROVIDER=ID (e.g. tmdb=329865)")
    return provider.strip(), ident.strip()


def _text_flags(parser: argparse.ArgumentParser, *names: str) -> None:
    for name in names:
        parser.add_argument(
            f"--{name.replace('_', '-')}", dest=name, default=_UNSET, metavar="TEXT"
        )


def register(sub: Any) -> None:
    for kind in ("movie", "series", "season", "episode"):
        article = "an" if kind[0] in "aeiou" else "a"
        group = sub.add_parser(kind, help=f"edit {article} {kind}").add_subparsers(
            dest=f"{kind}_command", metavar="ACTION", required=True
        )
        edit = group.add_parser("edit", help=f"change a {kind}'s fields (only those given)")
        edit.add_argument("id", type=id_of(IdKind(kind)))
        edit.add_argument("--json", action="store_true")
        edit.set_defaults(handler=cmd_edit, kind=kind)
        if kind == "movie":
            _text_flags(edit, "title", "original_title", "sort_title", "overview")
            edit.add_argument("--year", type=int, default=_UNSET)
            edit.add_argument("--genre", action="append", dest="genres", help="repeatable")
            edit.add_argument("--release-date", dest="release_date", type=_date, default=_UNSET)
        elif kind == "series":
            _text_flags(edit, "title", "original_title", "sort_title", "overview")
            edit.add_argument("--year", type=int, default=_UNSET)
            edit.add_argument("--genre", action="append", dest="genres", help="repeatable")
        elif kind == "season":
            _text_flags(edit, "title")
            edit.add_argument("--number", type=int, default=_UNSET)
        else:
            _text_flags(edit, "title", "overview")
            edit.add_argument("--number", type=int, default=_UNSET)
            edit.add_argument("--end-number", dest="end_number", type=int, default=_UNSET)
            edit.add_argument("--season", type=int, default=_UNSET, help="move to this season")
            edit.add_argument("--air-date", dest="air_date", type=_date, default=_UNSET)
        if kind != "season":
            edit.add_argument(
                "--external-id",
                dest="external_ids",
                action="append",
                type=_external_id,
                metavar="PROVIDER=ID",
                help="an id at another database (tmdb=329865, imdb=tt2543164); "
                "PROVIDER= removes it; repeatable",
            )
        if kind in ("movie", "series"):
            merge = group.add_parser("merge", help="merge OTHER into ID (OTHER goes away)")
            merge.add_argument("id", type=id_of(IdKind(kind)))
            merge.add_argument("other", type=id_of(IdKind(kind)))
            merge.add_argument("--json", action="store_true")
            merge.set_defaults(handler=cmd_merge, kind=kind)
        if kind != "episode":
            poster = group.add_parser("poster", help="set the poster")
            poster.add_argument("id", type=id_of(IdKind(kind)))
            how = poster.add_mutually_exclusive_group(required=True)
            how.add_argument("--image", type=Path, help="an image file to import and use")
            how.add_argument(
                "--media", metavar="ID", type=MEDIA_ID, help="an image already in the library"
            )
            how.add_argument(
                "--frame", metavar="ID", type=MEDIA_ID, help="a frame of this video (with --at)"
            )
            poster.add_argument("--at", type=float, default=0.0, help="seconds into --frame")
            poster.set_defaults(handler=cmd_poster, kind=kind)


def _edit_fields(args: argparse.Namespace) -> dict[str, Any]:
    names = [
        "title",
        "original_title",
        "sort_title",
        "overview",
        "year",
        "release_date",
        "number",
        "end_number",
        "season",
        "air_date",
    ]
    fields = {n: getattr(args, n) for n in names if getattr(args, n, _UNSET) is not _UNSET}
    if getattr(args, "genres", None) is not None:
        fields["genres"] = args.genres
    if getattr(args, "external_ids", None):
        fields["external_ids"] = dict(args.external_ids)
    if not fields:
        raise InvalidInput("nothing to change: give at least one field (see --help)")
    return fields


def cmd_edit(args: argparse.Namespace, settings: Settings) -> int:
    fields = _edit_fields(args)
    with Runtime(settings) as rt:
        c = rt.catalogue
        view: Any
        if args.kind == "movie":
            view = c.edit_movie(args.id, MovieEdit(**fields))
        elif args.kind == "series":
            view = c.edit_series(args.id, SeriesEdit(**fields))
        elif args.kind == "season":
            view = c.edit_season(args.id, SeasonEdit(**fields))
        else:
            view = c.edit_episode(args.id, EpisodeEdit(**fields))
    if args.json:
        print_json(view)
    else:
        print(f"{args.kind} {view.id} updated")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        if args.kind == "movie":
            view: Any = rt.catalogue.merge_movies(args.id, args.other)
        else:
            view = rt.catalogue.merge_series(args.id, args.other)
    if args.json:
        print_json(view)
    else:
        print(f"merged {args.other} into {args.kind} {view.id} ({view.title})")
    return EXIT_OK


def cmd_poster(args: argparse.Namespace, settings: Settings) -> int:
    subject = ArtSubject(args.kind, args.id)
    with Runtime(settings) as rt:
        if args.image is not None:
            rt.artwork.set_from_file(subject, args.image)
        elif args.media:
            rt.artwork.set_from_media(subject, args.media)
        else:
            rt.artwork.set_from_frame(subject, args.frame, args.at)
    print(f"poster set for {args.kind} {args.id}")
    return EXIT_OK
