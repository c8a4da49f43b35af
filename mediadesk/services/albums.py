"""The albums the library's songs are on: the albums under Audio in the app's sidebar,
the web page's Albums shelf, ``GET /library/albums`` and ``mediadesk library albums``
read this one list.

An album is the songs sharing a ``Song.album_key`` (its album artist, else its artist,
and its album name); its words come from the tags of one of its songs, as the songs
themselves were named. Sorted as the catalogue's movies and series are (by name, by
year, by date added), so one sort control orders every shelf.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, and_, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from mediadesk.domain.catalogue import CatalogueSort, sort_key, tagged_year
from mediadesk.library.models import MediaFile
from mediadesk.library.views import AlbumView

UNNUMBERED = 10**9  # a song with no track number comes after the numbered ones


def file_name_key() -> Any:
    """A loose file's sort key: a song's tagged "Artist — Title", else its file name."""
    return func.lower(func.coalesce(MediaFile.tagged_title, MediaFile.original_filename))


def album_order() -> list[Any]:
    """Songs of one album: numbered tracks first, by disc and track, then by title."""
    return [MediaFile.track_key.is_(None), MediaFile.track_key, file_name_key(), MediaFile.id]


def list_albums(session: Session, sort: CatalogueSort = CatalogueSort.TITLE) -> list[AlbumView]:
    # Only a song's probe sets album_key, so the album index alone answers (no kind test,
    # no read of the rows and their probe documents: 20,000 songs in milliseconds).
    album = MediaFile.album_key
    live = (album.is_not(None), MediaFile.deleted_at.is_(None))
    # Inlined, not bound: SQLite plans the join on the index only for a constant.
    track = func.coalesce(MediaFile.track_key, literal_column(str(UNNUMBERED)))
    counted = (
        select(
            album.label("album"),
            func.count().label("songs"),
            func.min(track).label("first"),
            func.max(MediaFile.created_at).label("added"),
        )
        .where(*live)
        .group_by(album)
        .subquery()
    )
    # Each album's first song (lowest disc and track; its cover is the album's). Songs
    # tied there (an album without track numbers) are settled as the album orders them,
    # by name: only those few rows come back, not the album's every song.
    first_songs: dict[str, tuple[str, str]] = {}
    counts: dict[str, tuple[int, datetime]] = {}
    for key, songs, added, media_id, name in session.execute(
        select(counted.c.album, counted.c.songs, counted.c.added, MediaFile.id, file_name_key())
        .join(MediaFile, and_(album == counted.c.album, track == counted.c.first))
        .where(*live)
    ):
        candidate = (name or "", media_id)
        if key not in first_songs or candidate < first_songs[key]:
            first_songs[key] = candidate
        counts[key] = (songs, added)
    # Its tags read in SQL: no probe document is loaded, let alone validated.
    tags = type_coerce(MediaFile.probe, JSON)["tags"]
    said = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                MediaFile.id,
                tags["album"].as_string(),
                tags["album_artist"].as_string(),
                tags["artist"].as_string(),
                tags["year"].as_string(),
                tags["date"].as_string(),
            ).where(MediaFile.id.in_([media_id for _, media_id in first_songs.values()]))
        )
    }
    albums = []
    for key, (_, first) in first_songs.items():
        album_name, by, artist, year, date = said.get(first, (None,) * 5)
        songs, added = counts[key]
        albums.append(
            AlbumView(
                key=key,
                title=album_name or key,
                artist=by or artist,
                songs=songs,
                first_song_id=first,
                year=tagged_year(year, date),
                added_at=added,
            )
        )
    return sorted(albums, key=_ORDERS[sort])


def _by_title(album: AlbumView) -> tuple[str, str, str]:
    return sort_key(album.title), sort_key(album.artist or ""), album.key


# As the catalogue's movies and series sort (CatalogueSort): an album's title is its
# name, its year its first song's, its date added its newest song's.
_ORDERS: dict[CatalogueSort, Callable[[AlbumView], Any]] = {
    CatalogueSort.TITLE: _by_title,
    CatalogueSort.YEAR: lambda a: (a.year is None, -(a.year or 0), *_by_title(a)),
    CatalogueSort.ADDED: lambda a: (-a.added_at.timestamp(), *_by_title(a)),
}
