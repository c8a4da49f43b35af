"""The albums the library's songs are on: the albums under Audio in the app's sidebar,
the web page's Albums shelf, ``GET /library/albums`` and ``mediadesk library albums``
read this one list.

An album is the songs sharing a ``Song.album_key`` (its album artist, else its artist,
and its album name); its words come from the tags of one of its songs, as the songs
themselves were named. Sorted as the title order sorts songs, so an album sits where
its songs do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, and_, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from mediadesk.library.models import MediaFile
from mediadesk.library.views import AlbumView

UNNUMBERED = 10**9  # a song with no track number comes after the numbered ones


def file_name_key() -> Any:
    """A loose file's sort key: a song's tagged "Artist — Title", else its file name."""
    return func.lower(func.coalesce(MediaFile.tagged_title, MediaFile.original_filename))


def album_order() -> list[Any]:
    """Songs of one album: numbered tracks first, by disc and track, then by title."""
    return [MediaFile.track_key.is_(None), MediaFile.track_key, file_name_key(), MediaFile.id]


def list_albums(session: Session) -> list[AlbumView]:
    # Only a song's probe sets album_key, so the album index alone answers (no kind test,
    # no read of the rows and their probe documents: 20,000 songs in milliseconds).
    album = MediaFile.album_key
    live = (album.is_not(None), MediaFile.deleted_at.is_(None))
    # Inlined, not bound: SQLite plans the join on the index only for a constant.
    track = func.coalesce(MediaFile.track_key, literal_column(str(UNNUMBERED)))
    counted = (
        select(album.label("album"), func.count().label("songs"), func.min(track).label("first"))
        .where(*live)
        .group_by(album)
        .subquery()
    )
    # Each album's first song (lowest disc and track; its cover is the album's). Songs
    # tied there (an album without track numbers) are settled as the album orders them,
    # by name: only those few rows come back, not the album's every song.
    first_songs: dict[str, tuple[int, str, str]] = {}
    for key, songs, media_id, name in session.execute(
        select(counted.c.album, counted.c.songs, MediaFile.id, file_name_key())
        .join(MediaFile, and_(album == counted.c.album, track == counted.c.first))
        .where(*live)
        .order_by(counted.c.album)
    ):
        candidate = (songs, name or "", media_id)
        known = first_songs.get(key)
        if known is None or candidate[1:] < known[1:]:
            first_songs[key] = candidate
    rows = [(key, songs, media_id) for key, (songs, _, media_id) in first_songs.items()]
    # Its tags read in SQL: no probe document is loaded, let alone validated.
    tags = type_coerce(MediaFile.probe, JSON)["tags"]
    said = {
        media_id: (album_name, by or artist)
        for media_id, album_name, by, artist in session.execute(
            select(
                MediaFile.id,
                tags["album"].as_string(),
                tags["album_artist"].as_string(),
                tags["artist"].as_string(),
            ).where(MediaFile.id.in_([first for _, _, first in rows]))
        )
    }
    albums = []
    for key, songs, first in rows:
        album_name, artist = said.get(first, (None, None))
        albums.append(
            AlbumView(
                key=key,
                title=album_name or key,
                artist=artist,
                songs=songs,
                first_song_id=first,
            )
        )
    return albums
