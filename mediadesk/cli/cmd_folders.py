"""``folders add|list|remove|scan|skipped``: library folders referenced in place."""

from __future__ import annotations

import argparse
from typing import Any

from mediadesk.cli.ids import FOLDER
from mediadesk.cli.output import EXIT_OK, human_duration, print_json, table
from mediadesk.cli.waiting import wait_for_jobs
from mediadesk.domain.folders import FolderKind
from mediadesk.domain.vocabulary import FOLDER_KIND
from mediadesk.runtime import Runtime
from mediadesk.services.folders import WATCH_MODES
from mediadesk.services.ids import short_id
from mediadesk.settings import Settings


def register(sub: Any) -> None:
    folders = sub.add_parser(
        "folders", help="library folders: your own media folders, used where they are"
    ).add_subparsers(dest="folders_command", metavar="ACTION", required=True)
    add = folders.add_parser("add", help="add a folder (its files stay where they are)")
    add.add_argument("path")
    add.add_argument("--kind", choices=[k.value for k in FolderKind], default="mixed")
    add.add_argument("--watch", action="store_true", help="pick up changes as they happen")
    add.add_argument(
        "--watch-mode",
        dest="watch_mode",
        choices=WATCH_MODES,
        default="auto",
        help="notify (inotify), poll (network shares), auto (poll on NFS/SMB)",
    )
    add.add_argument("--no-scan", dest="scan", action="store_false", help="do not scan now")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)
    ls = folders.add_parser("list", help="library folders with their state")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    rm = folders.add_parser(
        "remove", help="forget a folder; its files leave the library, never the disk"
    )
    rm.add_argument("folder", type=FOLDER, help="the folder's id or path")
    rm.set_defaults(handler=cmd_remove)
    scan = folders.add_parser("scan", help="look for new, changed, moved and missing files")
    scan.add_argument(
        "path", nargs="?", type=FOLDER, help="a folder, or a path inside one (default: all)"
    )
    scan.add_argument(
        "--wait", action="store_true", help="also wait until every new file has been read"
    )
    scan.add_argument("--json", action="store_true")
    scan.set_defaults(handler=cmd_scan)
    skipped = folders.add_parser("skipped", help="files that are not media, with the reason")
    skipped.add_argument(
        "folder", nargs="?", type=FOLDER, help="the folder's id or path (default: all)"
    )
    skipped.add_argument("--json", action="store_true")
    skipped.set_defaults(handler=cmd_skipped)


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        folder = rt.folders.add(args.path, FolderKind(args.kind), args.watch, args.watch_mode)
        if args.scan:
            (report,) = rt.folders.scan(folder.id)
            folder = rt.folders.get(folder.id)
    if args.json:
        print_json(folder)
        return EXIT_OK
    watched = ", watched" if folder.watch else ""
    print(
        f"Added {folder.path} ({FOLDER_KIND[folder.kind]}{watched}), folder {short_id(folder.id)}"
    )
    if args.scan:
        print(f"  {report.files} files: {report.new} new, {report.skipped} skipped")
        print("  new files are read in the background by the app, serve or a worker")
    return EXIT_OK


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        folders = rt.folders.list_folders()
    if args.json:
        print_json(folders)
        return EXIT_OK
    rows = [
        (
            short_id(f.id),
            f.path,
            FOLDER_KIND[f.kind],
            f.state,
            f.media_files,
            f.missing,
            f.skipped,
            f.last_scan_at.strftime("%Y-%m-%d %H:%M") if f.last_scan_at else "never",
        )
        for f in folders
    ]
    table(
        rows,
        ["ID", "PATH", "KIND", "STATE", "MEDIA", "MISSING", "SKIPPED", "LAST SCAN"],
        empty="No library folders yet: `mediadesk folders add PATH` uses one where it is.",
    )
    return EXIT_OK


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        folder = rt.folders.get(args.folder)
        removed = rt.folders.remove(folder.id)
    print(f"removed {folder.path}: {removed} files left the library (none left the disk)")
    return EXIT_OK


def cmd_scan(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        reports = rt.folders.scan(args.path)
        if args.wait:
            job_ids = rt.folders.reading_jobs()
            wait_for_jobs(rt, job_ids, None, not args.json, queues=[rt.folders.reading_queue()])
    if args.json:
        print_json(reports)
        return EXIT_OK
    for r in reports:
        took = human_duration(r.seconds) if r.seconds >= 60 else f"{r.seconds:.2f} s"
        print(
            f"{r.path}: {r.files} files in {took}: "
            f"{r.new} new, {r.changed} changed, {r.moved} moved, {r.missing} missing, "
            f"{r.returned} back, {r.skipped} skipped"
        )
        if r.queued and not args.wait:
            files = "file" if r.queued == 1 else "files"
            print(f"  {r.queued} {files} to read: the app, serve or a worker reads them")
    return EXIT_OK


def cmd_skipped(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        files = rt.folders.skipped(args.folder)
    if args.json:
        print_json(files)
        return EXIT_OK
    table(
        [(f.path, f.reason_words, f.detail or "") for f in files],
        ["FILE", "WHY SKIPPED", "DETAIL"],
        empty="No file was skipped.",
    )
    return EXIT_OK
