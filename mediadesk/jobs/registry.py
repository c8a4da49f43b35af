"""Job types: a typed input model and a handler each, registered by name."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.spec import Outcome
from mediadesk.library.views import MediaFileView


class JobInput(BaseModel):
    """Base of every job input: strict, so a typo in stored input fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


InputT = TypeVar("InputT", bound=JobInput)


class JobType(ABC, Generic[InputT]):
    name: ClassVar[str]
    input_model: ClassVar[type[JobInput]]
    queue: ClassVar[str] = "default"
    # Runs only on the host that submitted it (it reads a local path): such jobs go to
    # that host's own queue, which no other machine consumes (``JobStore.queue_for``).
    host_bound: ClassVar[bool] = False
    # A resource of the media file the job rewrites whole (``"hls_master"``): jobs naming
    # the same one never run at once for one media file (``JobStore.claim``).
    exclusive: ClassVar[str | None] = None
    max_attempts: ClassVar[int] = 3
    needs_media: ClassVar[bool] = True
    # A floor and a per-second-of-media allowance; long films get long limits.
    base_timeout_s: ClassVar[float] = 300.0
    timeout_per_media_second: ClassVar[float] = 0.0

    def prepare(self, data: dict[str, Any]) -> dict[str, Any]:
        """Complete and check input submitted from outside (the API), before it is
        parsed; raise ``InvalidInput`` naming the field. Stored input never comes here."""
        return data

    def timeout(self, inp: InputT, media: MediaFileView | None) -> float:
        duration = (media.duration_seconds or 0.0) if media else 0.0
        return self.base_timeout_s + self.timeout_per_media_second * duration

    @abstractmethod
    def run(self, ctx: JobContext, inp: InputT) -> Outcome:
        """Do the work in ``ctx.scratch``; verify; describe what to publish and record."""


class JobRegistry:
    def __init__(self) -> None:
        self._types: dict[str, JobType[Any]] = {}

    def register(self, job_type: JobType[Any]) -> None:
        if job_type.name in self._types:
            raise ValueError(f"job type {job_type.name!r} registered twice")
        self._types[job_type.name] = job_type

    def get(self, name: str) -> JobType[Any]:
        try:
            return self._types[name]
        except KeyError:
            raise InvalidInput(f"unknown job type {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self._types)

    def register_later(self, factory: Callable[[], list[JobType[Any]]]) -> None:
        """Register the job types ``factory`` makes (a lazy registry makes them on first
        use; job types that need a service are built once the runtime has it)."""
        for job_type in factory():
            self.register(job_type)

    def parse_input(self, name: str, data: dict[str, Any]) -> JobInput:
        model = self.get(name).input_model
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            fields = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise InvalidInput(
                f"invalid input for {name} job: {fields}", code=ErrorCode.INVALID_INPUT
            ) from exc


class LazyRegistry(JobRegistry):
    """A registry filled by ``factory`` on first use, not when it is created.

    Building the default registry imports every job type and the media engine behind
    them; a runtime that only reads the library, or that paints a window before its
    workers start, should not pay for that up front.
    """

    def __init__(self, factory: Callable[[], JobRegistry]) -> None:
        super().__init__()
        self._factory: Callable[[], JobRegistry] | None = factory
        self._later: list[Callable[[], list[JobType[Any]]]] = []
        self._lock = threading.Lock()

    @property
    def filled(self) -> bool:
        return self._factory is None

    def _fill(self) -> None:
        if self._factory is None:
            return
        with self._lock:  # workers and the GUI thread may ask at the same moment
            if self._factory is not None:
                built = self._factory()
                for name in built.names():
                    super().register(built.get(name))
                for later in self._later:
                    for job_type in later():
                        super().register(job_type)
                self._later.clear()
                self._factory = None

    def register(self, job_type: JobType[Any]) -> None:
        self._fill()
        super().register(job_type)

    def register_later(self, factory: Callable[[], list[JobType[Any]]]) -> None:
        with self._lock:
            if self._factory is not None:
                self._later.append(factory)
                return
        super().register_later(factory)

    def get(self, name: str) -> JobType[Any]:
        self._fill()
        return super().get(name)

    def names(self) -> list[str]:
        self._fill()
        return super().names()
