"""Output verification against real ffmpeg output, then against damaged copies of it:
each kind of damage fails with its own code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mediadesk.engine.encoders import CPU_ENCODER
from mediadesk.engine.hls.compile import ladder_argv
from mediadesk.engine.hls.ladder import finish_ladder
from mediadesk.engine.hls.plan import LadderPlan, plan_ladder
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset, RungSpec
from mediadesk.engine.probe import probe_file
from mediadesk.engine.process import ProcessResult, run_process
from mediadesk.engine.sniff import sniff
from mediadesk.errors import ErrorCode, VerificationFailed
from tests.media import Clip, make_clip
from tests.pipeline_support import ffprobe

pytestmark = [pytest.mark.slow, pytest.mark.integration]

TWO_RUNGS = LadderPreset(
    version=1,
    rungs=[
        RungSpec(name="360p", width=640, height=360, video_bitrate_k=800),
        RungSpec(name="180p", width=320, height=180, video_bitrate_k=300),
    ],
    keyframe_interval_s=1,
    segment_seconds=2,
)


def probe_run(argv: list[str]) -> ProcessResult:
    return run_process(argv, capture_stdout=True, timeout=60)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LadderPlan]:
    """A real two-rung ladder (4 s, 2 s segments, keyframe every second), made once."""
    root = tmp_path_factory.mktemp("ladder")
    src = make_clip(root, Clip(size="640x360", duration=4.0, fps=25))
    plan = plan_ladder(TWO_RUNGS, AudioHlsPreset(version=1), probe_file(src, "ffprobe"))
    out = root / "out"
    result = run_process(ladder_argv("ffmpeg", src, sniff(src), plan, out, CPU_ENCODER))
    assert result.ok, result.stderr_tail
    return out, plan


def copy(made: tuple[Path, LadderPlan], tmp_path: Path) -> Path:
    shutil.copytree(made[0], tmp_path / "out")
    return tmp_path / "out"


def verify(out: Path, plan: LadderPlan, tmp_path: Path) -> ErrorCode | None:
    try:
        finish_ladder(out, plan, "ffprobe", probe_run, tmp_path / "work")
    except VerificationFailed as exc:
        return exc.code
    return None


def test_intact_output_passes(made, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = copy(made, tmp_path)
    result = finish_ladder(out, made[1], "ffprobe", probe_run, tmp_path / "work")
    assert [r.name for r in result.rungs] == ["360p", "180p"]
    assert [len(r.playlist.segments) for r in result.rungs] == [2, 2]
    assert (out / "master.m3u8").exists()


def test_missing_segment(made, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = copy(made, tmp_path)
    (out / "180p" / "seg_00001.ts").unlink()
    assert verify(out, made[1], tmp_path) == ErrorCode.SEGMENT_MISSING
    assert not (out / "master.m3u8").exists()  # nothing is declared finished


def test_incomplete_playlist(made, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = copy(made, tmp_path)
    playlist = out / "360p" / "index.m3u8"
    playlist.write_text(playlist.read_text().replace("#EXT-X-ENDLIST\n", ""))
    assert verify(out, made[1], tmp_path) == ErrorCode.PLAYLIST_INVALID


def test_duration_that_does_not_match_the_source(made, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = copy(made, tmp_path)
    plan = made[1]
    longer = LadderPlan(**{**plan.__dict__, "duration": plan.duration + plan.segment_seconds + 1})
    assert verify(out, longer, tmp_path) == ErrorCode.DURATION_MISMATCH


def test_undecodable_first_segment(made, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = copy(made, tmp_path)
    segment = out / "180p" / "seg_00000.ts"
    size = segment.stat().st_size
    # Valid MPEG-TS packet headers around garbage: demuxable, not decodable.
    segment.write_bytes((b"\x47\x1f\xff\x10" + b"\xa5" * 184) * (size // 188))
    assert verify(out, made[1], tmp_path) == ErrorCode.OUTPUT_UNDECODABLE


def test_segment_that_starts_between_keyframes(made, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = copy(made, tmp_path)
    segment = out / "360p" / "seg_00000.ts"
    # Cut the segment at the TS packet where its second video frame (a P-frame) starts;
    # the second-second keyframe still follows, so the rest still decodes.
    doc = ffprobe("-select_streams", "v:0", "-show_entries", "packet=pos,flags", str(segment))
    second = int(doc["packets"][1]["pos"])
    assert not doc["packets"][1]["flags"].startswith("K")
    data = segment.read_bytes()
    segment.write_bytes(data[second - second % 188 :])
    assert verify(out, made[1], tmp_path) == ErrorCode.KEYFRAME_MISSING


def test_rungs_cut_at_different_frames(made, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = copy(made, tmp_path)
    playlist = out / "180p" / "index.m3u8"
    text = playlist.read_text()
    first, second = (ln for ln in text.splitlines() if ln.startswith("#EXTINF:"))
    a = float(first[8:].rstrip(","))
    b = float(second[8:].rstrip(","))
    shifted = text.replace(first, f"#EXTINF:{a - 1:.6f},").replace(second, f"#EXTINF:{b + 1:.6f},")
    playlist.write_text(shifted)
    assert verify(out, made[1], tmp_path) == ErrorCode.KEYFRAMES_MISALIGNED
