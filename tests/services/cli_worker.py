"""``mediadesk worker`` with the machinery test job types (tests/jobtypes.py) added.

``python -m tests.services.cli_worker worker --concurrency 2`` runs the real CLI
(settings, signals, graceful stop) with ``test_encode`` (a real ffmpeg encode that
takes a few seconds, for killing a worker mid-encode) and ``test_count`` (appends to a
ledger each time its handler runs, for proving no job runs twice) registered too.
"""

from __future__ import annotations

import sys

import mediadesk.runtime
from mediadesk.cli.main import main
from tests.jobtypes import machinery_registry

if __name__ == "__main__":
    mediadesk.runtime.default_registry = machinery_registry  # type: ignore[assignment]
    raise SystemExit(main(sys.argv[1:]))
