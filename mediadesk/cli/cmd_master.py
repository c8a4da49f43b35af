"""``master MEDIA_ID --preset ...`` and ``loudness MEDIA_ID``."""

from __future__ import annotations

import argparse
from typing import Any

from mediadesk.cli.ids import MEDIA_ID
from mediadesk.cli.output import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, error, print_json
from mediadesk.cli.waiting import wait_for_derived, wait_for_jobs
from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import JobStatus, MediaStatus
from mediadesk.jobs.views import DerivedReport, JobView
from mediadesk.runtime import Runtime
from mediadesk.services.ids import short_id
from mediadesk.settings import Settings


def register(sub: Any) -> None:
    m = sub.add_parser(
        "master",
        help="master a programme's audio by intent (dialogue mix, music replace, ducking)",
    )
    m.add_argument(
        "media_id", metavar="MEDIA_ID", type=MEDIA_ID, help="the programme (video or audio)"
    )
    m.add_argument("--preset", required=True, help="an audio preset, e.g. audio/podcast_v1")
    m.add_argument(
        "--music", metavar="MEDIA_ID", type=MEDIA_ID, help="a music file from the library"
    )
    m.add_argument("--wait", action="store_true", help="wait for the master and its pipeline")
    m.add_argument("--timeout", type=float, help="with --wait: give up after S seconds")
    m.add_argument("--json", action="store_true")
    m.set_defaults(handler=cmd_master)

    ld = sub.add_parser("loudness", help="measure a media file's EBU R128 loudness")
    ld.add_argument("media_id", metavar="MEDIA_ID", type=MEDIA_ID)
    ld.add_argument("--wait", action="store_true", help="wait for the measurement")
    ld.add_argument("--timeout", type=float)
    ld.add_argument("--json", action="store_true")
    ld.set_defaults(handler=cmd_loudness)


def _exit_for(job: JobView) -> int:
    if job.status == JobStatus.COMPLETED:
        return EXIT_OK
    error(f"{job.type} failed: {job.error_code}: {job.error_message}")
    return EXIT_BAD_INPUT if job.status == JobStatus.FAILED else EXIT_INTERNAL


def cmd_master(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        job = rt.mastering.master(args.media_id, args.preset, args.music)
        if not args.wait:
            if args.json:
                print_json(DerivedReport(job=job, media=None))
            else:
                print(f"{job.id}  {words.job_type(job.type)}  {words.job_status(job.status)}")
            return EXIT_OK
        job, media = wait_for_derived(rt, job.id, args.timeout, show_progress=not args.json)
    if args.json:
        print_json(DerivedReport(job=job, media=media))
    else:
        print(f"{job.id}  {words.job_type(job.type)}  {words.job_status(job.status)}")
        if media is not None:
            loud = media.loudness
            level = f"{loud.integrated_lufs} LUFS, {loud.true_peak_dbtp} dBTP" if loud else ""
            status = words.media_status(media.state)
            print(f"  master {short_id(media.id)}  {media.original_filename}  {status}  {level}")
    code = _exit_for(job)
    if code == EXIT_OK and media is not None and media.status == MediaStatus.FAILED:
        error(f"the master's pipeline failed: {media.error_code}: {media.error_message}")
        return EXIT_BAD_INPUT
    return code


def cmd_loudness(args: argparse.Namespace, settings: Settings) -> int:
    with Runtime(settings) as rt:
        job = rt.mastering.measure(args.media_id)
        if args.wait:
            (job,) = wait_for_jobs(rt, [job.id], args.timeout, show_progress=not args.json)
            job = rt.jobs.get(job.id)
    if args.json:
        print_json(job)
    elif job.status == JobStatus.COMPLETED and job.result:
        r = job.result
        print(
            f"{args.media_id}  I {r['integrated_lufs']} LUFS  "
            f"TP {r.get('true_peak_db')} dBTP  LRA {r['lra']} LU"
        )
    else:
        print(f"{job.id}  {words.job_type(job.type)}  {words.job_status(job.status)}")
    return _exit_for(job) if args.wait else EXIT_OK
