"""Id arguments: ``type=id_of(IdKind.MEDIA)`` marks an argument as an id of a kind, and
``main`` completes every marked value (``services.ids``) before the command runs, so
each command gets whole ids and ``mediadesk media show 3eb6`` works like git."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from mediadesk.services import ids as services_ids
from mediadesk.services.ids import FULL_LENGTH, IdKind
from mediadesk.settings import Settings


class IdArg(str):
    """An id as typed, with the kind of row it names."""

    kind: IdKind

    def __new__(cls, text: str, kind: IdKind) -> IdArg:
        made = super().__new__(cls, text)
        made.kind = kind
        return made


def id_of(kind: IdKind) -> Callable[[str], IdArg]:
    def parse(text: str) -> IdArg:
        return IdArg(text, kind)

    parse.__name__ = f"{kind} id"  # argparse names the type in its messages
    return parse


MEDIA_ID = id_of(IdKind.MEDIA)
JOB_ID = id_of(IdKind.JOB)
# An argument that takes a library folder's id or a path: a path is never an id's start.
FOLDER = id_of(IdKind.FOLDER)


def complete_ids(args: argparse.Namespace, settings: Settings) -> None:
    """Replace each id argument that is the start of an id by the whole id."""
    marked = {
        name: value
        for name, value in vars(args).items()
        if any(isinstance(v, IdArg) for v in _as_list(value))
    }
    wanted = [
        (v.kind, str(v))
        for value in marked.values()
        for v in _as_list(value)
        if isinstance(v, IdArg) and len(v) < FULL_LENGTH
    ]
    if not wanted:
        return
    whole = dict(
        zip(wanted, services_ids.complete_ids(settings.resolved_database_url, wanted), strict=True)
    )
    for name, value in marked.items():
        done = [
            whole.get((v.kind, str(v)), v) if isinstance(v, IdArg) else v for v in _as_list(value)
        ]
        setattr(args, name, done if isinstance(value, list) else done[0])


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]
