"""``/api/v1/media-files/{id}/playback-state`` and the next episode to play."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import Field

from mediadesk.library.views import MediaFileView, PlaybackStateView
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.schemas import ApiModel

router = APIRouter(tags=["playback"])


class PlaybackUpdate(ApiModel):
    """``position_s`` (seconds) and/or ``watched``; ``duration_s`` when the player knows
    better than the probe (a stream's real length)."""

    position_s: float | None = Field(default=None, ge=0)
    watched: bool | None = None
    duration_s: float | None = Field(default=None, gt=0)


@router.get(
    "/media-files/{media_id}/playback-state",
    response_model=PlaybackStateView,
    summary="Where playback stopped, and whether it was watched",
)
def get_state(media_id: str, state: Reader) -> PlaybackStateView:
    return state.runtime.playback.get(media_id)


@router.put(
    "/media-files/{media_id}/playback-state",
    response_model=PlaybackStateView,
    summary="Save the position (90% in marks it watched) or the watched flag",
)
def put_state(media_id: str, body: PlaybackUpdate, state: Writer) -> PlaybackStateView:
    return state.runtime.playback.save(
        media_id, position_s=body.position_s, watched=body.watched, duration_s=body.duration_s
    )


@router.get(
    "/media/{media_id}/next-episode",
    response_model=MediaFileView,
    summary="The file of the next episode (204 when this is the last or not an episode)",
    responses={204: {"description": "no next episode"}},
)
def next_episode(media_id: str, state: Reader) -> MediaFileView | Response:
    found = state.runtime.playback.next_episode(media_id)
    return found if found is not None else Response(status_code=204)


@router.get(
    "/media/{media_id}/next",
    response_model=MediaFileView,
    summary="What plays after this file: the next episode, or the next song on its album "
    "(204 when nothing follows)",
    responses={204: {"description": "nothing plays next"}},
)
def up_next(media_id: str, state: Reader) -> MediaFileView | Response:
    found = state.runtime.playback.up_next(media_id)
    return found if found is not None else Response(status_code=204)
