"""What ffprobe told us about a file, as a typed model.

The engine builds it from ffprobe JSON; the library stores it on ``MediaFile``;
the pipeline reads it to pick rungs, rotation and audio handling.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from mediadesk.domain.enums import MediaKind

StreamType = Literal["video", "audio", "subtitle", "data", "attachment", "unknown"]

# Container tags that say what a file is (MP4/Matroska: title, show, season_number...;
# a song's title, artist, album and place on it): the probe keeps these.
CATALOGUE_TAGS = (
    "title", "show", "season_number", "episode_sort", "episode_id", "date", "year",
    "artist", "album_artist", "album", "track", "disc",
)  # fmt: skip
# Which of those a probe kept: 1 until artist, album, track and disc were kept too.
# Raise it with CATALOGUE_TAGS: the library host reads its songs' tags again
# (``services/song_tags.py``) so that older files learn the new ones.
TAGS_REVISION = 2
READ_TAGS = "read_tags"  # the job type that reads them again

# Demuxers that carry a single still picture.
IMAGE_CONTAINERS = frozenset(
    {
        "image2",
        "jpeg_pipe",
        "png_pipe",
        "webp_pipe",
        "bmp_pipe",
        "tiff_pipe",
        "gif",
        "gif_pipe",
    }
)


def parse_rate(text: str | None) -> float | None:
    """ffprobe rates are fractions like ``30000/1001``; ``0/0`` means unknown."""
    if not text:
        return None
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return float(value) if value > 0 else None


class StreamInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    type: StreamType
    codec: str | None = None
    profile: str | None = None
    width: int | None = None
    height: int | None = None
    pix_fmt: str | None = None
    sample_aspect_ratio: str | None = None  # "4:3" for anamorphic pixels; None or "1:1" square
    bit_depth: int | None = None
    frame_rate: float | None = None
    avg_frame_rate: str | None = None
    r_frame_rate: str | None = None
    rotation: int = 0
    sample_rate: int | None = None
    channels: int | None = None
    channel_layout: str | None = None
    bit_rate: int | None = None
    duration: float | None = None
    start_time: float | None = None
    frames: int | None = None
    language: str | None = None
    attached_pic: bool = False
    default: bool = False
    color_transfer: str | None = None
    field_order: str | None = None  # ffprobe's: progressive, tt, bb, tb, bt
    color_primaries: str | None = None
    color_space: str | None = None  # the matrix: bt709, bt2020nc...
    color_range: str | None = None  # tv (limited) or pc (full)
    dv_profile: int | None = None  # Dolby Vision configuration record, when present
    # Tracks: the stream's own title and the dispositions players act on.
    title: str | None = None
    forced: bool = False
    commentary: bool = False
    hearing_impaired: bool = False
    visual_impaired: bool = False

    @property
    def display_size(self) -> tuple[int, int] | None:
        """Width and height as a player shows them, after the rotation matrix."""
        if self.width is None or self.height is None:
            return None
        if self.rotation % 180 == 90:
            return self.height, self.width
        return self.width, self.height


class Chapter(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: float
    end: float
    title: str | None = None


class Song(BaseModel):
    """What a song's own tags say it is (ID3 frames, Vorbis comments, MP4 atoms)."""

    model_config = ConfigDict(frozen=True)

    title: str
    artist: str | None = None
    album: str | None = None
    # Its place on the album: the "3" of a "3/12" track tag, the disc of a set.
    track: int | None = None
    disc: int | None = None
    # Who the album is by (a compilation's "Various Artists"), when the tags say.
    album_artist: str | None = None

    @property
    def label(self) -> str:
        """One line for lists and the player: "Artist — Title"."""
        return f"{self.artist} — {self.title}"[:512] if self.artist else self.title

    @computed_field  # type: ignore[prop-decorator]
    @property
    def place(self) -> str | None:
        """Where it sits, in words, the same in the app, the web page and the CLI:
        "Track 3 of River Songs", "Disc 2, track 1 of ...", "From the album ..."."""
        if not self.album:
            return None
        if self.number is None:
            return f"From the album {self.album}"
        return f"{self.number} of {self.album}"

    @property
    def number(self) -> str | None:
        """ "Track 3", "Disc 2, track 1": its number on its album, when tagged."""
        if self.track is None:
            return None
        disc = f"Disc {self.disc}, track" if self.disc and self.disc > 1 else "Track"
        return f"{disc} {self.track}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def album_key(self) -> str | None:
        """What the songs of one album share, in the form loose songs sort by
        ("artist — album", lower case), so an artist's albums and singles sit together."""
        if not self.album:
            return None
        by = self.album_artist or self.artist
        return (f"{by} — {self.album}" if by else self.album).lower()[:512]

    @property
    def track_key(self) -> int | None:
        """Album order: disc, then track (disc 2 track 1 comes after disc 1 track 12)."""
        if self.track is None:
            return None
        return (self.disc or 1) * 1000 + self.track


def tag_number(value: str | None) -> int | None:
    """``"3"``, ``"03"`` and ``"3/12"`` are 3; anything else (``"A1"``, ``"0"``) is none."""
    match = re.match(r"\s*(\d{1,3})\s*(?:/\s*\d*\s*)?$", value or "")
    number = int(match.group(1)) if match else 0
    return number if number > 0 else None


class MediaInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    container: str
    container_long: str | None = None
    duration: float | None = None
    start_time: float | None = None
    bit_rate: int | None = None
    size: int | None = None
    streams: list[StreamInfo] = Field(default_factory=list)
    # Container tags that name the content (title, show, season_number, episode_sort...).
    tags: dict[str, str] = Field(default_factory=dict)
    chapters: list[Chapter] = Field(default_factory=list)
    # Timestamp jumps closed at probe time (MPEG-TS): ``duration`` is then the playable
    # length and ``timeline_duration`` what the container's timestamps spanned.
    timestamp_gaps: int = 0
    timeline_duration: float | None = None
    # The parity to deinterlace with: set by the probe job when the stream is flagged
    # interlaced and idet confirms it on a sample (engine/interlace.py); None: leave as is.
    deinterlace: Literal["tff", "bff"] | None = None

    @property
    def video(self) -> StreamInfo | None:
        """The main picture stream; cover art in audio files does not count."""
        for stream in self.streams:
            if stream.type == "video" and not stream.attached_pic:
                return stream
        return None

    @property
    def cover(self) -> StreamInfo | None:
        """Cover art carried in the file (an MP3's APIC frame, an M4A's covr atom)."""
        for stream in self.streams:
            if stream.type == "video" and stream.attached_pic:
                return stream
        return None

    @property
    def picture(self) -> StreamInfo | None:
        """What a poster is taken from: the main picture, else the cover art."""
        return self.video or self.cover

    @property
    def song(self) -> Song | None:
        """The song its tags name, if they give a title (for audio files)."""
        title = self.tags.get("title")
        if not title:
            return None
        tags = self.tags
        return Song(
            title=title,
            artist=tags.get("artist") or tags.get("album_artist"),
            album=tags.get("album"),
            track=tag_number(tags.get("track")),
            disc=tag_number(tags.get("disc")),
            album_artist=tags.get("album_artist"),
        )

    @property
    def audio(self) -> StreamInfo | None:
        for stream in self.streams:
            if stream.type == "audio":
                return stream
        return None

    @property
    def audio_streams(self) -> list[StreamInfo]:
        return [s for s in self.streams if s.type == "audio"]

    @property
    def subtitle_streams(self) -> list[StreamInfo]:
        return [s for s in self.streams if s.type == "subtitle"]

    @property
    def is_image(self) -> bool:
        return self.container in IMAGE_CONTAINERS or (
            self.video is not None
            and self.audio is None
            and self.video.codec in {"mjpeg", "png", "webp", "bmp", "tiff", "gif"}
            and (self.video.frames or 1) <= 1
            and not self.duration_is_meaningful
        )

    @property
    def duration_is_meaningful(self) -> bool:
        return self.duration is not None and self.duration > 0.05

    @property
    def kind(self) -> MediaKind | None:
        """Classify the file; ``None`` means nothing we can use."""
        if self.is_image:
            return MediaKind.IMAGE
        if self.video is not None and self.duration_is_meaningful:
            return MediaKind.VIDEO
        if self.audio is not None and self.duration_is_meaningful:
            return MediaKind.AUDIO
        return None
