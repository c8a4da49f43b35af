"""Health checks on demand: queue ``health_check`` jobs for one file or every file,
and read their verdicts back."""

from __future__ import annotations

from sqlalchemy import select

from mediadesk.domain.enums import JobStatus, MediaKind
from mediadesk.domain.folders import HealthState
from mediadesk.handlers.health_check import HEALTH_CHECK
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.spec import JobSpec
from mediadesk.jobs.store import JobStore
from mediadesk.library.folder_views import HealthCheckView
from mediadesk.library.models import MediaFile
from mediadesk.library.queries import get_media_row
from mediadesk.services.jobs import JobService


class HealthService:
    def __init__(self, store: JobStore, jobs: JobService) -> None:
        self.store = store
        self.jobs = jobs

    def check(self, media_ids: list[str]) -> list[str]:
        """Queue a check of each file (decoded whole); returns the job ids."""
        with self.store.unit_of_work() as uow:
            for media_id in media_ids:
                get_media_row(uow.session, media_id)  # NotFound names the missing one
            return [self.store.add(uow, _spec(media_id)).id for media_id in media_ids]

    def check_all(self) -> list[str]:
        """Queue a check of every live video and audio file that is in place."""
        with self.store.db.read() as s:
            ids = list(
                s.scalars(
                    select(MediaFile.id)
                    .where(
                        MediaFile.deleted_at.is_(None),
                        MediaFile.missing_since.is_(None),
                        MediaFile.kind.in_((MediaKind.VIDEO, MediaKind.AUDIO)),
                        MediaFile.sha256.is_not(None),
                    )
                    .order_by(MediaFile.created_at)
                )
            )
        return self.check(ids) if ids else []

    def results(self, job_ids: list[str]) -> list[HealthCheckView]:
        """What each check found (``health`` is None until it has finished)."""
        out = []
        for job_id in job_ids:
            job = self.jobs.get(job_id)
            result = job.result or {}
            done = job.status == JobStatus.COMPLETED and "health" in result
            out.append(
                HealthCheckView(
                    job_id=job.id,
                    media_file_id=job.media_file_id or "",
                    status=job.status,
                    health=HealthState(result["health"]) if done else None,
                    errors=result.get("errors") if done else None,
                    first_errors=result.get("first_errors", []) if done else [],
                    decode_speed=result.get("decode_speed") if done else None,
                    error_message=job.error_message,
                )
            )
        return out


def _spec(media_id: str) -> JobSpec:
    return JobSpec(
        type=HEALTH_CHECK, input=MediaStepInput(media_file_id=media_id), media_file_id=media_id
    )
