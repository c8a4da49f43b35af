"""``library list`` and ``media show|list|attach|detach|delete|check``."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from mediadesk.cli import cmd_albums, cmd_nfo, cmd_stats
from mediadesk.cli.cmd_import import describe_media, target_from
from mediadesk.cli.ids import MEDIA_ID, id_of
from mediadesk.cli.output import (
    EXIT_OK,
    EXIT_USAGE,
    error,
    human_duration,
    human_size,
    print_json,
    table,
)
from mediadesk.cli.waiting import say_if_idle, wait_for_jobs
from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import (
    CatalogueSort,
    ConflictChoice,
    episode_code,
    movie_label,
    season_label,
)
from mediadesk.domain.enums import MediaKind, MediaStatus
from mediadesk.domain.folders import HEALTH_WORDS, HealthState
from mediadesk.runtime import Runtime
from mediadesk.services.ids import IdKind, short_id
from mediadesk.services.ingest import Guess
from mediadesk.services.library import MediaFilter
from mediadesk.settings import Settings


def register(sub: Any) -> None:
    lib = sub.add_parser("library", help="the catalogue").add_subparsers(
        dest="library_command", metavar="ACTION", required=True
    )
    ls = lib.add_parser("list", help="movies, series (seasons, episodes) and loose media")
    ls.add_argument("--sort", choices=[x.value for x in CatalogueSort], default="title")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_library_list)
    cmd_stats.register(lib)
    cmd_albums.register(lib)
    cmd_nfo.add_export(lib)

    media = sub.add_parser("media", help="media files").add_subparsers(
        dest="media_command", metavar="ACTION", required=True
    )
    show = media.add_parser("show", help="one media file with probe data and artifacts")
    show.add_argument("id", type=MEDIA_ID)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_media_show)
    mls = media.add_parser("list", help="media files, newest first")
    mls.add_argument("--kind", choices=[k.value for k in MediaKind])
    mls.add_argument("--status", choices=[s.value for s in MediaStatus])
    mls.add_argument("--search")
    mls.add_argument("--missing", action="store_true", help="files gone from their folder")
    mls.add_argument("--damaged", action="store_true", help="files a health check found damaged")
    mls.add_argument("--offset", type=int, default=0)
    mls.add_argument("--limit", type=int, default=100)
    mls.add_argument("--json", action="store_true")
    mls.set_defaults(handler=cmd_media_list)
    delete = media.add_parser("delete", help="delete a media file (soft unless --purge)")
    delete.add_argument("id", type=MEDIA_ID)
    delete.add_argument("--purge", action="store_true", help="also remove every file")
    delete.add_argument(
        "--delete-file",
        dest="delete_file",
        action="store_true",
        help="a file in a library folder: also delete it from the disk (never otherwise)",
    )
    delete.set_defaults(handler=cmd_media_delete)
    attach = media.add_parser("attach", help="attach a media file to a movie or an episode")
    attach.add_argument("id", type=MEDIA_ID)
    where = attach.add_mutually_exclusive_group(required=True)
    where.add_argument("--movie", metavar="TITLE", help="a movie (made if new)")
    where.add_argument("--series", metavar="NAME", help="an episode of this series (made if new)")
    where.add_argument(
        "--movie-id", dest="movie_id", type=id_of(IdKind.MOVIE), help="an existing movie, by id"
    )
    where.add_argument(
        "--episode-id",
        dest="episode_id",
        type=id_of(IdKind.EPISODE),
        help="an existing episode, by id",
    )
    attach.add_argument("--year", type=int, help="the movie's year (with --movie)")
    attach.add_argument("--season", type=int, help="season number (with --series)")
    attach.add_argument("--episode", type=int, help="episode number (with --series)")
    attach.add_argument("--title", help="episode title (with --series)")
    attach.add_argument("--version", help="a label for this version (1080p, Director's cut)")
    attach.add_argument(
        "--on-conflict", dest="on_conflict", choices=[c.value for c in ConflictChoice]
    )
    attach.set_defaults(handler=cmd_media_attach)
    check = media.add_parser(
        "check", help="decode a file whole: Healthy or Damaged, and where the errors are"
    )
    check.add_argument("id", nargs="?", type=MEDIA_ID)
    check.add_argument("--all", action="store_true", help="every video and audio file")
    check.add_argument("--wait", action="store_true", help="wait for the verdicts")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_media_check)
    for name, text in (
        ("watched", "mark media files as watched (their resume position is forgotten)"),
        ("unwatched", "mark media files as not watched, to start from the beginning"),
    ):
        mark = media.add_parser(name, help=text)
        mark.add_argument("ids", nargs="+", metavar="ID", type=MEDIA_ID)
        mark.set_defaults(handler=cmd_media_mark, watched=name == "watched")
    detach = media.add_parser("detach", help="take a media file out of its movie or episode")
    detach.add_argument("id", type=MEDIA_ID)
    detach.set_defaults(handler=cmd_media_detach)


def cmd_library_list(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        listing = rt.catalogue.listing(CatalogueSort(args.sort))
    if args.json:
        print_json(listing)
        return EXIT_OK
    if not (listing.movies or listing.series or listing.loose_media):
        print("The library is empty: `mediadesk import FILE` copies a file in,")
        print("`mediadesk folders add PATH` uses a folder of yours where it is.")
        return EXIT_OK
    # Only the sections that have something (an empty heading reads as a fault). Each
    # entry with its own short id (what `movie edit`, `episode edit`... take) and its
    # file's (what `media ...` takes); any start of an id of 4 or more characters works.
    lines: list[tuple[str, str]] = []
    if listing.movies:
        lines.append(("Movies", ""))
    for movie in listing.movies:
        label = f"  {movie_label(movie.title, movie.year)}"
        lines.append((label, _ids(("movie", movie.id), ("file", movie.media_file_id))))
    if listing.series:
        lines.append(("Series", ""))
    for series in listing.series:
        lines.append((f"  {series.title}", _ids(("series", series.id))))
        for season in series.seasons:
            label = f"    {season_label(season.number, season.title)}"
            lines.append((label, _ids(("season", season.id))))
            for ep in season.episodes:
                code = episode_code(season.number, ep.number, ep.end_number)
                label = f"      {code} {ep.title or ''}".rstrip()
                lines.append((label, _ids(("episode", ep.id), ("file", ep.media_file_id))))
    if listing.loose_media:
        lines.append(("Other media", ""))
    for media in listing.loose_media:
        label = f"  {media.display_title}  {words.media_status(media.state)}"
        lines.append((label, _ids(("file", media.id))))
    width = max(len(label) for label, ids in lines if ids)
    for label, ids in lines:
        print(f"{label:<{width}}  {ids}".rstrip())
    return EXIT_OK


def _ids(*pairs: tuple[str, str | None]) -> str:
    """'movie 1a2b3c4d  file 5e6f7a8b'; an entry with no file says so."""
    return "  ".join(
        f"{noun} {short_id(value)}" if value else f"no {noun}" for noun, value in pairs
    )


def cmd_media_show(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        media = rt.library.get_media(args.id)
        if args.json:
            print_json(media)
            return EXIT_OK
        print(f"{media.id}  {media.display_title}  {words.media_status(media.state)}")
        waiting = media.status in (MediaStatus.UPLOADED, MediaStatus.PROCESSING)
        say_if_idle(rt, waiting and not media.missing)
    if media.display_title != media.original_filename:  # an entry's or a song's title
        print(f"  file: {media.original_filename}")
    if media.song is not None and media.song.place:
        print(f"  {media.song.place}")
    describe_media(media)
    if media.playback is not None and (media.playback.position_s or media.playback.watched):
        state = words.finished(media.kind) if media.playback.watched else "stopped at "
        if not media.playback.watched:
            state += human_duration(media.playback.position_s)
        print(f"  {state}")
    if media.error_code:
        print(f"  error: {media.error_code}: {media.error_message}")
    if media.artifacts:
        print("  outputs:")
    for art in media.artifacts or []:
        # In words, as the app's detail pane names them; the key is where to find it.
        kind = words.output_kind(art.kind)
        print(f"    {kind:<28} {human_size(art.size_bytes):>10}  {art.storage_key}")
    return EXIT_OK


def cmd_media_list(args: argparse.Namespace, settings: Settings) -> int:
    flt = MediaFilter(
        kind=MediaKind(args.kind) if args.kind else None,
        status=MediaStatus(args.status) if args.status else None,
        search=args.search,
        missing=args.missing,
        health=HealthState.DAMAGED if args.damaged else None,
    )
    with Runtime(settings) as rt:
        page = rt.library.list_media(flt, offset=args.offset, limit=args.limit)
    if args.json:
        print_json(page)
        return EXIT_OK
    table(
        [
            (
                short_id(m.id),
                words.media_kind(m.kind),
                words.media_status(m.state),
                human_duration(m.duration_seconds),
                m.display_title,
            )
            for m in page.items
        ],
        ["ID", "KIND", "STATUS", "LENGTH", "TITLE"],
        empty=(
            "No media match."
            if flt != MediaFilter() or args.offset
            else "The library is empty: `mediadesk import FILE` adds a file, and"
            " `mediadesk folders add PATH` uses a folder where it is."
        ),
    )
    if page.items:
        print(f"{len(page.items)} of {page.total}")
    return EXIT_OK


def cmd_media_attach(args: argparse.Namespace, settings: Settings) -> int:
    choice = ConflictChoice(args.on_conflict) if args.on_conflict else None
    with Runtime(settings) as rt:
        if args.movie_id or args.episode_id:
            done = rt.catalogue.attach_to(
                args.id, args.movie_id, args.episode_id, choice, args.version
            )
        else:
            target = target_from(args)
            assert not isinstance(target, Guess) and target is not None
            if args.version:
                target = replace(target, version=args.version)
            done = rt.catalogue.attach(args.id, target)
        media = rt.library.get_media(args.id, detail=False)
    if done.skipped:
        print(f"skipped: {media.original_filename} stays where it was")
    else:
        print(f"{media.original_filename} is now {media.display_title}")
    return EXIT_OK


def cmd_media_mark(args: argparse.Namespace, settings: Settings) -> int:
    """As the app's and the web page's Mark as watched / unwatched."""
    with Runtime(settings) as rt:
        titles = rt.library.titles(args.ids)
        rt.playback.mark(args.ids, args.watched)
    said = "watched" if args.watched else "not watched"
    for media_id in args.ids:
        print(f"{short_id(media_id)}  {titles.get(media_id, media_id)}  {said}")
    return EXIT_OK


def cmd_media_detach(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        was = rt.catalogue.detach(args.id)
    print(f"detached {args.id}" if was else f"{args.id} was in no movie or episode")
    return EXIT_OK


def cmd_media_delete(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        media = rt.library.get_media(args.id, detail=False)
        rt.library.delete_media(args.id, purge=args.purge, delete_file=args.delete_file)
    print(f"{'purged' if args.purge else 'deleted'} {args.id}")
    if media.referenced:
        where = "deleted from the disk" if args.delete_file else "left where it is"
        print(f"  {media.original_path}: {where}")
    return EXIT_OK


def cmd_media_check(args: argparse.Namespace, settings: Settings) -> int:
    if bool(args.id) == bool(args.all):
        error("give a media file id, or --all")
        return EXIT_USAGE
    with Runtime(settings) as rt:
        job_ids = rt.health.check([args.id]) if args.id else rt.health.check_all()
        if args.wait and job_ids:
            wait_for_jobs(rt, job_ids, None, not args.json)
        results = rt.health.results(job_ids)
    if args.json:
        print_json(results)
        return EXIT_OK
    for r in results:
        if r.health is None:
            print(f"{r.media_file_id}  {r.error_message or 'queued'}  (job {r.job_id})")
            continue
        print(f"{r.media_file_id}  {HEALTH_WORDS[r.health]}: {r.errors} decoding errors")
        for e in r.first_errors:
            span = f"{human_duration(e['start_s'])}-{human_duration(e['end_s'])}"
            print(f"  {span}: {e['count']} errors, first: {e['message']}")
    if not args.wait and job_ids:
        print(f"{len(job_ids)} checks queued: `mediadesk media show ID` shows the verdict")
    return EXIT_OK
