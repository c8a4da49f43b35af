"""The ``mediadesk`` command: argument parsing, settings, exit codes.

Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input (the message names the file
or field), 141 when the reader of our output went away. Every read command takes
``--json``; the shapes are in docs/CLI.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from mediadesk import __version__
from mediadesk.cli import (
    cmd_catalogue,
    cmd_folders,
    cmd_import,
    cmd_jobs,
    cmd_library,
    cmd_master,
    cmd_presets,
    cmd_run,
)
from mediadesk.cli.ids import complete_ids
from mediadesk.cli.output import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_PIPE, EXIT_USAGE, error
from mediadesk.errors import ConfigError, Conflict, InvalidInput, MediaDeskError, NotFound
from mediadesk.settings import load_settings

log = logging.getLogger("mediadesk")

# Modules that add subcommands: each has ``register(subparsers)``.
COMMAND_MODULES = [
    cmd_run,
    cmd_import,
    cmd_library,
    cmd_catalogue,
    cmd_folders,
    cmd_jobs,
    cmd_master,
    cmd_presets,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediadesk",
        description="MediaDesk: a media library with durable ffmpeg jobs and HLS output.",
    )
    parser.add_argument("--version", action="version", version=f"mediadesk {__version__}")
    parser.add_argument("--home", help="library home (default: $MEDIADESK_HOME or the data dir)")
    parser.add_argument(
        "--serve", action="store_true", help="run headless (same as 'mediadesk serve')"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def settings_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Command-line flags that map onto settings (highest precedence)."""
    names = [
        "home",
        "server_host",
        "server_port",
        "server_token",
        "workers",
        "queues",
        "log_format",
    ]
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def main(argv: Sequence[str] | None = None, *, gui: cmd_run.GuiLauncher | None = None) -> int:
    """The command line; ``gui`` is what ``mediadesk`` alone opens when a screen is there
    (the desktop shell passes it in, so the core never imports it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.gui = gui
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler: Callable[[argparse.Namespace, Any], int] | None = getattr(args, "handler", None)
    if handler is None:
        handler = cmd_run.serve if args.serve else cmd_run.default_app
    try:
        settings = load_settings(settings_overrides(args))
        complete_ids(args, settings)  # "3eb6" -> the whole id it starts
        if not args.verbose:
            long_running = handler in (cmd_run.serve, cmd_run.worker, cmd_run.default_app)
            level = settings.log_level or ("INFO" if long_running else "WARNING")
            logging.getLogger().setLevel(level.upper())
            logging.getLogger("huey").setLevel(logging.WARNING)
            logging.getLogger("alembic").setLevel(logging.WARNING)
        code = handler(args, settings)
        sys.stdout.flush()  # inside the try: a closed pipe must fail here, not at exit
        return code
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools killed by
        # SIGPIPE do. Python ignores SIGPIPE, so the write fails with EPIPE instead.
        _silence_stdout()
        return EXIT_PIPE
    except (InvalidInput, NotFound, Conflict) as exc:
        error(exc.message)
        return EXIT_BAD_INPUT
    except ConfigError as exc:
        error(exc.message)
        return EXIT_USAGE
    except MediaDeskError as exc:
        error(f"{exc.code}: {exc.message}")
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Exception as exc:  # the last line of defence: say what broke, exit 1
        log.debug("internal error", exc_info=True)
        error(f"internal error: {exc.__class__.__name__}: {exc}")
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["EXIT_USAGE", "main"]
