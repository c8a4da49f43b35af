"""``python -m mediadesk``: the core's command line, headless (``mediadesk`` alone serves).

The installed ``mediadesk`` command (``ui.launcher``) is the same command line with the
desktop app added for when a screen is present.
"""

from mediadesk.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
