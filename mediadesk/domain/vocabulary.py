"""The words people see for states, kinds and job types: one vocabulary for the desktop
app, the web page (``GET /api/v1/vocabulary``) and the CLI's human output.

Internals keep their stable codes (``READY``, ``image_variants``); these say them the
same way everywhere, so a grid tile, a table row, the status bar and the web page never
disagree on a word.
"""

from __future__ import annotations

from mediadesk.domain.enums import ArtifactKind, AttemptOutcome, JobStatus, MediaKind, MediaStatus
from mediadesk.domain.folders import FolderKind

MEDIA_STATUS = {
    MediaStatus.UPLOADED: "Waiting",
    MediaStatus.PROCESSING: "Processing",
    MediaStatus.READY: "Ready",
    MediaStatus.FAILED: "Failed",
}

JOB_STATUS = {
    JobStatus.PENDING: "Waiting",
    JobStatus.PROCESSING: "Running",
    JobStatus.COMPLETED: "Done",
    JobStatus.FAILED: "Failed",
    JobStatus.DEAD: "Gave up",
}

# The ``encoder`` setting: which H.264 encoder makes the streaming versions.
ENCODER = {
    "auto": "Automatic (a graphics card's encoder when it works, else the processor)",
    "cpu": "Processor (x264)",
    "nvenc": "NVIDIA graphics card (NVENC)",
    "vaapi": "Intel or AMD graphics (VA-API)",
    "qsv": "Intel Quick Sync",
}

# Codecs by the names players and MediaInfo use, not ffmpeg's ids ("h264").
CODEC = {
    "h264": "H.264",
    "hevc": "HEVC",
    "av1": "AV1",
    "vp8": "VP8",
    "vp9": "VP9",
    "mpeg1video": "MPEG-1",
    "mpeg2video": "MPEG-2",
    "mpeg4": "MPEG-4 Visual",
    "prores": "ProRes",
    "dnxhd": "DNxHD",
    "mjpeg": "Motion JPEG",
    "theora": "Theora",
    "aac": "AAC",
    "mp3": "MP3",
    "mp2": "MP2",
    "ac3": "Dolby Digital",
    "eac3": "Dolby Digital Plus",
    "truehd": "Dolby TrueHD",
    "dts": "DTS",
    "flac": "FLAC",
    "alac": "ALAC",
    "opus": "Opus",
    "vorbis": "Vorbis",
    "pcm_s16le": "PCM",
    "pcm_s24le": "PCM",
    "pcm_s32le": "PCM",
    "pcm_f32le": "PCM",
    "pcm_s16be": "PCM",
    "subrip": "SRT",
    "ass": "ASS",
    "ssa": "SSA",
    "mov_text": "MP4 text",
    "webvtt": "WebVTT",
    "hdmv_pgs_subtitle": "PGS",
    "dvd_subtitle": "VobSub",
    "dvb_subtitle": "DVB",
}

# One attempt of a job: the words of the job states where they mean the same.
ATTEMPT_OUTCOME = {
    AttemptOutcome.RUNNING: "Running",
    AttemptOutcome.SUCCEEDED: "Done",
    AttemptOutcome.FAILED: "Failed",
    AttemptOutcome.CANCELLED: "Cancelled",
    AttemptOutcome.INTERRUPTED: "Interrupted",
}

MEDIA_KIND = {MediaKind.VIDEO: "Video", MediaKind.AUDIO: "Audio", MediaKind.IMAGE: "Image"}

FOLDER_KIND = {FolderKind.MOVIES: "Movies", FolderKind.SERIES: "Series", FolderKind.MIXED: "Mixed"}

# What each kind of output is, in the storage view.
OUTPUT_KIND = {
    ArtifactKind.HLS_MASTER: "Streaming index",
    ArtifactKind.HLS_VARIANT: "Streaming versions (video)",
    ArtifactKind.AUDIO_HLS: "Streaming audio",
    ArtifactKind.PREVIEW: "Preview clips",
    ArtifactKind.POSTER: "Posters",
    ArtifactKind.THUMBNAIL: "Thumbnails",
    ArtifactKind.TRICKPLAY: "Seek thumbnails",
    ArtifactKind.WAVEFORM_JSON: "Waveforms",
    ArtifactKind.WAVEFORM_PNG: "Waveform pictures",
    ArtifactKind.IMAGE_VARIANT: "Image sizes",
    ArtifactKind.AUDIO_MASTER: "Audio masters",
    ArtifactKind.MEZZANINE: "Edit copies",
    ArtifactKind.BURNED_SUBTITLES: "Streaming versions with subtitles burned in",
    ArtifactKind.SUBTITLES: "Subtitles",
    ArtifactKind.CHAPTERS: "Chapters",
}

# Preset kinds as the presets browser and the CLI group them.
PRESET_KIND = {
    "audio_master": "Audio masters",
    "audio_hls": "Streaming audio",
    "hls_ladder": "Streaming versions",
    "image_variants": "Image sizes",
    "trickplay": "Seek thumbnails",
    "waveform": "Waveforms",
}

JOB_TYPE = {
    "probe": "Reading the file",
    "read_tags": "Reading song tags again",
    "poster": "Poster",
    "hls": "Streaming versions",
    "preview": "Preview clip",
    "trickplay": "Seek thumbnails",
    "audio_hls": "Audio for streaming",
    "waveform": "Waveform",
    "image_variants": "Image sizes",
    "loudness": "Loudness",
    "master_audio": "Audio master",
    "noop": "Test job",
    "fetch_url": "Download",
    "copy_path": "Copy into the library",
    "subtitles": "Subtitles",
    "hash_files": "Reading folder files",
    "health_check": "Health check",
}

# Audio and subtitle tracks (domain/languages.py builds their names from these).
UNKNOWN_LANGUAGE = "Unknown language"
TRACK_FLAG_WORDS = {
    "commentary": "commentary",
    "forced": "forced",
    "sdh": "SDH",
    "descriptions": "audio description",
    # Picture subtitles drawn into the picture of a version of their own.
    "burned": "burned in",
}
AUDIO_TRACK = "Audio"
CHAPTER = "Chapter"
SUBTITLE_TRACK = "Subtitles"
SUBTITLES_OFF = "Off"
SURROUND = "Surround"
NOT_CONVERTIBLE = "picture subtitles, not convertible to text"
# What a player is playing (the desktop player and the web page say the same).
PLAYING = {
    "stream": "Stream",  # the HLS ladder: quality follows the connection
    "stream_native": "Stream (browser's player)",
    "original": "Original file (the stream is not ready yet)",
    "original_failed": "Original file (the stream could not be made: see its steps)",
}


# Played to the end, in the words for what the file is: a film is watched, a song
# played (Mark as played, Played ✓); the web page reads them from /api/v1/vocabulary.
FINISHED = {str(MediaKind.VIDEO): "watched", str(MediaKind.AUDIO): "played"}


def finished(*kinds: str) -> str:
    """ "played" when every file is a song, else "watched"."""
    said = {FINISHED.get(str(kind), "watched") for kind in kinds}
    return "played" if said == {"played"} else "watched"


def finished_label(*kinds: str) -> str:
    """The same word on its own, as a tile, the detail pane and the player say it."""
    return finished(*kinds).capitalize()


def playing(adaptive: bool, status: str) -> str:
    """What a player says it plays: the stream, or the original and why."""
    if adaptive:
        return PLAYING["stream"]
    return PLAYING["original_failed" if status == MediaStatus.FAILED else "original"]


def media_status(status: str) -> str:
    try:
        return MEDIA_STATUS[MediaStatus(status)]
    except ValueError:
        return MEDIA_STATE_EXTRA.get(str(status), str(status).title())


# What a file's state says beyond its processing: gone from its library folder, or
# found damaged by a health check. The outputs may be Ready; the file is what people
# look at, so the tile, the table, the web card and the CLI say this instead.
MISSING, DAMAGED = "MISSING", "DAMAGED"
MEDIA_STATE_EXTRA = {MISSING: "Missing", DAMAGED: "Damaged"}


# What happens to subtitles added to a video (the app's drop, the web page's button).
SUBTITLES_ADDED = {
    "updating": "The streaming version is being updated.",
    "waits": "They join the stream when its streaming versions are made.",
}

# The subtitle files a video takes (they become WebVTT renditions), by extension: the
# web page's file picker and drop check read them from /api/v1/vocabulary (a test keeps
# them equal to domain.folders.TEXT_SUBTITLE_EXTENSIONS).
SUBTITLE_FILE = {
    "srt": "SubRip",
    "ass": "Advanced SubStation Alpha",
    "ssa": "SubStation Alpha",
    "vtt": "WebVTT",
}

# Where a file of a library folder is, with {path}: the app's detail pane and the web
# page fill in the same sentences (the web reads them from /api/v1/vocabulary).
WHERE = {
    "present": "{path} (in a library folder; MediaDesk never moves or deletes it)",
    "missing": "Missing from {path} (its outputs are kept until it comes back)",
}


def where_words(path: str | None, missing: bool) -> str:
    """A referenced file's place on the disk and whether it is still there; "" for a
    file kept in MediaDesk's own storage."""
    if path is None:
        return ""
    return WHERE["missing" if missing else "present"].format(path=path)


def media_state_code(status: str, missing: bool = False, damaged: bool = False) -> str:
    """The one state of a media file: Missing, then Damaged, else its processing."""
    if missing:
        return MISSING
    if damaged:
        return DAMAGED
    return str(status)


CANCELLED_CODE = "CANCELLED"


def codec_name(codec: str | None) -> str:
    """A codec as people know it ("H.264"); an unknown one as ffmpeg names it."""
    return CODEC.get(codec or "", codec or "")


def attempt_outcome(outcome: str | None) -> str:
    """An attempt's outcome in words (``None``: not finished, Running)."""
    try:
        return ATTEMPT_OUTCOME[AttemptOutcome(outcome or AttemptOutcome.RUNNING)]
    except ValueError:
        return str(outcome)


def job_status(status: str, cancelling: bool = False) -> str:
    """A job status in words (``cancelling``: a cancel was asked for and it still runs)."""
    if cancelling:
        return "Cancelling"
    try:
        return JOB_STATUS[JobStatus(status)]
    except ValueError:
        return str(status).title()


def job_state(
    status: JobStatus | str,
    *,
    cancel_requested: bool = False,
    error_code: str | None = None,
    running: str = "Running",
) -> str:
    """A job's state as people read it: what a running one does (``running``, e.g.
    "Importing"), "Cancelling" while a cancel is on its way, "Cancelled" for a job that
    ended FAILED with the code ``CANCELLED``; else the status's word."""
    if status == JobStatus.PROCESSING:
        return "Cancelling" if cancel_requested else running
    if status == JobStatus.FAILED and error_code == CANCELLED_CODE:
        return "Cancelled"
    return job_status(status)


def job_type(name: str) -> str:
    """``image_variants`` -> ``Image sizes``; an unknown type reads as its words."""
    return JOB_TYPE.get(name, name.replace("_", " ").capitalize())


def preset_kind(kind: str | None) -> str:
    if kind is None:
        return "Unknown kind"
    return PRESET_KIND.get(kind, kind.replace("_", " ").capitalize())


def media_kind(kind: str) -> str:
    try:
        return MEDIA_KIND[MediaKind(kind)]
    except ValueError:
        return str(kind).title()


def rung_label(width: int | None, height: int | None) -> str:
    """A rendition by its short side, as people say it: 640x360 and 360x640 are 360p."""
    if not width or not height:
        return ""
    return f"{min(width, height)}p"


# Mean SSIM against the source, as people would judge the picture. SSIM is the
# measure Debian's ffmpeg has (no VMAF); the steps follow the usual reading of it:
# above 0.98 differences are hard to see, under 0.85 they are plain.
PICTURE_QUALITY = ((0.98, "Excellent"), (0.95, "Very good"), (0.92, "Good"), (0.85, "Fair"))


def picture_quality(ssim: float | None) -> str:
    """A rendition's measured quality in words ("" when it was not measured)."""
    if ssim is None:
        return ""
    for threshold, label in PICTURE_QUALITY:
        if ssim >= threshold:
            return label
    return "Poor"


def output_kind(kind: str) -> str:
    try:
        return OUTPUT_KIND[ArtifactKind(kind)]
    except ValueError:
        return kind.replace("_", " ").capitalize()


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 file``, ``2 files``: a count with its noun, never ``file(s)``."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def human_size(n: int | None) -> str:
    """1,048,576 -> "1.0 MiB": the one way a size reads (CLI, app, web page)."""
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def span(seconds: float) -> str:
    """How much media: "4 s", "12 min", "1.50 hours"."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.2f} hours"


def storage_summary(
    files: int, seconds: float, total: int, managed: int, referenced: int, managed_per_hour: str
) -> str:
    """The storage view's first line, in the CLI, the app and the web page alike."""
    text = (
        f"{files} {'file' if files == 1 else 'files'}, {span(seconds)} of media;"
        f" {human_size(total)} in MediaDesk's storage."
        f" Originals stored here: {human_size(managed)}"
    )
    text += f" ({managed_per_hour})." if managed_per_hour else "."
    if referenced:
        text += f" In library folders, read in place: {human_size(referenced)}."
    return text


def ladder_summary(bytes_per_hour: int | None, budget_per_hour: int | None) -> str:
    """The streaming versions' cost per hour of media, the audio they play with included
    (so it is more than any one version's own figure), and the budget when one is set."""
    if bytes_per_hour is None:
        return "No streaming versions yet."
    text = f"All streaming versions with their audio: {human_size(bytes_per_hour)} per hour"
    if budget_per_hour:
        text += f" (budget {human_size(budget_per_hour)} per hour)"
    return text + "."


def waiting_count(counts: dict[str, int]) -> int:
    """The one count of waiting jobs (the status bar, the jobs tab, the web page)."""
    return counts.get(str(JobStatus.PENDING), 0)


def vocabulary() -> dict[str, dict[str, str]]:
    return {
        "media_status": {**{str(k): v for k, v in MEDIA_STATUS.items()}, **MEDIA_STATE_EXTRA},
        "job_status": {str(k): v for k, v in JOB_STATUS.items()},
        "media_kind": {str(k): v for k, v in MEDIA_KIND.items()},
        "job_type": dict(JOB_TYPE),
        "output_kind": {str(k): v for k, v in OUTPUT_KIND.items()},
        "folder_kind": {str(k): v for k, v in FOLDER_KIND.items()},
        "preset_kind": dict(PRESET_KIND),
        "playing": dict(PLAYING),
        "codec": dict(CODEC),
        "where": dict(WHERE),
        "subtitles_added": dict(SUBTITLES_ADDED),
        "subtitle_file": dict(SUBTITLE_FILE),
        "finished": dict(FINISHED),
    }
