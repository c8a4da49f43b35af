"""HDR to SDR BT.709 for the H.264 ladder (HDR10, HLG, Dolby Vision profile 8's base layer).

ffmpeg only tags: an 8-bit H.264 encode of a PQ source keeps the PQ numbers and looks
washed out (measured here: mean luma 126 instead of 80 on a BT.2020/PQ test card). The
chain converts for real, on the CPU with zimg (``zscale``, in Debian's ffmpeg 5.1):

    zscale (source transfer/matrix/primaries -> linear light, 100 nits nominal peak)
    -> float RGB -> zscale (BT.709 primaries) -> tonemap (hable, no desaturation)
    -> zscale (BT.709 transfer and matrix, limited range) -> yuv420p

The source's colour description is stated explicitly (``tin``/``min``/``pin``), not
left to frame side data a demuxer may not carry. The output is then tagged BT.709
(``-color_primaries``/``-color_trc``/``-colorspace``) so players do not guess.
A Dolby Vision profile 8 file's base layer is HDR10 (8.1) or HLG (8.4) and is
tone-mapped as such; its enhancement metadata is ignored.
"""

from __future__ import annotations

from typing import Any, Literal

from mediadesk.domain.mediainfo import StreamInfo

Transfer = Literal["smpte2084", "arib-std-b67"]
HDR_TRANSFERS: frozenset[str] = frozenset({"smpte2084", "arib-std-b67"})
# zimg's names for the matrices ffprobe reports.
_MATRIX = {"bt2020nc": "2020_ncl", "bt2020c": "2020_cl", "bt709": "709"}
_PRIMARIES = {"bt2020": "2020", "bt709": "709"}
SDR_TAGS = {
    "color_primaries": "bt709",
    "color_trc": "bt709",
    "colorspace": "bt709",
    "color_range": "tv",
}


def hdr_transfer(video: StreamInfo | None) -> Transfer | None:
    transfer = (video.color_transfer or "") if video is not None else ""
    if transfer == "smpte2084":
        return "smpte2084"
    if transfer == "arib-std-b67":
        return "arib-std-b67"
    return None


def tonemap_steps(video: StreamInfo, transfer: Transfer) -> list[tuple[str, dict[str, str]]]:
    """The filters, in order, as (name, options)."""
    matrix = _MATRIX.get(video.color_space or "", "2020_ncl")
    primaries = _PRIMARIES.get(video.color_primaries or "", "2020")
    source_range = "full" if video.color_range == "pc" else "limited"
    return [
        (
            "zscale",
            {
                "tin": transfer,
                "min": matrix,
                "pin": primaries,
                "rin": source_range,
                "t": "linear",
                "npl": "100",
            },
        ),
        ("format", {"pix_fmts": "gbrpf32le"}),
        ("zscale", {"p": "709"}),
        ("tonemap", {"tonemap": "hable", "desat": "0"}),
        ("zscale", {"t": "709", "m": "709", "r": "limited"}),
        ("format", {"pix_fmts": "yuv420p"}),
    ]


def apply_tonemap(stream: Any, video: StreamInfo, transfer: Transfer) -> Any:
    for name, options in tonemap_steps(video, transfer):
        stream = stream.filter(name, **options)
    return stream


def tonemap_vf(video: StreamInfo, transfer: Transfer) -> str:
    """The same chain as a ``-vf`` string (posters)."""
    return ",".join(
        name + "=" + ":".join(f"{k}={v}" for k, v in options.items())
        for name, options in tonemap_steps(video, transfer)
    )
