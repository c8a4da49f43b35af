"""What handlers receive and return: typed contracts between the job machinery and work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from mediadesk.domain.enums import ArtifactKind


@dataclass(frozen=True)
class JobSpec:
    """A job to create: type, typed input, and how it relates to other work."""

    type: str
    input: BaseModel
    media_file_id: str | None = None
    priority: int = 0
    pipeline: bool = False
    max_attempts: int | None = None


@dataclass(frozen=True)
class ArtifactSpec:
    kind: ArtifactKind
    storage_key: str
    size_bytes: int
    params: dict[str, Any] = field(default_factory=dict)
    preset_id: str | None = None
    preset_version: int | None = None
    media_file_id: str | None = None  # defaults to the job's media file


@dataclass(frozen=True)
class PublishSpec:
    """A verified directory in scratch to publish under ``prefix`` (entry points last)."""

    src_dir: Path
    prefix: str
    entry_last: tuple[str, ...] = ()
    # Remove what an earlier publish left under ``prefix`` that this tree no longer
    # has (a rung dropped by a replay with another preset), except the names in ``keep``
    # (what other jobs publish there). Done after the entry point went in.
    prune: bool = False
    keep: tuple[str, ...] = ()
    # Top-level entries under ``prefix`` that the new entry point no longer names (a
    # subtitle rendition whose file was removed), deleted once it went in.
    drop: tuple[str, ...] = ()


# Runs inside the commit transaction of a successful attempt. It may answer jobs to
# start after this one (what it found in the database), queued with ``follow_ups``.
ApplyFn = Callable[[Session], list[JobSpec] | None]


@dataclass
class Outcome:
    result: dict[str, Any] = field(default_factory=dict)
    publish: list[PublishSpec] = field(default_factory=list)
    artifacts: list[ArtifactSpec] = field(default_factory=list)
    # Artifacts of these kinds made earlier for the media file are replaced.
    replaces: tuple[ArtifactKind, ...] = ()
    apply: list[ApplyFn] = field(default_factory=list)
    follow_ups: list[JobSpec] = field(default_factory=list)


@dataclass(frozen=True)
class CommandRecord:
    argv: list[str]
    exit_code: int
    duration_s: float
    started_at: str
    cancelled: bool = False
    timed_out: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "argv": self.argv,
            "exit_code": self.exit_code,
            "duration_s": round(self.duration_s, 3),
            "started_at": self.started_at,
            "cancelled": self.cancelled,
            "timed_out": self.timed_out,
        }
