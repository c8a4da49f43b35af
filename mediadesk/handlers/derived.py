"""Fetching what the ladder published, for the steps derived from it (preview, trickplay).

See ``engine/hls/derive.py`` for why. Files are taken from storage as they are: a
hard link when the library is local (no bytes copied), a download into scratch when it
is remote. A ladder replaced while this runs makes a file vanish: the step fails with
a retryable error and its next attempt reads the new ladder.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.derive import PublishedLadder, first_segments, parse_master, truncated
from mediadesk.engine.hls.ladder import HlsOutput, finish_ladder
from mediadesk.engine.hls.master import MASTER
from mediadesk.engine.hls.plan import LadderPlan, plan_ladder
from mediadesk.engine.hls.playlist import MediaPlaylist, parse_media_playlist
from mediadesk.engine.hls.presets import AudioHlsPreset, LadderPreset
from mediadesk.engine.hls.tracks import NO_TRACKS
from mediadesk.engine.presets import load_typed
from mediadesk.errors import ErrorCode, TransientError
from mediadesk.handlers.encoding import probe_runner
from mediadesk.jobs.context import JobContext
from mediadesk.storage import keys


def _text(ctx: JobContext, key: str) -> str:
    with ctx.storage.open_read(key) as fh:
        return fh.read().decode("utf-8")


def published_ladder(ctx: JobContext, media_id: str) -> PublishedLadder | None:
    key = f"{keys.hls_dir(media_id)}/{MASTER}"
    if not ctx.storage.exists(key):
        return None
    try:
        return parse_master(_text(ctx, key))
    except (OSError, UnicodeDecodeError):
        return None


def _fetch(ctx: JobContext, key: str, dest: Path) -> None:
    try:
        # A remote library downloads into the directory, under the key's own name.
        path = ctx.storage.materialize(key, dest.parent)
    except FileNotFoundError as exc:
        raise TransientError(
            f"{key} went away while it was read (the ladder was made again?)",
            code=ErrorCode.NOT_FOUND,
        ) from exc
    if path == dest:
        return
    try:
        os.link(path, dest)
    except OSError:
        shutil.copyfile(path, dest)


def copy_rendition(
    ctx: JobContext, media_id: str, uri: str, dest: Path, max_s: float | None = None
) -> MediaPlaylist:
    """The rendition ``uri`` (relative to the master) into ``dest``: its playlist cut to
    the first ``max_s`` seconds, and the files that playlist names."""
    folder = f"{keys.hls_dir(media_id)}/{posixpath.dirname(uri)}"
    text = _text(ctx, f"{folder}/{PLAYLIST}")
    playlist = parse_media_playlist(text, uri)
    count = first_segments(playlist, max_s)
    dest.mkdir(parents=True, exist_ok=True)
    names = [s.uri for s in playlist.segments[:count]]
    if playlist.init_uri:
        names.append(playlist.init_uri)
    for name in names:
        _fetch(ctx, f"{folder}/{name}", dest / name)
    cut = truncated(text, count, uri)
    (dest / PLAYLIST).write_text(cut, "utf-8")
    return parse_media_playlist(cut, uri)


def joined(directory: Path, playlist: MediaPlaylist, dest: Path) -> Path:
    """One file of the rendition: the init segment, then every media segment (MPEG-TS
    and fragmented MP4 both play back to back)."""
    names = ([playlist.init_uri] if playlist.init_uri else []) + [s.uri for s in playlist.segments]
    with dest.open("wb") as out:
        for name in names:
            with (directory / name).open("rb") as src:
                shutil.copyfileobj(src, out)
    return dest


def preview_from_ladder(
    ctx: JobContext, media_id: str, info: MediaInfo, preset: LadderPreset
) -> tuple[LadderPlan, HlsOutput] | None:
    """The preview as the ladder's first segments (the rung that fits the preview's box
    and the default audio), verified like an encode; None when there is no ladder."""
    ladder = published_ladder(ctx, media_id)
    if ladder is None:
        return None
    box = preset.rungs[0]
    variant = ladder.fitting(box.width, box.height)
    audio_preset = load_typed(preset.audio, AudioHlsPreset) if preset.audio else None
    base = plan_ladder(preset, audio_preset, info)
    out = ctx.scratch / "out"
    name = posixpath.dirname(variant.uri)
    video = copy_rendition(ctx, media_id, variant.uri, out / name, preset.max_duration_s)
    audio = None
    if base.audio is not None and ladder.audio_uri is not None:
        audio_name = posixpath.dirname(ladder.audio_uri)
        copy_rendition(ctx, media_id, ladder.audio_uri, out / audio_name, preset.max_duration_s)
        audio = replace(base.audio, name=audio_name)
    rate = base.frame_rate
    if variant.frame_rate:
        rate = Fraction(variant.frame_rate).limit_denominator(1001)
    plan = replace(
        base,
        rungs=(replace(base.rungs[0], name=name, width=variant.width, height=variant.height),),
        audio=audio,
        tracks=NO_TRACKS,  # the preview keeps the default audio track only
        frame_rate=rate,
        duration=video.duration,
        segment_format="fmp4" if video.init_uri else "mpegts",
    )
    ctx.note(
        f"preview: the first {len(video.segments)} segments of {name} "
        f"({video.duration:.1f} s) and of the audio, copied from the ladder (no encode)"
    )
    output = finish_ladder(out, plan, ctx.ffmpeg.ffprobe, probe_runner(ctx), ctx.scratch / "verify")
    return plan, output
