"""Hardware encoders for real: forcing one that cannot run here fails for real, and the
same attempt finishes on libx264 with both runs recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mediadesk.domain.enums import MediaStatus
from mediadesk.engine.binaries import ffmpeg_info
from mediadesk.engine.encoders import CODEC_OF, Family, working_hardware
from tests.pipeline_support import import_and_wait, jobs_by_type, stream_of

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture
def runtime_with(runtime_factory):  # type: ignore[no-untyped-def]
    def make(encoder: str) -> Any:
        return runtime_factory(pipeline_video=["probe", "hls"], encoder=encoder)

    return make


@pytest.mark.parametrize("family", [Family.NVENC, Family.VAAPI, Family.QSV])
def test_forced_hardware_encoder_falls_back_to_libx264(
    runtime_with, clip: Path, family: Family
) -> None:  # type: ignore[no-untyped-def]
    works_here = family in working_hardware(ffmpeg_info())
    rt = runtime_with(family.value)
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, media.error_message
    attempt = jobs_by_type(rt, media.id)["hls"].attempt_history[-1]
    hw = CODEC_OF[family]
    # The ladder encodes (the per-title probes and quality checks run libx264 and
    # ffmpeg filters too, never the HLS muxer).
    encodes = [c for c in attempt.commands if "-var_stream_map" in c.argv]
    if works_here:  # a machine with this hardware: it is simply used
        assert attempt.encoder == hw and len(encodes) == 1
        return
    # No such device here: the hardware run really ran and really failed...
    assert len(encodes) == 2, [c.argv for c in encodes]
    assert hw in encodes[0].argv and encodes[0].exit_code != 0
    # ...and the same attempt finished on libx264, which is what the row records.
    assert "libx264" in encodes[1].argv and encodes[1].exit_code == 0
    assert attempt.encoder == "libx264" and attempt.outcome == "SUCCEEDED"
    tries = attempt.details["encoders"]
    assert [t["encoder"] for t in tries] == [hw, "libx264"]
    assert [t["ok"] for t in tries] == [False, True] and tries[0]["error"]
    log = Path(attempt.stderr_log).read_text()
    assert f"{hw} failed" in log and "falling back to libx264" in log
    out = Path(rt.settings.resolved_storage) / "hls" / media.id / "180p" / "seg_00000.ts"
    assert stream_of(out)["codec_name"] == "h264"


def test_cpu_setting_never_tries_hardware(runtime_with, clip: Path) -> None:  # type: ignore[no-untyped-def]
    rt = runtime_with("cpu")
    media = import_and_wait(rt, clip)
    attempt = jobs_by_type(rt, media.id)["hls"].attempt_history[-1]
    assert attempt.encoder == "libx264"
    assert not any(
        codec in c.argv
        for c in attempt.commands
        for codec in CODEC_OF.values()
        if codec != "libx264"
    )
