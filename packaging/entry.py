"""The frozen program's entry point: the same ``main`` as the ``mediadesk`` command."""

from ui.launcher import main

if __name__ == "__main__":
    raise SystemExit(main())
