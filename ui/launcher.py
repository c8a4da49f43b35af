"""The installed ``mediadesk`` command: the core's command line, with the desktop app as
what ``mediadesk`` alone opens on a screen.

The dependency points this way (the shell hands itself to the core), so the core never
imports Qt or this package. Qt loads only when the app actually opens: ``mediadesk
serve`` on a NAS never touches it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mediadesk.cli.main import main as cli_main
from mediadesk.settings import Settings


def run_app(settings: Settings) -> int:
    from ui.app import run_gui

    return int(run_gui(settings))


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, gui=run_app)


if __name__ == "__main__":
    sys.exit(main())
