"""The ladder encoded by quality (hls/ladder_v2) with real ffmpeg: the per-title choice,
the measured quality on the rendition artifacts, the floor, and BANDWIDTH over
variable-rate segments."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import ArtifactKind, MediaStatus
from mediadesk.engine.encoders import CPU_ENCODER
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.pertitle import analyse
from mediadesk.engine.hls.plan import LadderPlan, plan_ladder
from mediadesk.engine.hls.playlist import parse_media_playlist
from mediadesk.engine.hls.presets import LadderPreset
from mediadesk.engine.hls.quality import SampledRung, measure_ladder
from mediadesk.engine.presets import load_typed
from mediadesk.engine.probe import probe_file
from mediadesk.engine.process import run_process
from mediadesk.engine.sniff import sniff
from mediadesk.errors import ErrorCode
from tests.pipeline_support import import_and_wait, jobs_by_type, master_variants, media_root

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def lavfi_clip(path: Path, graph: str, seconds: float, *extra: str) -> Path:
    """A clip from a lavfi graph, with a keyframe every second and a tone."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            graph,
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-t",
            str(seconds),
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "12",
            "-g",
            "25",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            *extra,
            str(path),
        ],
        check=True,
        timeout=300,
    )
    return path


def v2_plan(source: Path) -> LadderPlan:
    preset = load_typed("hls/ladder_v2", LadderPreset)
    return plan_ladder(preset, None, probe_file(source, "ffprobe", sniff(source)))


def test_static_slides_get_fewer_rungs_than_high_motion(ffmpeg: None, tmp_path: Path) -> None:
    slides = lavfi_clip(tmp_path / "slides.mp4", "smptehdbars=size=1280x720:rate=25", 4.0)
    motion = lavfi_clip(
        tmp_path / "motion.mp4",
        "testsrc2=size=1280x720:rate=25,rotate=a=t*2,noise=alls=20:allf=t",
        4.0,
    )
    kept = {}
    for source in (slides, motion):
        plan = v2_plan(source)
        assert [r.name for r in plan.rungs] == ["720p", "480p", "360p"]
        chosen, analysis = analyse(
            "ffmpeg", source, sniff(source), plan, CPU_ENCODER, run_process, tmp_path / "a"
        )
        assert [r.name for r in chosen.rungs] == list(analysis.kept)
        kept[source.stem] = analysis
    assert len(kept["slides"].kept) < len(kept["motion"].kept)
    assert kept["slides"].kept[0] == "720p"  # the top survives; the rungs under it go
    assert kept["slides"].predicted_k["720p"] < kept["motion"].predicted_k["720p"]


def test_quality_lines_up_for_a_source_whose_timestamps_start_late(
    ffmpeg: None, tmp_path: Path
) -> None:
    """MPEG-TS with video starting 10 s in and 23 ms after its audio: the sampler finds
    the frames the encode showed, so a clean source measures as clean."""
    source = lavfi_clip(
        tmp_path / "late.ts", "testsrc2=size=640x360:rate=25", 14.0, "-output_ts_offset", "10"
    )
    plan = v2_plan(source)
    out = tmp_path / "out"
    result = run_process(ladder_argv("ffmpeg", source, sniff(source), plan, out, CPU_ENCODER))
    assert result.ok, result.stderr_tail
    rung = plan.rungs[0]
    playlist = parse_media_playlist((out / rung.name / "index.m3u8").read_text(), rung.name)
    # A work directory whose name needs both levels of filtergraph escaping.
    work = tmp_path / "q: a, b's"
    measured = measure_ladder(
        "ffmpeg",
        source,
        sniff(source),
        plan,
        [SampledRung(rung, playlist, out / rung.name)],
        lambda argv: run_process(argv, capture_stdout=True),
        work,
    )[rung.name]
    assert len(measured.segments) >= 2  # the first and a later, seeked one
    assert measured.frames >= 200
    assert measured.ssim > 0.98 and measured.psnr > 38, measured


def bandwidth_windows(directory: Path) -> int:
    """RFC 8216 4.3.4.2: the peak bitrate over any run of contiguous segments lasting
    0.5 to 1.5 target durations, computed here from the files themselves."""
    playlist = parse_media_playlist((directory / "index.m3u8").read_text(), directory.name)
    sizes = [(directory / s.uri).stat().st_size for s in playlist.segments]
    durations = [s.duration for s in playlist.segments]
    target = playlist.target_duration
    peak = 0
    for i in range(len(sizes)):
        for j in range(i, len(sizes)):
            span = sum(durations[i : j + 1])
            if 0.5 * target <= span <= 1.5 * target:
                peak = max(peak, round(sum(sizes[i : j + 1]) * 8 / span))
    return peak


def test_v2_job_records_analysis_quality_and_honest_bandwidth(
    runtime_factory: Any, tmp_path: Path
) -> None:
    # Calm for six seconds, then grain: segments of very different sizes.
    clip = lavfi_clip(
        tmp_path / "variable.mp4",
        "testsrc2=size=854x480:rate=25,noise=alls=5:allf=t:enable='gte(t,6)'",
        13.0,
    )
    rt = runtime_factory(pipeline_video=["probe", "hls"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    attempt = jobs_by_type(rt, media.id)["hls"].attempt_history[-1]
    analysis = attempt.details["analysis"]
    assert set(analysis["predicted_kbps"]) == {"480p", "360p"}
    assert analysis["kept"] and analysis["expected_bytes_per_hour"] > 0
    variants = [a for a in media.artifacts if a.kind == ArtifactKind.HLS_VARIANT]
    assert [a.params["name"] for a in variants] == analysis["kept"]
    for art in variants:
        quality = art.params["quality"]
        assert quality["ssim_floor"] < quality["ssim"] <= 1.0
        assert quality["psnr"] > 25 and quality["frames"] > 0 and quality["crf"] == 23
    out = media_root(rt) / "hls" / media.id
    audio_peak = bandwidth_windows(out / "audio")
    for variant in master_variants(out / "master.m3u8"):
        rung_dir = out / variant["URI"].split("/")[0]
        sizes = [p.stat().st_size for p in sorted(rung_dir.glob("seg_*.ts"))]
        assert max(sizes) > 1.5 * min(sizes)  # the rate really varies
        assert int(variant["BANDWIDTH"]) >= bandwidth_windows(rung_dir) + audio_peak


def test_a_rendition_under_its_floor_fails_with_quality_below_floor(
    runtime_factory: Any, tmp_path: Path
) -> None:
    """Heavy grain the 360p ceiling cannot carry: one re-encode at a lower CRF, still
    under the floor, so the job fails and nothing is published."""
    clip = lavfi_clip(
        tmp_path / "grain.mp4", "testsrc2=size=640x360:rate=25,noise=alls=80:allf=t+u", 3.0
    )
    rt = runtime_factory(pipeline_video=["probe", "hls"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.FAILED
    job = jobs_by_type(rt, media.id)["hls"]
    assert job.error_code == ErrorCode.QUALITY_BELOW_FLOOR
    assert "under its floor" in (job.error_message or "")
    attempt = job.attempt_history[0]
    assert attempt.details["floor_retry"] == {"360p": 23 - 4}
    encodes = [c for c in attempt.commands if "libx264" in c.argv and "-var_stream_map" in c.argv]
    assert len(encodes) == 2  # the ladder, then once more at the lower CRF
    assert not (media_root(rt) / "hls" / media.id / "master.m3u8").exists()
    assert not [a for a in media.artifacts if a.kind == ArtifactKind.HLS_VARIANT]
