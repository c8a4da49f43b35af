"""The albums the library's songs are on: the app's Audio shelf, ``GET /library/albums``
and ``mediadesk library albums`` read this one list.

An album is the songs sharing a ``Song.album_key`` (its album artist, else its artist,
and its album name); its words come from the tags of one of its songs, as the songs
themselves were named. Sorted as the title order sorts songs, so an album sits where
its songs do.
"""

from __future__ import annotations

from sqlalchemy import JSON, func, select, type_coerce
from sqlalchemy.orm import Session

from mediadesk.domain.enums import MediaKind
from mediadesk.library.models import MediaFile
from mediadesk.library.views import AlbumView


def list_albums(session: Session) -> list[AlbumView]:
    live = (
        MediaFile.kind == MediaKind.AUDIO,
        MediaFile.deleted_at.is_(None),
        MediaFile.album_key.is_not(None),
    )
    groups = session.execute(
        select(MediaFile.album_key, func.count(), func.min(MediaFile.id))
        .where(*live)
        .group_by(MediaFile.album_key)
        .order_by(MediaFile.album_key)
    ).all()
    # The tags as stored, not whole probe documents validated: a thousand albums are
    # read in milliseconds, not in a GUI-stalling fraction of a second.
    raw = type_coerce(MediaFile.probe, JSON)
    rows = session.execute(
        select(MediaFile.id, raw).where(MediaFile.id.in_([first for _, _, first in groups]))
    )
    firsts = {media_id: (document or {}).get("tags") or {} for media_id, document in rows}
    albums = []
    for key, songs, first in groups:
        tags = firsts.get(first, {})
        title = str(tags.get("album") or key)
        artist = tags.get("album_artist") or tags.get("artist")
        albums.append(AlbumView(key=key, title=title, artist=artist, songs=songs))
    return albums
