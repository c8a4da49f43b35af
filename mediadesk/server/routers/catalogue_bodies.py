"""Request bodies of the catalogue's writes (attach, merge, pictures), camelCase on the wire."""

from __future__ import annotations

from pydantic import Field

from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.errors import InvalidInput
from mediadesk.server.schemas import ApiModel
from mediadesk.server.state import ServerState
from mediadesk.services.artwork import ArtSubject
from mediadesk.services.catalogue import AttachTarget, EpisodeTarget, MovieTarget


class Attach(ApiModel):
    """By id (``movieId`` or ``episodeId``), or by title (``movie``, or ``series`` with
    ``season`` and ``episode``); ``onConflict`` says what to do when a file is there."""

    movie_id: str | None = None
    episode_id: str | None = None
    movie: str | None = Field(default=None, max_length=512)
    year: int | None = None
    series: str | None = Field(default=None, max_length=512)
    season: int | None = None
    episode: int | None = None
    end_episode: int | None = None
    title: str | None = Field(default=None, max_length=512)
    version: str | None = Field(default=None, max_length=64)
    on_conflict: ConflictChoice | None = None


def attach_target(body: Attach) -> AttachTarget:
    if body.movie and body.series:
        raise InvalidInput("give either movie or series, not both")
    if body.movie:
        return MovieTarget(
            body.movie, year=body.year, version=body.version, on_conflict=body.on_conflict
        )
    if body.series:
        if body.season is None or body.episode is None:
            raise InvalidInput("series needs season and episode")
        return EpisodeTarget(
            body.series,
            body.season,
            body.episode,
            body.title,
            end_episode=body.end_episode,
            version=body.version,
            on_conflict=body.on_conflict,
        )
    raise InvalidInput("say where: movieId, episodeId, movie, or series with season and episode")


class MergeBody(ApiModel):
    other_id: str


class PictureBody(ApiModel):
    """An image in the library (``mediaFileId``), or a frame of a video (``fromMediaFileId``
    at ``atS`` seconds); ``role`` is poster or backdrop."""

    media_file_id: str | None = None
    from_media_file_id: str | None = None
    at_s: float | None = Field(default=None, ge=0)
    role: str = "poster"


def set_picture(state: ServerState, subject: ArtSubject, body: PictureBody) -> None:
    artwork = state.runtime.artwork
    if body.media_file_id:
        artwork.set_from_media(subject, body.media_file_id, body.role)
    elif body.from_media_file_id:
        artwork.set_from_frame(subject, body.from_media_file_id, body.at_s or 0.0, body.role)
    else:
        raise InvalidInput("give mediaFileId (an image) or fromMediaFileId and atS (a frame)")


class NfoExport(ApiModel):
    """``folder``: only media under it (default: every library folder); ``overwrite``:
    also replace NFOs MediaDesk did not write."""

    folder: str | None = Field(default=None, max_length=4096)
    overwrite: bool = False
