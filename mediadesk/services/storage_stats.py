"""The storage read model: where a library's bytes go (``library stats``, the API, the
GUI and web views)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from mediadesk.domain import vocabulary as words
from mediadesk.domain.enums import ArtifactKind
from mediadesk.library.models import Artifact, MediaFile
from mediadesk.library.views import OutputBytes, RenditionBytes, StorageStats

HOUR = 3600.0


def per_hour(size: int, seconds: float) -> int | None:
    return round(size * HOUR / seconds) if seconds > 0 else None


def storage_stats(session: Session, budget_bytes_per_hour: int | None = None) -> StorageStats:
    live = MediaFile.deleted_at.is_(None)
    in_place = MediaFile.original_path.is_not(None)
    count, originals, referenced, seconds = session.execute(
        select(
            func.count(MediaFile.id),
            func.coalesce(func.sum(case((in_place, 0), else_=MediaFile.size_bytes)), 0),
            func.coalesce(func.sum(case((in_place, MediaFile.size_bytes), else_=0)), 0),
            func.coalesce(func.sum(MediaFile.duration_seconds), 0.0),
        ).where(live)
    ).one()
    seconds = float(seconds or 0.0)
    outputs = [
        OutputBytes(kind=str(kind), label=words.output_kind(str(kind)), bytes=int(size), files=n)
        for kind, size, n in session.execute(
            select(Artifact.kind, func.sum(Artifact.size_bytes), func.count(Artifact.id))
            .join(MediaFile, Artifact.media_file_id == MediaFile.id)
            .where(live)
            .group_by(Artifact.kind)
            .order_by(func.sum(Artifact.size_bytes).desc())
        )
    ]
    rungs: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"titles": 0, "bytes": 0, "seconds": 0.0, "ssim": []}
    )
    ladder: dict[str, float] = {}
    ladder_bytes = 0
    rows = session.execute(
        select(
            Artifact.kind,
            Artifact.size_bytes,
            Artifact.params,
            MediaFile.id,
            MediaFile.duration_seconds,
        )
        .join(MediaFile, Artifact.media_file_id == MediaFile.id)
        .where(live, Artifact.kind.in_([ArtifactKind.HLS_VARIANT, ArtifactKind.AUDIO_HLS]))
    )
    for kind, size, params, media_id, duration in rows:
        ladder[media_id] = float(duration or 0.0)
        ladder_bytes += int(size)
        if kind != ArtifactKind.HLS_VARIANT:
            continue
        entry = rungs[str((params or {}).get("name") or "?")]
        entry["titles"] += 1
        entry["bytes"] += int(size)
        entry["seconds"] += float(duration or 0.0)
        ssim = ((params or {}).get("quality") or {}).get("ssim")
        if ssim is not None:
            entry["ssim"].append(float(ssim))
    renditions = [
        RenditionBytes(
            name=name,
            titles=e["titles"],
            bytes=e["bytes"],
            hours=round(e["seconds"] / HOUR, 6),
            bytes_per_hour=per_hour(e["bytes"], e["seconds"]),
            mean_ssim=(ssim := round(sum(e["ssim"]) / len(e["ssim"]), 5) if e["ssim"] else None),
            picture=words.picture_quality(ssim),
        )
        for name, e in sorted(rungs.items(), key=lambda kv: -_height(kv[0]))
    ]
    ladder_seconds = sum(ladder.values())
    outputs_bytes = sum(o.bytes for o in outputs)
    total = int(originals) + outputs_bytes
    originals_per_hour = per_hour(int(originals), seconds)
    summary = words.storage_summary(
        int(count),
        seconds,
        total,
        int(originals),
        int(referenced),
        f"{words.human_size(originals_per_hour)} per hour" if originals_per_hour else "",
    )
    return StorageStats(
        media_files=int(count),
        hours=round(seconds / HOUR, 6),
        originals_bytes=int(originals),
        originals_bytes_per_hour=originals_per_hour,
        referenced_bytes=int(referenced),
        outputs=outputs,
        outputs_bytes=outputs_bytes,
        renditions=renditions,
        ladder_hours=round(ladder_seconds / HOUR, 6),
        ladder_bytes_per_hour=per_hour(ladder_bytes, ladder_seconds),
        budget_bytes_per_hour=budget_bytes_per_hour,
        total_bytes=total,
        summary=summary,
        ladder_summary=words.ladder_summary(
            per_hour(ladder_bytes, ladder_seconds), budget_bytes_per_hour
        ),
    )


def _height(name: str) -> int:
    """``1080p`` sorts above ``720p``; names without a height go last."""
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else -1
