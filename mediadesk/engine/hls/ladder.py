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
from mediadesk.engine.hls.plan import AudioPlan, BurnedRung, LadderPlan
from mediadesk.engine.hls.playlist import with_independent_segments
from mediadesk.engine.hls.presets import SegmentFormat
from mediadesk.engine.hls.verify import ProbeRunner, Rendition, check_aligned, verify_rendition


@dataclass(frozen=True)
class BurnedOutput:
    """A verified burned-in copy of a rung and the variant of its own master."""

    plan: BurnedRung
    rendition: Rendition
    variant: VariantEntry  # with the default audio group


@dataclass(frozen=True)
class HlsOutput:
    out_dir: Path
    rungs: list[Rendition]
    audio: Rendition | None  # the default audio rendition
    variants: list[VariantEntry]
    # Every audio rendition with its plan (the default first, surround ones last).
    tracks: tuple[tuple[AudioPlan, Rendition], ...] = ()
    # Picture subtitles burned in, each with ``master.burned_N.m3u8`` in ``out_dir``.
    burned: tuple[BurnedOutput, ...] = ()

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
    audio_plans = plan.tracks.encoded or ((plan.audio,) if plan.audio else ())
    video = plan.encoded_rungs
    todo = [(r.name, True) for r in video] + [(a.name, False) for a in audio_plans]
    # The encode is over and the cores are idle: decode the first segments side by side.
    with ThreadPoolExecutor(max_workers=max(1, min(len(todo), os.cpu_count() or 1))) as pool:
        futures = [pool.submit(check, out_dir / name, video) for name, video in todo]
    done = [f.result() for f in futures]  # the first failure in rung order is raised
    rungs = done[: len(plan.all_rungs)]
    copies = done[len(plan.all_rungs) : len(video)]
    made = dict(zip((a.name for a in audio_plans), done[len(video) :], strict=True))
    # The burned copies too: a player switching masters keeps its position.
    check_aligned(rungs + copies, 1 / float(plan.frame_rate))
    tracks = tuple((a, made[a.name]) for a in audio_plans)
    stereo = [(a, made[a.name]) for a in (plan.tracks.stereo or audio_plans)]
    surround = (
        [(a, made[a.name]) for a in plan.tracks.surround_group] if plan.tracks.surround else []
    )
    entries, variants = _master_lines(rungs, stereo, surround, plan, ranged=True)
    audio = stereo[0][1] if stereo else None
    renditions = rungs + [r for _, r in tracks]
    text = master_playlist(variants, entries, _version(renditions))
    (out_dir / MASTER).write_text(text, "utf-8")
    burned = []
    for copy, made_copy in zip(plan.burned, copies, strict=True):
        # A master of its own: the one burned rung with the same audio groups, so ABR
        # never switches between subtitled and clean pictures.
        own_entries, own_variants = _master_lines([made_copy], stereo, surround, plan)
        own = master_playlist(own_variants, own_entries, _version([made_copy, *renditions]))
        (out_dir / copy.master).write_text(own, "utf-8")
        burned.append(BurnedOutput(copy, made_copy, own_variants[0]))
    return HlsOutput(out_dir, rungs, audio, variants, tracks, tuple(burned))


def _master_lines(
    rungs: list[Rendition],
    stereo: list[tuple[AudioPlan, Rendition]],
    surround: list[tuple[AudioPlan, Rendition]],
    plan: LadderPlan,
    ranged: bool = False,
) -> tuple[list[AudioEntry], list[VariantEntry]]:
    """The audio lines and the variants (one per rung and audio group) of a master."""
    entries: list[AudioEntry] = []
    variants: list[VariantEntry] = []
    for group in (stereo, surround):
        if not group:
            continue
        group_id = group[0][0].group_id if group is stereo else plan.tracks.surround[0].group_id
        entries += [_audio_entry(a, r, group_id) for a, r in group]
        variants += ladder_variants(rungs, [r for _, r in group], group_id, plan.frame_rate)
    if not stereo:
        variants = ladder_variants(rungs, None, None, plan.frame_rate)
    return entries, (_ranged(variants, plan) if ranged else variants)


def _ranged(variants: list[VariantEntry], plan: LadderPlan) -> list[VariantEntry]:
    """SDR and HDR variants side by side: each says which it is (RFC 8216bis)."""
    if not plan.hdr_rungs:
        return variants
    hdr = "HLG" if plan.hdr_transfer == "arib-std-b67" else "PQ"
    return [
        replace(v, video_range=hdr if i >= len(plan.rungs) else "SDR")
        for i, v in enumerate(variants)
    ]


def _audio_entry(plan: AudioPlan, made: Rendition, group_id: str) -> AudioEntry:
    return AudioEntry(
        group_id=group_id,
        name=plan.label or plan.name,
        uri=f"{made.name}/{PLAYLIST}",
        channels=made.first.channels or plan.channels,
        language=plan.language,
        default=plan.default,
    )


def finish_audio(out_dir: Path, plan: AudioPlan, check: Checker) -> HlsOutput:
    audio = check(out_dir / plan.name, video=False)
    variants = [audio_only_variant(audio)]
    (out_dir / MASTER).write_text(master_playlist(variants, None, _version([audio])), "utf-8")
    return HlsOutput(out_dir, [], audio, variants)
