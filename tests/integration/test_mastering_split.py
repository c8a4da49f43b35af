"""The AAC encoded in two halves at once and spliced: the join is inaudible and exact."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

from mediadesk.engine.audio.local_run import LocalRunner
from mediadesk.engine.audio.master import MasterResult, master
from mediadesk.engine.audio.sources import MasterSources
from mediadesk.engine.audio.split_encode import FRAME, SpliceRefused, splice
from tests.audio_signals import Programme, decode, duration_of, make_programme, stream_md5
from tests.integration.test_mastering_engine import preset, source

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SECONDS = 24.0
RATE = 48000


def tonal(directory: Path) -> Path:
    """Tones and a chirp: coded without noise substitution, so waveforms compare."""
    out = directory / "tonal.wav"
    expr = "0.3*sin(2*PI*440*t)+0.2*sin(2*PI*(200+40*t)*t)+0.08*sin(2*PI*3100*t)"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
            "-i", f"aevalsrc={expr}|{expr}:s={RATE}:d={SECONDS}",
            "-c:a", "pcm_s16le", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out


def run(tmp_path: Path, name: str, programme: Path, split_min_s: float) -> MasterResult:
    work = tmp_path / name
    return master(
        LocalRunner(work / "logs"),
        "ffmpeg",
        "ffprobe",
        preset("audio/dialogue_mix_v1"),
        "audio/dialogue_mix_v1",
        MasterSources(source(programme), None),
        work,
        "m",
        split_min_s=split_min_s,
    )


def snr_db(reference: np.ndarray, other: np.ndarray) -> float:
    noise = float(np.mean((other - reference) ** 2))
    return 10 * np.log10(float(np.mean(reference**2)) / max(noise, 1e-20))


def test_halves_match_the_single_encode(ffmpeg: None, tmp_path: Path) -> None:
    programme = tonal(tmp_path)
    whole = run(tmp_path, "whole", programme, split_min_s=float("inf"))
    halves = run(tmp_path, "halves", programme, split_min_s=10.0)
    assert not whole.encoded_in_halves and halves.encoded_in_halves
    assert halves.details()["encoded_in_halves"] is True
    # Both are verified masters, on target, and last as long as the programme.
    assert halves.final.integrated_lufs == pytest.approx(whole.final.integrated_lufs, abs=0.05)
    assert duration_of(halves.output) == pytest.approx(SECONDS, abs=0.03)
    a, b = decode(whole.output), decode(halves.output)
    n = min(len(a), len(b))
    assert abs(len(a) - len(b)) <= FRAME
    # Sample-aligned (the priming frame is hidden, not played) and alike everywhere...
    assert snr_db(a[:n], b[:n]) > 40.0
    # ...including at the join, where a misplaced frame or a broken overlap would click.
    split_at = int(SECONDS * RATE) // 2 // FRAME * FRAME
    join = slice(split_at - 2 * FRAME, split_at + 2 * FRAME)
    assert snr_db(a[join], b[join]) > 40.0
    step = np.abs(np.diff(b[join], axis=0)).max()
    assert step < 2 * np.abs(np.diff(a[join], axis=0)).max()


def test_video_programme_in_halves_keeps_its_picture(ffmpeg: None, tmp_path: Path) -> None:
    programme = make_programme(tmp_path, Programme(duration=SECONDS))
    result = run(tmp_path, "video", programme, split_min_s=10.0)
    assert result.encoded_in_halves
    assert stream_md5(result.output) == stream_md5(programme)  # video copied, not re-encoded
    assert duration_of(result.output) == pytest.approx(SECONDS, abs=0.05)
    assert result.final.integrated_lufs == pytest.approx(-16.0, abs=0.5)


def test_splice_refuses_halves_too_short(tmp_path: Path) -> None:
    frame = bytes([0xFF, 0xF1, 0x50, 0x80, 0x01, 0x3F, 0xFC]) + b"\0\0"  # 9-byte ADTS frame
    first, second = tmp_path / "a.aac", tmp_path / "b.aac"
    first.write_bytes(frame * 3)
    second.write_bytes(frame * 2)
    with pytest.raises(SpliceRefused):
        splice(first, second, keep_first=4, skip_second=1, out=tmp_path / "s.aac")
    with pytest.raises(SpliceRefused):
        splice(first, second, keep_first=2, skip_second=2, out=tmp_path / "s.aac")
    assert splice(first, second, keep_first=2, skip_second=1, out=tmp_path / "s.aac") == 3
    first.write_bytes(b"not adts at all")
    with pytest.raises(SpliceRefused):
        splice(first, second, keep_first=1, skip_second=1, out=tmp_path / "s.aac")
