"""``poster``: a JPEG frame at 10% of the duration plus a 320-pixel-wide thumbnail; for
an audio file, its cover art."""

from __future__ import annotations

from pydantic import Field

from mediadesk.domain.enums import ArtifactKind
from mediadesk.domain.mediainfo import MediaInfo
from mediadesk.engine.integrity import check_complete
from mediadesk.engine.sniff import sniff
from mediadesk.engine.stills import POSTER_NAME, THUMBNAIL_NAME, poster_argv, poster_time
from mediadesk.engine.verify_image import image_size
from mediadesk.errors import ErrorCode, InvalidInput
from mediadesk.handlers.common import folder_cover, media_of, open_original, require_files
from mediadesk.handlers.inputs import MediaStepInput
from mediadesk.jobs.context import JobContext
from mediadesk.jobs.registry import JobType
from mediadesk.jobs.spec import ArtifactSpec, Outcome, PublishSpec
from mediadesk.storage import keys


class PosterInput(MediaStepInput):
    at_fraction: float = Field(default=0.1, ge=0, lt=1)
    thumbnail_width: int = Field(default=320, ge=16, le=4096)


class PosterJob(JobType[PosterInput]):
    name = "poster"
    input_model = PosterInput
    base_timeout_s = 300.0

    def run(self, ctx: JobContext, inp: PosterInput) -> Outcome:
        media = media_of(ctx)
        if media.probe is None:
            raise InvalidInput("the file has not been read yet", code=ErrorCode.NO_VIDEO_STREAM)
        probe: MediaInfo | None = media.probe
        cover = folder_cover(media) if media.probe.picture is None else None
        if cover is not None:
            # A song without cover art of its own, in an album folder with a cover.jpg.
            source, container = cover, sniff(cover)
            check_complete(source, container)
            ctx.note(f"cover art from {cover.name} in the song's folder")
            probe = None
        elif media.probe.picture is not None:
            source, container = open_original(ctx)
        else:
            raise InvalidInput(
                "no picture to take a poster from (no video stream, no cover art)",
                code=ErrorCode.NO_VIDEO_STREAM,
            )
        out = ctx.scratch / "poster"
        out.mkdir(parents=True, exist_ok=True)
        # Cover art is one picture: there is no 10% of it to seek to.
        film = probe is not None and probe.video is not None
        at = poster_time(media.duration_seconds, inp.at_fraction) if film else 0.0

        def grab(at: float) -> None:
            ctx.run(
                poster_argv(
                    ctx.ffmpeg.ffmpeg, source, container, at, out, inp.thumbnail_width, probe
                )
            )

        grab(at)
        if not (out / POSTER_NAME).exists() and at > 0:
            # Seeking past the last keyframe of a short clip yields no frame: take the first.
            ctx.note(f"no frame at {at:.3f}s; taking the first frame instead")
            at = 0.0
            grab(at)
        require_files(out / POSTER_NAME, out / THUMBNAIL_NAME)
        poster_size = image_size(out / POSTER_NAME)
        thumb_size = image_size(out / THUMBNAIL_NAME)
        prefix = keys.thumbnails_dir(media.id)
        result: dict[str, object] = {"at_s": at, "poster": poster_size, "thumbnail": thumb_size}
        if cover is not None:
            result["cover_file"] = cover.name
        return Outcome(
            result=result,
            publish=[PublishSpec(out, prefix)],
            replaces=(ArtifactKind.POSTER, ArtifactKind.THUMBNAIL),
            artifacts=[
                ArtifactSpec(
                    ArtifactKind.POSTER,
                    f"{prefix}/{POSTER_NAME}",
                    (out / POSTER_NAME).stat().st_size,
                    {"at_s": at, "width": poster_size[0], "height": poster_size[1]},
                ),
                ArtifactSpec(
                    ArtifactKind.THUMBNAIL,
                    f"{prefix}/{THUMBNAIL_NAME}",
                    (out / THUMBNAIL_NAME).stat().st_size,
                    {"width": thumb_size[0], "height": thumb_size[1]},
                ),
            ],
        )
