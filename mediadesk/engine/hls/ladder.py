"""After the encode: patch playlists, verify every rendition, write the master playlist."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.master import (
    MASTER,
    AudioEntry,
    VariantEntry,
    audio_only_variant,
    ladder_variants,
    master_playlist,
)
from mediadesk.engine.hls.plan import AudioPlan, LadderPlan
from mediadesk.engine.hls.playlist import with_independent_segments
from mediadesk.engine.hls.presets import SegmentFormat
from mediadesk.engine.hls.verify import ProbeRunner, Rendition, check_aligned, verify_rendition


@dataclass(frozen=True)
class HlsOutput:
    out_dir: Path
    rungs: list[Rendition]
    audio: Rendition | None
    variants: list[VariantEntry]

    @property
    def master(self) -> Path:
        return self.out_dir / MASTER


def patch_playlist(directory: Path) -> None:
    path = directory / PLAYLIST
    if path.is_file():
        text = path.read_text("utf-8")
        patched = with_independent_segments(text)
        if patched != text:
            path.write_text(patched, "utf-8")


def _version(renditions: list[Rendition]) -> int:
    return max((r.playlist.version or 3) for r in renditions)


@dataclass(frozen=True)
class Checker:
    """Patches and verifies one rendition directory against the source."""

    duration: float
    tolerance: float  # one segment
    segment_format: SegmentFormat
    ffprobe: str
    run: ProbeRunner
    work: Path

    def __call__(self, directory: Path, video: bool) -> Rendition:
        patch_playlist(directory)
        return verify_rendition(
            directory,
            expected_duration=self.duration,
            tolerance=self.tolerance,
            segment_format=self.segment_format,
            video=video,
            ffprobe=self.ffprobe,
            run=self.run,
            work=self.work,
        )


def finish_ladder(
    out_dir: Path, plan: LadderPlan, ffprobe: str, run: ProbeRunner, work: Path
) -> HlsOutput:
    check = Checker(plan.duration, plan.segment_seconds, plan.segment_format, ffprobe, run, work)
    todo = [(r.name, True) for r in plan.all_rungs]
    todo += [(plan.audio.name, False)] if plan.audio else []
    # The encode is over and the cores are idle: decode the first segments side by side.
    with ThreadPoolExecutor(max_workers=max(1, min(len(todo), os.cpu_count() or 1))) as pool:
        futures = [pool.submit(check, out_dir / name, video) for name, video in todo]
    done = [f.result() for f in futures]  # the first failure in rung order is raised
    rungs = done[: len(plan.all_rungs)]
    audio = done[len(plan.all_rungs)] if plan.audio else None
    check_aligned(rungs, 1 / float(plan.frame_rate))
    group = plan.audio.group_id if plan.audio else None
    variants = ladder_variants(rungs, audio, group, plan.frame_rate)
    if plan.hdr_rungs:
        # SDR and HDR variants side by side: each says which it is (RFC 8216bis).
        hdr = "HLG" if plan.hdr_transfer == "arib-std-b67" else "PQ"
        variants = [
            replace(v, video_range=hdr if i >= len(plan.rungs) else "SDR")
            for i, v in enumerate(variants)
        ]
    entry = None
    if plan.audio is not None and audio is not None:
        entry = AudioEntry(
            group_id=plan.audio.group_id,
            name=plan.audio.name,
            uri=f"{audio.name}/{PLAYLIST}",
            channels=audio.first.channels or plan.audio.channels,
            language=plan.audio.language,
        )
    text = master_playlist(variants, entry, _version(rungs + ([audio] if audio else [])))
    (out_dir / MASTER).write_text(text, "utf-8")
    return HlsOutput(out_dir, rungs, audio, variants)


def finish_audio(out_dir: Path, plan: AudioPlan, check: Checker) -> HlsOutput:
    audio = check(out_dir / plan.name, video=False)
    variants = [audio_only_variant(audio)]
    (out_dir / MASTER).write_text(master_playlist(variants, None, _version([audio])), "utf-8")
    return HlsOutput(out_dir, [], audio, variants)
