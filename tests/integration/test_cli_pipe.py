"""A closed pipe (``mediadesk ... | head``) ends the command quietly, like Unix tools."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

EXIT_SIGPIPE = 141


@pytest.mark.parametrize(
    "args",
    [
        ("jobs", "list", "--json"),
        ("jobs", "list"),
        ("library", "list", "--json"),
        ("presets", "list"),
    ],
)
def test_closed_pipe_is_not_an_internal_error(home: Path, args: tuple[str, ...]) -> None:
    # The reader is gone before the command writes a byte: every write fails with EPIPE
    # (Python ignores SIGPIPE), whatever the size of the output or the timing.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mediadesk", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MEDIADESK_HOME": str(home)},
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == EXIT_SIGPIPE
