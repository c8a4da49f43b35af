"""``library albums``: the albums the library's songs are on, with ``--songs`` in order."""

from __future__ import annotations

import argparse
from typing import Any

from mediadesk.cli.output import EXIT_OK, print_json, table
from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.runtime import Runtime
from mediadesk.services.ids import short_id
from mediadesk.services.library import MediaFilter, MediaOrder
from mediadesk.settings import Settings

EMPTY = "No albums: songs tagged with an album (ID3, Vorbis comments, MP4) are listed here."


def register(library: Any) -> None:
    albums = library.add_parser("albums", help="the albums your songs are on")
    albums.add_argument("--songs", action="store_true", help="each album's songs, in order")
    albums.add_argument(
        "--sort",
        choices=[x.value for x in CatalogueSort],
        default="title",
        help="albums by name, by year (newest first) or by when added (newest first)",
    )
    albums.add_argument("--json", action="store_true", help="print JSON")
    albums.set_defaults(handler=cmd_library_albums)


def cmd_library_albums(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        albums = rt.library.albums(CatalogueSort(args.sort))
        if args.json:
            print_json(albums)
            return EXIT_OK
        if not args.songs:
            rows = [
                [a.title, a.artist or "", str(a.year or ""), words.counted(a.songs, "song")]
                for a in albums
            ]
            table(rows, ["Album", "By", "Year", "Songs"], empty=EMPTY)
            return EXIT_OK
        if not albums:
            print(EMPTY)
        for album in albums:
            print(f"{album.label}  ({words.counted(album.songs, 'song')})")
            order = MediaFilter(album=album.key, order=MediaOrder.TITLE)
            for media in rt.library.list_media(order, limit=1000).items:
                song = media.song
                number = f"{song.track}." if song is not None and song.track else "-"
                title = song.title if song is not None else media.display_title
                print(f"  {number:>4} {title}  file {short_id(media.id)}")
    return EXIT_OK
