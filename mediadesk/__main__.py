"""``python -m mediadesk``: the same entry point as the ``mediadesk`` command."""

from mediadesk.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
