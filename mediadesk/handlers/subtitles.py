"""Subtitle and chapter tracks beside a ladder: made by ``hls`` after its encode, and
again alone by ``subtitles`` when a subtitle file is added (no video is re-encoded).

Both read the same inputs: the source's text subtitle streams, the subtitle files kept
with the media file, and the segment timing of the ladder's first rung.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediadesk.domain.enums import ArtifactKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.domain.vocabulary import CHAPTER, NOT_CONVERTIBLE
from mediadesk.engine.hls.compile import PLAYLIST
from mediadesk.engine.hls.master import MASTER, SubtitleEntry, with_subtitles
from mediadesk.engine.hls.playlist import MediaPlaylist, parse_media_playlist
from mediadesk.engine.hls.subtitles import (
    CHAPTERS_VTT,
    FULL_VTT,
    GROUP_ID,
    MPEG_TICKS,
    TEXT_CODECS,
    Cue,
    PictureSubtitle,
    SidecarSubtitle,
    SubtitleTrack,
    chapters_vtt,
    extract_argv,
    parse_vtt,
    plan_subtitles,
    write_rendition,
)
from mediadesk.engine.inputs import input_args
from mediadesk.engine.sniff import MP4, MPEGTS, Container
from mediadesk.engine.subtitle_files import FORMATS
from mediadesk.errors import ErrorCode, InvalidInput, VerificationFailed
from mediadesk.handlers.common import media_of, open_original
from mediadesk.handlers.encoding import probe_of
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.handlers.subtitle_handoff import ladder_under_way
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import ArtifactSpec, Outcome, PublishSpec
from mediadesk.library.views import MediaFileView
from mediadesk.storage import keys


@dataclass(frozen=True)
class TextTracks:
    subtitles: list[SubtitleTrack]
    pictures: list[PictureSubtitle]
    chapters: bool

    def summary(self) -> dict[str, Any]:
        return {
            "subtitles": [
                {
                    "name": t.name,
                    "label": t.label,
                    "language": t.language,
                    "forced": t.forced,
                    "default": t.default,
                    "source": "stream" if t.stream_index is not None else "file",
                }
                for t in self.subtitles
            ],
            # Picture subtitles cannot become WebVTT; people are told so.
            "picture_subtitles": [
                {
                    "stream_index": p.stream_index,
                    "codec": p.codec,
                    "label": p.label,
                    "note": NOT_CONVERTIBLE,
                }
                for p in self.pictures
            ],
            "chapters": self.chapters,
        }

    def artifacts(self, media_id: str, out: Path) -> list[ArtifactSpec]:
        prefix = keys.hls_dir(media_id)
        specs = [
            ArtifactSpec(
                kind=ArtifactKind.SUBTITLES,
                storage_key=f"{prefix}/{t.name}/{PLAYLIST}",
                size_bytes=_size(out / t.name),
                params={
                    "label": t.label,
                    "language": t.language,
                    "forced": t.forced,
                    "default": t.default,
                    "vtt": f"{prefix}/{t.name}/{FULL_VTT}",
                },
            )
            for t in self.subtitles
        ]
        if self.chapters:
            specs.append(
                ArtifactSpec(
                    kind=ArtifactKind.CHAPTERS,
                    storage_key=f"{prefix}/{CHAPTERS_VTT}",
                    size_bytes=_size(out / CHAPTERS_VTT),
                    params={},
                )
            )
        return specs


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


def sidecars(ctx: JobContext, media: MediaFileView) -> list[SidecarSubtitle]:
    found = []
    for row in media.subtitle_files or []:
        dest = ctx.scratch / "subtitle-files" / Path(row.storage_key).name
        dest.parent.mkdir(parents=True, exist_ok=True)
        path = ctx.storage.materialize(row.storage_key, dest)
        found.append(
            SidecarSubtitle(
                path=path,
                container=FORMATS[row.format],
                language=row.language,
                forced=row.forced,
                hearing_impaired=row.hearing_impaired,
                title=row.title,
            )
        )
    return found


def first_video_pts(
    ctx: JobContext, rung_dir: Path, playlist: MediaPlaylist, segment_format: str
) -> float:
    """When the rung's first frame is shown, in the rendition's own clock (seconds)."""
    first = rung_dir / playlist.segments[0].uri
    container: Container = MPEGTS
    if segment_format == "fmp4" and playlist.init_uri:
        joined = ctx.scratch / "subtitle-first.mp4"
        with joined.open("wb") as out:
            for part in (rung_dir / playlist.init_uri, first):
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out)
        first, container = joined, MP4
    argv = [
        ctx.ffmpeg.ffprobe,
        "-hide_banner",
        "-v",
        "error",
        "-print_format",
        "json",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=start_time",
        *input_args(first, container),
    ]
    result = ctx.run(argv, capture_stdout=True, check=False, what="ffprobe")
    try:
        streams = json.loads(result.stdout or b"{}").get("streams") or []
        return float(streams[0]["start_time"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise VerificationFailed(
            f"{rung_dir.name}: the first segment's start time is unreadable",
            code=ErrorCode.OUTPUT_UNDECODABLE,
        ) from None


def make_text_tracks(
    ctx: JobContext,
    media: MediaFileView,
    info: MediaInfo,
    source: Path,
    container: Container,
    out: Path,
    rung_dir: Path,
    playlist: MediaPlaylist,
    segment_format: str,
) -> TextTracks:
    """Write every subtitle rendition and the chapters file into ``out`` and list the
    subtitles in ``out/master.m3u8`` (which must exist)."""
    tracks, pictures = plan_subtitles(info, sidecars(ctx, media))
    video = info.video
    video_start = (video.start_time if video else None) or 0.0
    if tracks:
        work = ctx.scratch / "subtitles"
        work.mkdir(parents=True, exist_ok=True)
        result = ctx.run(
            extract_argv(ctx.ffmpeg.ffmpeg, source, container, tracks, work), check=False
        )
        if result.exit_code != 0:
            # A damaged subtitle stream must not keep the film from streaming: the
            # tracks that converted are kept, the others are left out and said so.
            made = [t for t in tracks if (work / f"{t.name}.vtt").is_file()]
            ctx.note(
                f"subtitles: {len(tracks) - len(made)} track(s) left out, ffmpeg said: "
                f"{result.last_error_line()}"
            )
            tracks = made
        pts = first_video_pts(ctx, rung_dir, playlist, segment_format)
        mpegts = round((pts - video_start) * MPEG_TICKS)
        durations = [s.duration for s in playlist.segments]
        for track in tracks:
            vtt = work / f"{track.name}.vtt"
            cues = parse_vtt(vtt.read_text("utf-8", "replace"))
            if track.offset:
                cues = [Cue(c.start + track.offset, c.end + track.offset, c.text) for c in cues]
            write_rendition(out / track.name, cues, durations, video_start, mpegts)
    master = out / MASTER
    entries = [
        SubtitleEntry(
            group_id=GROUP_ID,
            name=t.label,
            uri=f"{t.name}/{PLAYLIST}",
            language=t.language,
            default=t.default,
            forced=t.forced,
        )
        for t in tracks
    ]
    master.write_text(with_subtitles(master.read_text("utf-8"), entries), "utf-8")
    chapters = [
        (c.start, c.end, c.title or f"{CHAPTER} {i + 1}") for i, c in enumerate(info.chapters)
    ]
    if chapters:
        (out / CHAPTERS_VTT).write_text(chapters_vtt(chapters, video_start), "utf-8")
    return TextTracks(tracks, pictures, bool(chapters))


# --- the subtitles-only rebuild -------------------------------------------------------

# Subtitle and chapter files the ladder shares with this job: a rebuild republishes
# these, never a rung or an audio rendition.
_MASTER_VARIANT = "#EXT-X-STREAM-INF:"


def subtitle_dirs(master: str) -> set[str]:
    """The folders of the subtitle renditions a master lists (``subs_2``)."""
    found = set()
    for line in master.splitlines():
        if line.startswith("#EXT-X-MEDIA:") and "TYPE=SUBTITLES" in line:
            uri = re.search(r'URI="([^"/]+)/', line)
            if uri:
                found.add(uri.group(1))
    return found


def first_video_uri(master: str) -> str:
    lines = master.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(_MASTER_VARIANT) and "RESOLUTION=" in line and i + 1 < len(lines):
            return lines[i + 1].strip()
    raise InvalidInput(
        "the streaming version has no video rendition to time subtitles by",
        code=ErrorCode.INVALID_MEDIA,
    )


class SubtitlesJob(JobType[MediaStepInput]):
    """Subtitle renditions (and chapters) for a published ladder, without re-encoding:
    reads the master and the first rung's playlist and first segment, writes the
    subtitle renditions, and republishes them with the master."""

    name = "subtitles"
    input_model = MediaStepInput
    base_timeout_s = 300.0
    exclusive = keys.MASTER_WRITERS

    def run(self, ctx: JobContext, inp: MediaStepInput) -> Outcome:
        media = media_of(ctx)
        info = probe_of(media)
        prefix = keys.hls_dir(media.id)
        if not ctx.storage.exists(keys.hls_master(media.id)):
            if ladder_under_way(ctx, media.id):
                ctx.note(
                    "the streaming version is being made: it carries the subtitle files,"
                    " and a subtitles job follows it if they changed while it ran"
                )
                return Outcome(result={"handed_to_ladder": True})
            # No ladder to come (it failed, or was never asked for). Retrying cannot make
            # one, and the subtitle file is already in the library: whichever ladder is
            # made next reads it at its start.
            ctx.note(
                "there is no streaming version yet: the subtitle file is kept and goes"
                " into the streaming version when it is made (retry or replay its job)"
            )
            return Outcome(result={"waiting_for_ladder": True})
        out = ctx.scratch / "out"
        out.mkdir(parents=True)
        # materialize() answers the stored file itself when storage is local: read only.
        stored = ctx.storage.materialize(keys.hls_master(media.id), ctx.scratch / "master")
        text = stored.read_text("utf-8")
        (out / MASTER).write_text(text, "utf-8")
        uri = first_video_uri(text)
        rung_name = uri.split("/")[0]
        fetched = ctx.scratch / "rung"
        index = ctx.storage.materialize(f"{prefix}/{uri}", fetched)
        playlist = parse_media_playlist(index.read_text("utf-8"), uri)
        needed = [playlist.segments[0].uri] + ([playlist.init_uri] if playlist.init_uri else [])
        paths = [ctx.storage.materialize(f"{prefix}/{rung_name}/{n}", fetched) for n in needed]
        rung_dir = paths[0].parent
        if any((s.codec or "") in TEXT_CODECS for s in info.subtitle_streams):
            source, container = open_original(ctx)
        else:
            # Only files to convert: the original (perhaps gigabytes on S3) is not read.
            source, container = Path(media.original_key), MPEGTS
        fmt = "fmp4" if playlist.init_uri else "mpegts"
        made = make_text_tracks(ctx, media, info, source, container, out, rung_dir, playlist, fmt)
        # Renditions the old master listed and the new one does not (a subtitle file
        # was removed): deleted once the new master is in.
        stale = subtitle_dirs(text) - {t.name for t in made.subtitles}
        ctx.report(100.0, 0.0)
        return Outcome(
            result=made.summary(),
            # Not pruned: the rungs and audio under the same prefix are the ladder's.
            publish=[PublishSpec(out, prefix, entry_last=(MASTER,), drop=tuple(sorted(stale)))],
            artifacts=made.artifacts(media.id, out),
            replaces=(ArtifactKind.SUBTITLES, ArtifactKind.CHAPTERS),
        )
