"""HDR sources through the real pipeline (issue 13 item 3): the H.264 ladder is SDR
BT.709, tone-mapped, tagged, and about as bright as a hand-made zscale+tonemap."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mediadesk.domain.enums import MediaStatus
from tests.media import Clip, make_clip
from tests.pipeline_support import import_and_wait, master_variants, media_root, stream_of

pytestmark = [pytest.mark.slow, pytest.mark.integration]

MASTERING = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)"
# HDR10 as cameras and discs carry it: x265 Main 10, BT.2020 primaries, PQ transfer.
# The picture is really PQ-coded (testsrc2 graded bright, its white at 4000 nits), so
# shown untouched it reads about 25% off a tone-map: testsrc2's own values merely
# tagged as PQ came within 6% of one (ffmpeg 5.1.9), and the test could not tell.
PQ_GRADE = (
    "format=gbrpf32le,zscale=tin=bt709:min=gbr:pin=bt709:rin=full:npl=4000"
    ":t=smpte2084:p=bt2020:m=bt2020nc:r=tv,format=yuv420p10le"
)
HDR10 = Clip(
    size="1280x720",
    duration=2.0,
    vcodec="libx265",
    pix_fmt="yuv420p10le",
    extra=(
        *("-vf", PQ_GRADE),
        "-x265-params",
        "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:"
        f"range=limited:hdr10=1:max-cll=1000,400:master-display={MASTERING}",
        *("-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"),
    ),
)
# The reference, written out by hand as the zimg documentation and every HDR guide give it.
REFERENCE = (
    "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,"
    "tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p"
)


def mean_luma(path: Path, before: str = "") -> float:
    chain = (before + "," if before else "") + "signalstats,metadata=print:file=-"
    out = subprocess.run(
        [
            *("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path)),
            *("-map", "0:v:0", "-vf", chain, "-f", "null", "-"),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    values = [float(ln.split("=", 1)[1]) for ln in out.splitlines() if "YAVG=" in ln]
    assert values
    return sum(values) / len(values)


def test_hdr10_becomes_sdr_bt709(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, HDR10, "hdr10.mp4")
    source = stream_of(clip)
    assert (source["color_transfer"], source["color_primaries"]) == ("smpte2084", "bt2020")
    rt = runtime_factory(pipeline_video=["probe", "poster", "hls"])
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    out = media_root(rt) / "hls" / media.id
    rung = out / "720p" / "index.m3u8"
    video = stream_of(out / "720p" / "seg_00000.ts")
    assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")
    tags = (video["color_primaries"], video["color_transfer"], video["color_space"])
    assert tags == ("bt709", "bt709", "bt709")
    reference = mean_luma(clip, REFERENCE)
    untouched = mean_luma(clip, "format=yuv420p")  # what tagging alone would show
    assert abs(untouched - reference) / reference > 0.2  # the test can tell them apart
    assert mean_luma(rung) == pytest.approx(reference, rel=0.10)
    poster = media_root(rt) / "thumbnails" / media.id / "poster.jpg"
    assert mean_luma(poster) == pytest.approx(reference, rel=0.10)


def test_hevc_main10_rungs_keep_hdr_beside_the_sdr_ladder(runtime_factory, media_dir: Path) -> None:  # type: ignore[no-untyped-def]
    clip = make_clip(media_dir, HDR10, "hdr10.mp4")
    rt = runtime_factory(pipeline_video=["probe", "hls"], step_presets={"hls": "hls/ladder_hdr_v1"})
    media = import_and_wait(rt, clip)
    assert media.status == MediaStatus.READY, (media.error_code, media.error_message)
    out = media_root(rt) / "hls" / media.id
    variants = {v["URI"]: v for v in master_variants(out / "master.m3u8")}
    hdr = variants["720p_hdr/index.m3u8"]
    assert hdr["VIDEO-RANGE"] == "PQ" and hdr["RESOLUTION"] == "1280x720"
    assert hdr["CODECS"].startswith("hvc1.2.4.L") and hdr["CODECS"].endswith(".B0,mp4a.40.2")
    assert variants["720p/index.m3u8"]["VIDEO-RANGE"] == "SDR"
    assert variants["720p/index.m3u8"]["CODECS"].startswith("avc1.")
    rung = out / "720p_hdr"
    init = next(rung.glob("init*.mp4"))
    joined = rung / "check.mp4"
    joined.write_bytes(init.read_bytes() + (rung / "seg_00000.m4s").read_bytes())
    video = stream_of(joined)
    assert (video["codec_name"], video["codec_tag_string"]) == ("hevc", "hvc1")
    assert (video["profile"], video["pix_fmt"]) == ("Main 10", "yuv420p10le")
    assert (video["color_transfer"], video["color_primaries"]) == ("smpte2084", "bt2020")
    sdr = out / "720p"
    init = next(sdr.glob("init*.mp4"))
    joined = sdr / "check.mp4"
    joined.write_bytes(init.read_bytes() + (sdr / "seg_00000.m4s").read_bytes())
    assert stream_of(joined)["color_transfer"] == "bt709"
