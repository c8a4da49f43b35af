"""Preset parameters in people's words, for the presets browser and the mastering
dialog: "Bit rate at most: 5000 kb/s", not ``maxrate_k: 5000``. The key itself stays one
hover away (the tooltip) and in the preset file; ``presets show`` prints the JSON.

A test keeps a name here for every key the shipped presets use.
"""

from __future__ import annotations

from typing import Any

NAMES = {
    "aac_coder": "AAC coder",
    "amount_db": "Amount",
    "audio": "Audio",
    "background": "Background",
    "bitrate": "Bit rate",
    "bitrate_k": "Bit rate",
    "bits": "Bits per sample",
    "bufsize_k": "Buffer",
    "burn_in": "Picture subtitles burned in",
    "channels": "Channels",
    "codec": "Codec",
    "color": "Colour",
    "columns": "Columns",
    "crf": "Quality (CRF)",
    "ducking": "Ducking",
    "duration_seconds": "Length",
    "enabled": "On",
    "fade_enabled": "Fade in and out",
    "floor_retry_crf_step": "Under the floor: CRF lowered by",
    "gate": "Gate",
    "group_id": "Group",
    "hdr_rungs": "HDR versions",
    "height": "Height",
    "interval_s": "Every",
    "jpeg_quality": "JPEG quality",
    "keyframe_interval_s": "Keyframe every",
    "keyframes_only": "Keyframes only",
    "languages": "Languages",
    "lra": "Loudness range",
    "max_duration_s": "At most",
    "max_frame_rate": "Frame rate at most",
    "max_height": "Height at most",
    "max_tracks": "Tracks at most",
    "max_pixels": "Pixels at most",
    "maxrate_k": "Bit rate at most",
    "method": "Method",
    "mode": "Mode",
    "music_gain_db": "Music level",
    "name": "Name",
    "normalization": "Loudness",
    "output": "Output",
    "per_title": "Versions chosen per title",
    "png_height": "Picture height",
    "png_width": "Picture width",
    "profile": "H.264 profile",
    "quality": "Quality",
    "resample": "Resampling",
    "rows": "Rows",
    "rungs": "Versions",
    "sample_rate": "Sample rate",
    "samples_per_pixel": "Samples per pixel",
    "segment_format": "Segments",
    "segment_seconds": "Segment length",
    "sizes": "Sizes",
    "ssim_floor": "Quality floor (SSIM)",
    "surround_bitrate_k": "Surround bit rate",
    "target_lufs": "Target loudness",
    "tile_width": "Tile width",
    "timing": "Timing",
    "tracks": "Tracks",
    "true_peak_db": "True peak at most",
    "video_bitrate_k": "Video bit rate",
    "video_gain_db": "Programme level",
    "width": "Width",
    "x264_preset": "x264 speed",
}

WORDS = {
    "mpegts": "MPEG-TS",
    "fmp4": "fMP4 (CMAF)",
    "aac": "AAC",
    "none": "None",
    "off": "Off",
    "forced": "Forced only",
    "all": "All",
    "high": "High",
    "main": "Main",
}
# Names of things elsewhere (encoder settings, preset ids, language codes): as written.
VERBATIM = {"x264_preset", "aac_coder", "name", "audio", "group_id", "languages", "codec"}
PIXELS = {"width", "height", "max_height", "png_width", "png_height", "tile_width"}


def parameter_name(key: str) -> str:
    return NAMES.get(key) or key.replace("_", " ").capitalize()


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def parameter_value(key: str, value: Any) -> str:
    """A scalar (or a list of scalars) with its unit, as the key says."""
    if value is None:
        return "Whole file" if key == "duration_seconds" else "—"
    if isinstance(value, list) and not value:
        return "Any" if key == "languages" else "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(parameter_value(key, v) for v in value)
    if isinstance(value, str):
        if value in WORDS or key in VERBATIM:
            return WORDS.get(value, value)
        return value[:1].upper() + value[1:]  # "mix" reads "Mix", as the rest of the row
    if not isinstance(value, int | float):
        return str(value)
    n = _number(value)
    if key.endswith("_k"):
        return f"{n} kb/s"
    if key == "bitrate":
        return f"{_number(value / 1000)} kb/s"
    if key == "true_peak_db":
        return f"{n} dBTP"
    if key.endswith("_db"):
        return f"{n} dB"
    if key.endswith("_lufs"):
        return f"{n} LUFS"
    if key == "lra":
        return f"{n} LU"
    if key.endswith(("_s", "_seconds")):
        return f"{n} s"
    if key == "sample_rate":
        return f"{n} Hz"
    if key in PIXELS:
        return f"{n} px"
    return n


def item_name(index: int, item: Any) -> str:
    """A list entry of objects (a ladder's rungs): by its own name, else its place."""
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        return str(item["name"])
    return f"#{index + 1}"
