"""The detail pane's sentences: what a file belongs to, where playback stopped, what to
do after a failure, its streaming versions and its health, in people's words."""

from __future__ import annotations

from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import movie_label, season_label
from mediadesk.domain.enums import ArtifactKind, MediaKind, MediaStatus
from mediadesk.domain.folders import HEALTH_WORDS, HealthState
from mediadesk.library.views import ArtifactView, MediaFileView
from ui.format import clock, duration, resolution


def belongs_to(media: MediaFileView) -> str:
    """The entry a file is, in words: ``Episode 2 of Season 1 of Garden Show``."""
    ref = media.catalogue
    if ref is None and media.kind == MediaKind.AUDIO:
        # A song belongs to its album (from its tags), not to a movie or series.
        place = media.song.place if media.song is not None else None
        return place or "Not in an album"
    if ref is None:
        return "Not in a movie or series"
    version = f" (version {ref.version})" if ref.version and ref.version in ref.label else ""
    if ref.kind == "movie":
        return f"Movie: {movie_label(ref.title or '', ref.year)}{version}"
    number = str(ref.episode)
    if ref.end_episode is not None and ref.end_episode != ref.episode:
        number += f"-{ref.end_episode}"
    season = season_label(ref.season or 0).replace("Season", "season")
    return f"Episode {number} of {season} of {ref.series_title}{version}"


def playback_line(media: MediaFileView) -> str:
    played = media.playback
    if played is None:
        return ""
    if played.watched:
        return words.finished_label(media.kind)
    if played.position_s:
        return f"Stopped at {clock(played.position_s)} of {clock(media.duration_seconds)}"
    return ""


def what_next(media: MediaFileView) -> str:
    """The sentence after a failure: what the user can do about it."""
    if media.status != MediaStatus.FAILED:
        return ""
    return "Right-click the file and choose Re-run processing, or open a failed job's log below."


def renditions(artifacts: list[ArtifactView]) -> list[str]:
    out = []
    for art in artifacts:
        if art.kind not in (ArtifactKind.HLS_VARIANT, ArtifactKind.AUDIO_HLS):
            continue
        p = art.params
        parts = [words.rung_label(p.get("width"), p.get("height")) or "Audio"]
        if p.get("width") and p.get("height"):
            parts.append(resolution(p["width"], p["height"]))
        for key in ("bitrate", "video_bitrate", "bandwidth"):
            if p.get(key):
                parts.append(f"{int(p[key]) // 1000} kb/s")
                break
        quality = p.get("quality") or {}
        if quality.get("ssim") is not None:
            # The measured SSIM in words; the numbers stay in the technical details.
            parts.append(f"{words.picture_quality(quality['ssim'])} picture")
        out.append(" · ".join(parts))
    return out


def breakable(text: str, run: int = 20) -> str:
    """Long unbroken runs (hashes, ids, keys) may wrap: a narrow pane never clips them."""
    out, count = [], 0
    for ch in text:
        out.append(ch)
        count = 0 if ch.isspace() else count + 1
        if count >= run:
            out.append("\u200b")
            count = 0
    return "".join(out)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def health_line(m: MediaFileView) -> str:
    if m.health is None or m.health_report is None:
        return ""
    said = HEALTH_WORDS[m.health]
    if m.health != HealthState.DAMAGED:
        return said
    errors = m.health_report.get("errors", 0)
    spans = ", ".join(
        f"{duration(e['start_s'])}-{duration(e['end_s'])}"
        for e in m.health_report.get("first_errors", [])
    )
    return f"{said}: {errors} decoding errors" + (f" (at {spans})" if spans else "")
