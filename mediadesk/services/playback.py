"""Playback state: where a profile stopped in a media file, and whether it was watched.

Players save the position every few seconds and when they stop. Reaching
``WATCHED_FRACTION`` of the duration marks the file watched and forgets the position
(the next play starts at the beginning, as in Jellyfin and Kodi). A position in the
first ``MIN_RESUME_S`` seconds (5% of a clip shorter than 100 s) is not worth resuming
and is stored as zero. A song (audio shorter than ``SONG_MAX_S``) starts again from the
top, as in music players (and Jellyfin, which resumes nothing under 5 minutes); a
podcast or an audiobook resumes like a film.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediadesk.base_types import utcnow
from mediadesk.domain.enums import MediaKind
from mediadesk.errors import InvalidInput
from mediadesk.events import EventBus, PlaybackChanged
from mediadesk.library.catalogue_models import CatalogueFile, Episode, Season
from mediadesk.library.db import Database
from mediadesk.library.models import MediaFile, PlaybackState
from mediadesk.library.queries import get_media_row
from mediadesk.library.views import MediaFileView, PlaybackStateView
from mediadesk.services.albums import album_order
from mediadesk.services.catalogue_read import DEFAULT_PROFILE
from mediadesk.services.library import media_views

WATCHED_FRACTION = 0.9
MIN_RESUME_S = 5.0
SONG_MAX_S = 300.0
PROFILE_MAX = 64


def _profile(profile: str) -> str:
    clean = profile.strip()
    if not clean or len(clean) > PROFILE_MAX:
        raise InvalidInput("a profile is a name of 1 to 64 characters")
    return clean


class PlaybackService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus

    def get(self, media_id: str, profile: str = DEFAULT_PROFILE) -> PlaybackStateView:
        with self.db.read() as s:
            get_media_row(s, media_id)
            row = s.get(PlaybackState, (media_id, _profile(profile)))
            if row is None:
                return PlaybackStateView(
                    media_file_id=media_id, profile=profile, position_s=0.0, watched=False
                )
            return PlaybackStateView.model_validate(row)

    def save(
        self,
        media_id: str,
        position_s: float | None = None,
        watched: bool | None = None,
        duration_s: float | None = None,
        profile: str = DEFAULT_PROFILE,
    ) -> PlaybackStateView:
        """Record a position (and/or the watched flag); 90% of the way in is watched."""
        if position_s is not None and (position_s < 0 or position_s != position_s):
            raise InvalidInput("the position must be a number of seconds, not negative")
        profile = _profile(profile)
        with self.db.write() as s:
            view = _record(s, media_id, profile, position_s, watched, duration_s)
        self.bus.publish(PlaybackChanged(media_id, view.position_s, view.watched))
        return view

    def mark(self, media_ids: list[str], watched: bool) -> list[PlaybackStateView]:
        """Mark as watched (the position is forgotten) or as unwatched (from the start):
        the app's menu, ``media watched|unwatched`` and the web page's switch alike.
        One transaction: an unknown id among them marks none."""
        position = None if watched else 0.0
        with self.db.write() as s:
            views = [
                _record(s, media_id, DEFAULT_PROFILE, position, watched, None)
                for media_id in media_ids
            ]
        for view in views:
            self.bus.publish(PlaybackChanged(view.media_file_id, view.position_s, view.watched))
        return views

    def next_episode(self, media_id: str) -> MediaFileView | None:
        """The file of the episode after this one (next number, else the next season)."""
        with self.db.read() as s:
            link = s.get(CatalogueFile, media_id)
            if link is None or link.episode_id is None:
                return None
            episode = s.get(Episode, link.episode_id)
            assert episode is not None
            season = episode.season
            last = episode.end_number or episode.number
            candidates = s.execute(
                select(Episode, Season.number)
                .join(Season, Season.id == Episode.season_id)
                .where(Season.series_id == season.series_id, Season.number >= season.number)
                .order_by(Season.number, Episode.number)
            ).all()
            for ep, season_no in candidates:
                if season_no == 0 and season.number != 0:
                    continue
                if season_no == season.number and ep.number <= last:
                    continue
                for f in ep.files:
                    media = s.get(MediaFile, f.media_file_id)
                    if media is not None and _playable(media):
                        return media_views(s, [media])[0]
            return None

    def next_track(self, media_id: str) -> MediaFileView | None:
        """The song after this one on its album (disc, then track, then title order)."""
        with self.db.read() as s:
            media = get_media_row(s, media_id)
            if media.album_key is None:
                return None
            album = s.scalars(
                select(MediaFile)
                .where(
                    MediaFile.album_key == media.album_key,
                    MediaFile.kind == MediaKind.AUDIO,
                    MediaFile.deleted_at.is_(None),
                )
                .order_by(*album_order())
            ).all()
            ids = [m.id for m in album]
            after = album[ids.index(media_id) + 1 :] if media_id in ids else []
            found = next((m for m in after if _playable(m)), None)
            return media_views(s, [found])[0] if found is not None else None

    def up_next(self, media_id: str) -> MediaFileView | None:
        """What plays after this file: the next episode, or the next song on the album."""
        return self.next_episode(media_id) or self.next_track(media_id)


def _playable(media: MediaFile) -> bool:
    """Still in the library and still where its folder keeps it."""
    return media.deleted_at is None and media.missing_since is None


def _record(
    s: Session,
    media_id: str,
    profile: str,
    position_s: float | None,
    watched: bool | None,
    duration_s: float | None,
) -> PlaybackStateView:
    media = get_media_row(s, media_id)
    row = s.get(PlaybackState, (media_id, profile))
    if row is None:
        row = PlaybackState(media_file_id=media_id, profile=profile, position_s=0.0, watched=False)
        s.add(row)
    duration = duration_s or media.duration_seconds
    if position_s is not None:
        # Short clips resume too: the first 5 s, or 5% of a short one, is no place.
        early = min(MIN_RESUME_S, 0.05 * duration) if duration else MIN_RESUME_S
        if media.kind == MediaKind.AUDIO and duration and duration < SONG_MAX_S:
            early = duration  # a song: played to the end, or from the top next time
        if duration and position_s >= WATCHED_FRACTION * duration:
            row.watched, row.position_s = True, 0.0
        else:
            row.position_s = position_s if position_s >= early else 0.0
            if position_s >= early:
                row.watched = False  # watching again
    if watched is not None:
        row.watched = watched
        if watched:
            row.position_s = 0.0
    row.updated_at = utcnow()
    s.flush()
    return PlaybackStateView.model_validate(row)
