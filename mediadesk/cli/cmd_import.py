"""``import`` (files, folders and URLs, one after another) and ``imports``."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mediadesk.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    error,
    human_duration,
    human_size,
    print_json,
    table,
)
from mediadesk.cli.waiting import say_if_idle, wait_for_jobs, wait_for_media
from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.enums import JobStatus, MediaStatus
from mediadesk.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    MediaDeskError,
    NotFound,
    TransientError,
)
from mediadesk.handlers.imports import ImportOutcome
from mediadesk.library.views import ImportResult, MediaFileView
from mediadesk.runtime import Runtime
from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.ids import short_id
from mediadesk.services.import_paths import MAX_FILES, expand_paths
from mediadesk.services.imports import IMPORTS_QUEUE, ImportView, PathImport
from mediadesk.services.ingest import GUESS, Guess, IngestTarget
from mediadesk.settings import Settings


def register(sub: Any) -> None:
    imp = sub.add_parser("import", help="import files, folders or http(s) URLs into the library")
    imp.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="files, folders (walked for their media) or http(s) URLs, one or more",
    )
    group = imp.add_mutually_exclusive_group()
    group.add_argument("--movie", metavar="TITLE", help="attach to this movie")
    group.add_argument("--series", metavar="NAME", help="attach to an episode of this series")
    imp.add_argument("--season", type=int, help="season number (with --series)")
    imp.add_argument("--episode", type=int, help="episode number (with --series)")
    imp.add_argument("--title", help="episode title (with --series)")
    group.add_argument(
        "--loose", action="store_true", help="keep it unattached (default: attach by its guess)"
    )
    imp.add_argument(
        "--on-conflict",
        dest="on_conflict",
        choices=[c.value for c in ConflictChoice],
        help="when the movie or episode already has a file (default: refuse; a guess keeps both)",
    )
    imp.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    imp.add_argument("--wait", action="store_true", help="wait until processing finishes")
    imp.add_argument(
        "--background",
        action="store_true",
        help="queue the import as a job and return (a local file is copied by MediaDesk "
        "running on this machine: the app, serve or worker)",
    )
    imp.add_argument("--timeout", type=float, help="with --wait: give up after S seconds")
    imp.add_argument("--json", action="store_true", help="print JSON")
    imp.set_defaults(handler=cmd_import)

    imps = sub.add_parser("imports", help="imports (URL downloads, queued copies), newest first")
    imps.add_argument("--failed", action="store_true", help="only those that failed")
    imps.add_argument("--limit", type=int, default=100)
    imps.add_argument("--json", action="store_true")
    imps.set_defaults(handler=cmd_imports)


def target_from(args: argparse.Namespace) -> IngestTarget:
    """The flags' target; none given: the file's guess (``--loose``: nothing)."""
    choice = ConflictChoice(args.on_conflict) if getattr(args, "on_conflict", None) else None
    if args.movie:
        return MovieTarget(args.movie, year=getattr(args, "year", None), on_conflict=choice)
    if args.series:
        if args.season is None or args.episode is None:
            raise InvalidInput("--series needs --season N and --episode N")
        return EpisodeTarget(args.series, args.season, args.episode, args.title, on_conflict=choice)
    if args.season is not None or args.episode is not None or args.title:
        raise InvalidInput("--season, --episode and --title go with --series")
    return None if getattr(args, "loose", False) else GUESS


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Each source in turn; one that cannot be imported is reported and the others go
    on (exit 3 at the end). ``--json`` prints one object for one source, a list for
    several."""
    target = target_from(args)
    if args.background and args.wait:  # before any folder is walked
        raise InvalidInput("--background and --wait do not go together")
    failures: list[int] = []
    sources = _sources(args.sources, failures)
    # A list for several sources or a folder (however many files it held); else one.
    several = len(args.sources) > 1 or any(Path(s).is_dir() for s in args.sources)
    if len(sources) > 1 and target is not None and not isinstance(target, Guess):
        raise InvalidInput(
            "--movie and --series place one file: import the files one at a time with them,"
            " or without them to place each by its name"
        )
    with Runtime(settings) as rt:
        if args.background:
            queued = []
            for source in sources:
                with _reported(failures, source):
                    queued.append(_queue(rt, source, target, args.tag))
            if args.json:
                _print_results(queued, several)
            else:
                for item in queued:
                    print(f"{short_id(item.id)}  {item.name}  {item.state}")
                if queued:
                    print(
                        "  queued: `mediadesk imports` shows them;"
                        " the app, serve or a worker runs them"
                    )
            return max(failures, default=EXIT_OK)
        results: list[ImportResult] = []
        for source in sources:
            with _reported(failures, source):
                results.append(_import_now(rt, source, target, args.tag, not args.json))
        if args.wait and results:
            waited = wait_for_media(
                rt, [r.media.id for r in results], args.timeout, show_progress=not args.json
            )
            pairs = zip(results, waited, strict=True)
            results = [r.model_copy(update={"media": m}) for r, m in pairs]
        if args.json:
            if not args.wait:  # the whole view (artifacts, probe); --wait read it already
                results = [
                    r.model_copy(update={"media": rt.library.get_media(r.media.id)})
                    for r in results
                ]
            _print_results(results, several)
        else:
            for result in results:
                media = result.media
                note = " (already in the library)" if result.duplicate else ""
                state = words.media_status(media.state)
                print(f"{short_id(media.id)}  {media.display_title}  {state}{note}")
                describe_media(media)
            waiting = any(r.media.status == MediaStatus.UPLOADED for r in results)
            say_if_idle(rt, waiting, also=", or import with --wait")
        for result in results:
            media = result.media
            if args.wait and media.status == MediaStatus.FAILED:
                error(
                    f"{media.display_title}: processing failed:"
                    f" {media.error_code}: {media.error_message}"
                )
                failures.append(EXIT_BAD_INPUT)
    return max(failures, default=EXIT_OK)


def _sources(given: list[str], failures: list[int]) -> list[str]:
    """In the order given: URLs as they are, paths expanded as the app expands a drop
    (folders walked for their media; subtitles and NFO files left to their videos)."""
    out: list[str] = []
    seen: set[str] = set()
    left_out = 0
    for source in given:
        if _is_url(source):
            out.append(source)
            continue
        found = expand_paths([Path(source)], limit=MAX_FILES - len(out))
        if not found.files:
            failures.append(EXIT_BAD_INPUT)
            if Path(source).is_dir():
                error(f"{source}: no media files in this folder")
            else:  # a subtitle or NFO file named alone
                error(f"{source}: not media of its own; it is read with its video")
            continue
        left_out += found.left_out
        fresh = [str(f) for f in found.files if str(f) not in seen]
        seen.update(fresh)
        out += fresh
        if found.truncated:
            error(f"more than {MAX_FILES} files: only the first {MAX_FILES} are imported")
            break
    if left_out:
        print(
            f"  {words.counted(left_out, 'file')} left out: not media of their own"
            " (subtitles and NFO files are read with their videos)",
            file=sys.stderr,
        )
    return out


def _is_url(source: str) -> bool:
    """Any scheme passes as given (``_check_source`` refuses all but http(s))."""
    return "://" in source


def _print_results(results: Sequence[BaseModel], several: bool) -> None:
    """One source: its object (nothing when it failed, the error is on stderr); several:
    the list of those that went in."""
    if several:
        print_json(list(results))
    elif results:
        print_json(results[0])


@contextlib.contextmanager
def _reported(failures: list[int], source: str) -> Iterator[None]:
    """One source's failure is said (naming it) and counted; the next source goes on."""
    try:
        yield
    except (InvalidInput, NotFound, Conflict) as exc:
        error(exc.message if source in exc.message else f"{source}: {exc.message}")
        failures.append(EXIT_BAD_INPUT)
    except MediaDeskError as exc:
        error(f"{source}: {exc.code}: {exc.message}")
        failures.append(EXIT_INTERNAL)


def _check_source(source: str) -> bool:
    """True for a URL; a path otherwise. Other schemes are refused."""
    is_url = source.startswith(("http://", "https://"))
    if not is_url and _is_url(source):
        raise InvalidInput(f"{source}: only local paths and http(s) URLs can be imported")
    return is_url


def _queue(rt: Runtime, source: str, target: IngestTarget, tags: list[str]) -> ImportView:
    if _check_source(source):
        return rt.imports.submit_url(source, target, tags)
    (item,) = rt.imports.submit_paths([PathImport(Path(source), target)], tags)
    return item


def _import_now(
    rt: Runtime, source: str, target: IngestTarget, tags: list[str], show_progress: bool
) -> ImportResult:
    if _check_source(source):
        return download_now(rt, source, target, tags, show_progress=show_progress)
    return rt.ingest.import_path(Path(source), target=target, tags=tags)


def download_now(
    rt: Runtime, url: str, target: IngestTarget, tags: list[str], show_progress: bool
) -> ImportResult:
    """A URL import in the foreground: a ``fetch_url`` job, run here unless the app or
    serve already consumes this library (then it runs there, and shows in its list)."""
    item = rt.imports.submit_url(url, target, tags)
    (job,) = wait_for_jobs(rt, [item.id], None, show_progress, queues=[IMPORTS_QUEUE])
    done = rt.imports.get(job.id)
    if done.media_file_id is None:
        # FAILED: the input was the problem (exit 3); DEAD: retries ran out (exit 1).
        kind = InvalidInput if done.status == JobStatus.FAILED else TransientError
        code = ErrorCode.__members__.get(done.error_code or "", ErrorCode.INTERNAL)
        raise kind(done.error_message or f"the import {done.state.lower()}", code=code)
    outcome = ImportOutcome.model_validate(job.result)
    return ImportResult(
        media=rt.library.get_media(outcome.media_file_id),
        duplicate=outcome.duplicate,
        movie_id=outcome.movie_id,
        episode_id=outcome.episode_id,
        job_ids=outcome.job_ids,
    )


def cmd_imports(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        items = rt.imports.list(args.limit, failed_only=args.failed)
        # What each became, by its title (the id is in --json).
        titles = rt.library.titles(i.media_file_id for i in items)
    if args.json:
        print_json(items)
        return EXIT_OK
    rows = []
    for i in items:
        moved = human_size(i.bytes_done) if i.bytes_done is not None else ""
        if i.bytes_total and i.active:
            moved += f" of {human_size(i.bytes_total)}"
        done = titles.get(i.media_file_id or "", i.media_file_id or "")
        rows.append((short_id(i.id), i.state, i.name, moved, i.error_message or done))
    table(rows, ["ID", "STATE", "NAME", "BYTES", "RESULT"], empty="No imports yet.")
    for i in items:
        if i.next_step:
            print(f"{short_id(i.id)}: {i.next_step}")
    return EXIT_OK


def describe_media(m: MediaFileView) -> None:
    parts = [words.media_kind(m.kind), human_duration(m.duration_seconds)]
    if m.width and m.height:
        parts.append(f"{m.width}x{m.height}")
    parts += [words.codec_name(c) for c in (m.video_codec, m.audio_codec) if c]
    parts.append(human_size(m.size_bytes))
    print("  " + ", ".join(p for p in parts if p))
