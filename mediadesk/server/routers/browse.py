"""``/api/v1/browse/...``: the web page's library shelves, as cards ready to show.

A card carries its picture's URL only when the picture exists (a signed stream URL in
serve mode), else a placeholder name the page draws itself: the page never shows a
broken image. Titles, resume progress and watched flags come from the same services
as the desktop app and the CLI.
"""

from __future__ import annotations

from fastapi import APIRouter

from mediadesk.domain import vocabulary as words
from mediadesk.domain.catalogue import (
    CatalogueSort,
    episode_code,
    episode_label,
    movie_label,
    season_label,
)
from mediadesk.domain.folders import HealthState
from mediadesk.errors import NotFound
from mediadesk.library.views import AlbumView, ArtworkView, MediaFileView, MovieView, SeriesView
from mediadesk.server.deps import Reader
from mediadesk.server.schemas import ApiModel
from mediadesk.server.state import ServerState
from mediadesk.services.catalogue_read import frame_keys, picture_keys
from mediadesk.services.library import RECENT_DAYS, MediaFilter, MediaOrder, order_for

router = APIRouter(prefix="/browse", tags=["browse"])
SHELF = 24


class Card(ApiModel):
    kind: str  # movie, series, season, episode, media
    id: str
    title: str
    subtitle: str = ""
    poster_url: str | None = None
    placeholder: str = "video"  # video, audio, image, series: what the page draws instead
    media_file_id: str | None = None
    status: str | None = None
    duration_s: float | None = None
    position_s: float = 0.0
    watched: bool = False


class Shelves(ApiModel):
    continue_watching: list[Card]
    recently_added: list[Card]
    movies: list[Card]
    series: list[Card]
    albums: list[Card] = []
    other: list[Card]
    # Library folders: files a health check found damaged; files gone from their folder.
    damaged: list[Card] = []
    missing: list[Card] = []


class AlbumPage(ApiModel):
    album: Card
    songs: list[Card]  # in disc and track order


class SeasonShelf(ApiModel):
    id: str
    number: int
    title: str
    episodes: list[Card]


class SeriesPage(ApiModel):
    series: Card
    overview: str | None = None
    seasons: list[SeasonShelf]


def _url(state: ServerState, keys: list[str], media_id: str) -> str | None:
    storage = state.runtime.storage
    for key in keys:
        if not storage.exists(key):
            continue
        if key.startswith("originals/"):
            return state.original_path(media_id)
        path = state.key_path(key)
        if path is not None:
            return path
    return None


def _art_url(state: ServerState, art: ArtworkView | None) -> str | None:
    return _url(state, art.keys, art.media_file_id) if art is not None else None


def media_card(
    state: ServerState, m: MediaFileView, in_series: bool = False, in_album: bool = False
) -> Card:
    """``in_series``: on its series' page, where an episode's show goes without saying;
    ``in_album``: on its album's page, where a song's album does (its number is said)."""
    ref = m.catalogue
    keys = [*(ref.poster_keys if ref else []), *picture_keys(m.id, m.kind, m.original_key)]
    title, subtitle = m.display_title, words.media_kind(m.kind)
    if ref is not None and ref.kind == "episode" and ref.season is not None:
        code = episode_code(ref.season, ref.episode or 0, ref.end_episode)
        # The subtitle says which show and episode; the title never repeats it.
        title = episode_label(ref.episode or 0, ref.end_episode, ref.title)
        subtitle = code if in_series else f"{ref.series_title} · {code}"
    elif ref is not None and ref.kind == "movie":
        title, subtitle = ref.title or title, f"Movie · {ref.year}" if ref.year else "Movie"
    elif m.song is not None and in_album and m.song.number:
        title, subtitle = m.song.title, " · ".join(filter(None, [m.song.number, m.song.artist]))
    elif m.song is not None:  # the app's tile says the same: the song over its artist
        title, subtitle = m.song.title, m.song.artist or subtitle
    played = m.playback
    return Card(
        kind="episode" if ref is not None and ref.kind == "episode" else "media",
        id=m.id,
        title=title,
        subtitle=subtitle,
        poster_url=_url(state, keys, m.id),
        placeholder=str(m.kind),
        media_file_id=m.id,
        status=m.state,
        duration_s=m.duration_seconds,
        position_s=played.position_s if played else 0.0,
        watched=played.watched if played else False,
    )


def movie_card(state: ServerState, movie: MovieView) -> Card:
    return Card(
        kind="movie",
        id=movie.id,
        title=movie.title,
        subtitle=movie_label("", movie.year).strip(" ()") or "Movie",
        poster_url=_art_url(state, movie.poster),
        media_file_id=movie.media_file_id,
    )


def album_card(state: ServerState, album: AlbumView) -> Card:
    said = [album.artist, str(album.year) if album.year else None]
    return Card(
        kind="album",
        id=album.key,
        title=album.title,
        subtitle=" · ".join([*filter(None, said), words.counted(album.songs, "song")]),
        # The first song's cover is the album's, as in any music player.
        poster_url=_url(state, frame_keys(album.first_song_id), album.first_song_id),
        placeholder="audio",
    )


def series_card(state: ServerState, series: SeriesView) -> Card:
    episodes = sum(len(z.episodes) for z in series.seasons)
    return Card(
        kind="series",
        id=series.id,
        title=series.title,
        subtitle=words.counted(episodes, "episode"),
        poster_url=_art_url(state, series.poster),
        placeholder="series",
    )


def _media(state: ServerState, flt: MediaFilter, limit: int = SHELF) -> list[Card]:
    page = state.runtime.library.list_media(flt, limit=limit)
    return [media_card(state, m) for m in page.items]


@router.get(
    "/home", response_model=Shelves, response_model_by_alias=True, summary="The library's shelves"
)
def home(state: Reader, sort: CatalogueSort = CatalogueSort.TITLE) -> Shelves:
    catalogue = state.runtime.catalogue
    return Shelves(
        continue_watching=_media(state, MediaFilter(in_progress=True, order=MediaOrder.PLAYED)),
        recently_added=_media(state, MediaFilter(added_within_days=RECENT_DAYS)),
        movies=[movie_card(state, m) for m in catalogue.movies(sort)],
        series=[series_card(state, x) for x in catalogue.series(sort)],
        albums=[album_card(state, a) for a in state.runtime.library.albums(sort)],
        # Songs on an album are on its page; these are ordered as movies are.
        other=_media(
            state, MediaFilter(unattached=True, on_album=False, order=order_for(sort)), limit=96
        ),
        damaged=_media(state, MediaFilter(health=HealthState.DAMAGED)),
        missing=_media(state, MediaFilter(missing=True)),
    )


@router.get("/series/{series_id}", response_model=SeriesPage, response_model_by_alias=True)
def series_page(series_id: str, state: Reader) -> SeriesPage:
    series = state.runtime.catalogue.get_series(series_id)
    ids = [e.media_file_id for z in series.seasons for e in z.episodes if e.media_file_id]
    views = {m.id: m for m in state.runtime.library.get_many(ids)}
    seasons = []
    for season in series.seasons:
        cards = []
        for ep in season.episodes:
            media = views.get(ep.media_file_id or "")
            if media is None:
                continue
            cards.append(media_card(state, media, in_series=True))
        seasons.append(
            SeasonShelf(
                id=season.id,
                number=season.number,
                title=season_label(season.number, season.title),
                episodes=cards,
            )
        )
    return SeriesPage(series=series_card(state, series), overview=series.overview, seasons=seasons)


@router.get("/album", response_model=AlbumPage, response_model_by_alias=True)
def album_page(key: str, state: Reader) -> AlbumPage:
    """An album's songs in disc and track order (``key``: an album's ``key``)."""
    library = state.runtime.library
    album = next((a for a in library.albums() if a.key == key), None)
    if album is None:
        raise NotFound("no album by that name in the library; it may have been deleted")
    page = library.list_media(MediaFilter(album=key, order=MediaOrder.TITLE), limit=1000)
    return AlbumPage(
        album=album_card(state, album),
        songs=[media_card(state, m, in_album=True) for m in page.items],
    )
