"""Jobs that rewrite a media file's master playlist run one at a time for that file.

A ladder made again and the seek-thumbnails step each rewrite ``master.m3u8`` from
what they read when they started; side by side, the later publish would drop the
other's lines (the image stream, or the new rungs). Real jobs on real workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mediadesk.domain.enums import JobStatus
from mediadesk.runtime import Runtime
from tests.media import Clip, make_clip
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.integration]

PIPELINE = {"pipeline_video": ["probe", "hls", "trickplay"], "workers": 2}


def finished(rt: Runtime, media_id: str) -> bool:
    jobs = rt.jobs.list_jobs(media_file_id=media_id).items
    return len(jobs) >= 3 and all(j.status.is_terminal for j in jobs)


def test_a_ladder_and_seek_thumbnails_made_again_together_take_turns(
    runtime_factory, media_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_factory(**PIPELINE)
    clip = make_clip(media_dir, Clip(size="640x360", duration=8.0, seed="turns"))
    media = rt.ingest.import_path(clip).media
    wait_until(lambda: finished(rt, media.id), "the first pipeline", timeout=240)
    by_type = {j.type: j for j in rt.jobs.list_jobs(media_file_id=media.id).items}
    ladder, thumbs = by_type["hls"], by_type["trickplay"]
    assert ladder.status == thumbs.status == JobStatus.COMPLETED

    # Both again at once, with two idle workers: one waits for the other.
    rt.jobs.replay(ladder.id)
    rt.jobs.replay(thumbs.id)
    done = wait_until(
        lambda: [rt.jobs.get(ladder.id), rt.jobs.get(thumbs.id)],
        "both to finish again",
        until=lambda js: all(j.status.is_terminal and j.attempts == 2 for j in js),
        timeout=240,
    )
    assert [j.status for j in done] == [JobStatus.COMPLETED, JobStatus.COMPLETED]
    spans = sorted(
        (a.started_at, a.finished_at)
        for j in done
        for a in j.attempt_history or []
        if a.number == 2
    )
    assert len(spans) == 2 and all(end is not None for _, end in spans)
    (_, first_end), (second_start, _) = spans
    assert first_end is not None and second_start >= first_end, spans

    master = Path(rt.settings.resolved_storage) / "hls" / media.id / "master.m3u8"
    text = master.read_text("utf-8")
    assert text.count("#EXT-X-IMAGE-STREAM-INF") == 1  # the ladder's rungs and the image
    assert "360p/index.m3u8" in text
