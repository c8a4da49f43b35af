"""Turning an ffmpeg-python graph into a safe argv.

ffmpeg-python builds the filter graph, the ``-map`` list and the output options; the
input itself is always written by :func:`mediadesk.engine.inputs.input_args` (sniffed
demuxer, format and protocol whitelists, ``file:`` path). The graph is built around a
placeholder input whose ``-i`` pair is replaced by that fragment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ffmpeg

from mediadesk.engine.inputs import input_args
from mediadesk.engine.sniff import Container

PLACEHOLDER = "mediadesk-input-placeholder"
GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-y")


def source() -> Any:
    """The placeholder input node to build graphs on."""
    return ffmpeg.input(PLACEHOLDER)


def compile_graph(
    ffmpeg_bin: str,
    output: Any,
    path: Path,
    container: Container,
    *,
    before_input: Sequence[str] = (),
    global_args: Sequence[str] = (),
) -> list[str]:
    """``[ffmpeg, globals..., input..., graph and outputs...]``.

    ``before_input`` holds input options such as ``-t 30`` (read only 30 seconds);
    ``global_args`` hold device set-up, which must come before any input.
    """
    args: list[str] = output.get_args()
    at = [i for i, arg in enumerate(args) if arg == PLACEHOLDER]
    if len(at) != 1 or at[0] < 1 or args[at[0] - 1] != "-i":
        raise ValueError("the graph must read exactly one placeholder input")
    i = at[0] - 1
    safe = [*before_input, *input_args(path, container)]
    return [ffmpeg_bin, *GLOBAL_ARGS, *global_args, *args[:i], *safe, *args[i + 2 :]]
