"""``jobs list|show|log|cancel|retry|replay|purge|wait``."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from typing import Any

from mediadesk.cli.ids import JOB_ID, MEDIA_ID
from mediadesk.cli.output import EXIT_INTERNAL, EXIT_OK, human_duration, print_json, table
from mediadesk.cli.waiting import wait_for_jobs
from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import AttemptOutcome, JobStatus
from mediadesk.errors import InvalidInput
from mediadesk.jobs.views import JobView
from mediadesk.runtime import Runtime
from mediadesk.services.ids import short_id
from mediadesk.settings import Settings

FOLLOW_POLL_S = 0.3


def register(sub: Any) -> None:
    jobs = sub.add_parser("jobs", help="durable jobs").add_subparsers(
        dest="jobs_command", metavar="ACTION", required=True
    )
    ls = jobs.add_parser("list", help="jobs, newest first")
    ls.add_argument("--status", choices=[s.value for s in JobStatus])
    ls.add_argument("--type")
    ls.add_argument("--media", type=MEDIA_ID)
    ls.add_argument("--limit", type=int, default=100)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    show = jobs.add_parser("show", help="a job with every attempt, argv and error")
    show.add_argument("id", type=JOB_ID)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    log = jobs.add_parser("log", help="an attempt's log (ffmpeg stderr and our notes)")
    log.add_argument("id", type=JOB_ID)
    log.add_argument("--attempt", type=int)
    log.add_argument("--stream", choices=["stderr", "stdout"], default="stderr")
    log.add_argument("--follow", "-f", action="store_true", help="keep printing until done")
    log.set_defaults(handler=cmd_log)

    for name, helptext in (
        ("cancel", "stop a running job (or drop a pending one)"),
        ("retry", "run a FAILED or DEAD job again"),
        ("replay", "run a finished job again from its stored input"),
    ):
        p = jobs.add_parser(name, help=helptext)
        p.add_argument("id", type=JOB_ID)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=cmd_change, action=name)

    purge = jobs.add_parser("purge", help="remove finished jobs' records, logs and scratch")
    purge.add_argument("id", nargs="?", type=JOB_ID)
    purge.add_argument("--older-than-days", type=float)
    purge.add_argument("--artifacts", action="store_true", help="also remove what it published")
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(handler=cmd_purge)

    wait = jobs.add_parser("wait", help="wait until jobs finish")
    wait.add_argument("ids", nargs="+", metavar="ID", type=JOB_ID)
    wait.add_argument("--timeout", type=float)
    wait.add_argument("--json", action="store_true")
    wait.set_defaults(handler=cmd_wait)


# In the words of the app's jobs tab (one vocabulary); --json keeps the raw values.
JOB_COLUMNS = ["ID", "JOB", "STATE", "TRIES", "DONE", "ERROR", "FILE"]


def _rows(rt: Runtime, jobs: list[JobView]) -> list[tuple[Any, ...]]:
    """Each job's line; the file by its title, as the app's jobs table names it (its id
    is in ``jobs show`` and ``--json``)."""
    subjects = rt.subjects.of(jobs)
    return [
        (
            short_id(j.id),
            words.job_type(j.type),
            words.job_state(j.status, cancel_requested=j.cancel_requested, error_code=j.error_code),
            f"{j.attempts}/{j.max_attempts}",
            f"{j.progress:.0f}%" if j.progress is not None else "",
            j.error_code or "",
            subjects.get(j.id, j.media_file_id or ""),
        )
        for j in jobs
    ]


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        page = rt.jobs.list_jobs(
            status=JobStatus(args.status) if args.status else None,
            job_type=args.type,
            media_file_id=args.media,
            limit=args.limit,
        )
        if args.json:
            print_json(page)
        else:
            filtered = args.status or args.type or args.media
            table(
                _rows(rt, page.items),
                JOB_COLUMNS,
                empty="No jobs match." if filtered else "No jobs yet: an import starts some.",
            )
    return EXIT_OK


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        job = rt.jobs.get(args.id)
        file = rt.subjects.of([job]).get(job.id)
    if args.json:
        print_json(job)
        return EXIT_OK
    state = words.job_state(
        job.status, cancel_requested=job.cancel_requested, error_code=job.error_code
    )
    print(
        f"{job.id}  {words.job_type(job.type)}  {state}  attempts {job.attempts}/{job.max_attempts}"
    )
    if file:
        print(f"file: {file}")
    if job.error_code:
        print(f"error: {job.error_code}: {job.error_message}")
    for a in job.attempt_history or []:
        took = (a.finished_at - a.started_at).total_seconds() if a.finished_at else None
        outcome = words.attempt_outcome(a.outcome)
        print(f"\nattempt {a.number}: {outcome} on {a.worker} ({human_duration(took)})")
        if a.encoder:
            print(f"  encoder: {a.encoder}")
        for c in a.commands:
            print(f"  $ {shlex.join(c.argv)}\n    exit {c.exit_code} in {c.duration_s:.2f}s")
        if a.error_code:
            print(f"  error: {a.error_code}: {a.error_message}")
        if a.stderr_tail and a.outcome != AttemptOutcome.SUCCEEDED:
            print("  stderr (tail):")
            for line in a.stderr_tail.splitlines()[-10:]:
                print(f"    {line}")
        print(f"  log: {a.stderr_log}")
    return EXIT_OK


def cmd_log(args: argparse.Namespace, settings: Settings) -> int:
    offset = 0
    with Runtime(settings) as rt:
        while True:
            chunk = rt.jobs.log(args.id, args.attempt, args.stream, offset)
            if chunk.data:
                sys.stdout.write(chunk.data)
                sys.stdout.flush()
            offset = chunk.next_offset
            if not args.follow:
                break
            if not chunk.data:
                job = rt.jobs.get(args.id)
                if job.status != JobStatus.PROCESSING and chunk.next_offset >= chunk.size:
                    break
                time.sleep(FOLLOW_POLL_S)
    return EXIT_OK


def cmd_change(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        action = {"cancel": rt.jobs.cancel, "retry": rt.jobs.retry, "replay": rt.jobs.replay}
        job = action[args.action](args.id)
    if args.json:
        print_json(job)
    else:
        print(f"{job.id}  {words.job_type(job.type)}  {words.job_status(job.status)}")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    if (args.id is None) == (args.older_than_days is None):
        raise InvalidInput("give a job ID or --older-than-days N (not both)")
    with Runtime(settings) as rt:
        if args.id:
            report = rt.jobs.purge(args.id, artifacts=args.artifacts)
        else:
            report = rt.jobs.purge_older_than(args.older_than_days)
    if args.json:
        print_json(report)
    else:
        print(
            f"purged {words.counted(report.jobs, 'job')}, "
            f"{words.counted(report.log_dirs, 'log folder')}, "
            f"{words.counted(report.artifacts, 'output')}"
        )
    return EXIT_OK


def cmd_wait(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        for job_id in args.ids:
            rt.jobs.get(job_id)  # unknown ids fail early with exit 3
        views = wait_for_jobs(rt, args.ids, args.timeout, show_progress=not args.json)
        if args.json:
            print_json(views)
        else:
            table(_rows(rt, views), JOB_COLUMNS)
    unfinished = [v for v in views if v.status not in (JobStatus.COMPLETED,)]
    return EXIT_OK if not unfinished else EXIT_INTERNAL
