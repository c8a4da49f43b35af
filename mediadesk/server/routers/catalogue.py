"""``/api/v1/library``, ``/movies``, ``/series``, ``/seasons``, ``/episodes``: reading,
creating, editing (PATCH), merging, posters; attaching media files to them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Response

from mediadesk.domain.catalogue import CatalogueSort
from mediadesk.domain.vocabulary import vocabulary
from mediadesk.errors import InvalidInput
from mediadesk.library.views import (
    EpisodeView,
    LibraryListing,
    MovieView,
    NfoExportReport,
    SeasonView,
    SeriesView,
)
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.routers import browse, playback
from mediadesk.server.routers.catalogue_bodies import (
    Attach,
    MergeBody,
    NfoExport,
    PictureBody,
    attach_target,
    set_picture,
)
from mediadesk.server.schemas import (
    AttachMedia,
    EpisodeCreate,
    MovieCreate,
    SeasonCreate,
    SeriesCreate,
)
from mediadesk.services.artwork import ArtSubject
from mediadesk.services.catalogue import Attached
from mediadesk.services.catalogue_edit import EpisodeEdit, MovieEdit, SeasonEdit, SeriesEdit

router = APIRouter(prefix="/api/v1", tags=["catalogue"])
router.include_router(playback.router)
router.include_router(browse.router)


@router.get("/library", response_model=LibraryListing, summary="Movies, series and loose media")
def library(state: Reader, sort: CatalogueSort = CatalogueSort.TITLE) -> LibraryListing:
    return state.runtime.catalogue.listing(sort)


@router.post(
    "/library/export-nfo",
    response_model=NfoExportReport,
    summary="Write Kodi/Jellyfin NFOs beside the media in library folders",
)
def export_nfo(body: NfoExport, state: Writer) -> NfoExportReport:
    folder = Path(body.folder) if body.folder else None
    return state.runtime.nfo_export.export(folder, overwrite=body.overwrite)


@router.get(
    "/movies", response_model=list[MovieView], summary="Movies, by sort title, year or date added"
)
def list_movies(state: Reader, sort: CatalogueSort = CatalogueSort.TITLE) -> list[MovieView]:
    return state.runtime.catalogue.movies(sort)


@router.post("/movies", response_model=MovieView, status_code=201)
def create_movie(body: MovieCreate, state: Writer) -> MovieView:
    try:
        released = date.fromisoformat(body.release_date) if body.release_date else None
    except ValueError:
        raise InvalidInput("releaseDate must be YYYY-MM-DD") from None
    return state.runtime.catalogue.create_movie(
        body.title, body.description, released, body.media_file_id
    )


@router.get("/movies/{movie_id}", response_model=MovieView)
def get_movie(movie_id: str, state: Reader) -> MovieView:
    return state.runtime.catalogue.get_movie(movie_id)


@router.patch(
    "/movies/{movie_id}", response_model=MovieView, summary="Edit (only the fields given)"
)
def edit_movie(movie_id: str, body: MovieEdit, state: Writer) -> MovieView:
    return state.runtime.catalogue.edit_movie(movie_id, body)


@router.post("/movies/{movie_id}/merge", response_model=MovieView, summary="Merge another movie in")
def merge_movie(movie_id: str, body: MergeBody, state: Writer) -> MovieView:
    return state.runtime.catalogue.merge_movies(movie_id, body.other_id)


@router.put("/movies/{movie_id}/media", response_model=MovieView, summary="Attach (or detach)")
def movie_media(movie_id: str, body: AttachMedia, state: Writer) -> MovieView:
    return state.runtime.catalogue.set_movie_media(movie_id, body.media_file_id)


@router.put("/movies/{movie_id}/poster", status_code=204, summary="Set the poster")
def movie_poster(movie_id: str, body: PictureBody, state: Writer) -> Response:
    set_picture(state, ArtSubject("movie", movie_id), body)
    return Response(status_code=204)


@router.delete("/movies/{movie_id}", status_code=204)
def delete_movie(movie_id: str, state: Writer) -> Response:
    state.runtime.catalogue.delete_movie(movie_id)
    return Response(status_code=204)


@router.get(
    "/series", response_model=list[SeriesView], summary="Series, by sort title, year or date added"
)
def list_series(state: Reader, sort: CatalogueSort = CatalogueSort.TITLE) -> list[SeriesView]:
    return state.runtime.catalogue.series(sort)


@router.post("/series", response_model=SeriesView, status_code=201)
def create_series(body: SeriesCreate, state: Writer) -> SeriesView:
    return state.runtime.catalogue.create_series(body.title, body.description)


@router.get("/series/{series_id}", response_model=SeriesView)
def get_series(series_id: str, state: Reader) -> SeriesView:
    return state.runtime.catalogue.get_series(series_id)


@router.patch(
    "/series/{series_id}", response_model=SeriesView, summary="Edit (only the fields given)"
)
def edit_series(series_id: str, body: SeriesEdit, state: Writer) -> SeriesView:
    return state.runtime.catalogue.edit_series(series_id, body)


@router.post(
    "/series/{series_id}/merge", response_model=SeriesView, summary="Merge another series in"
)
def merge_series(series_id: str, body: MergeBody, state: Writer) -> SeriesView:
    return state.runtime.catalogue.merge_series(series_id, body.other_id)


@router.put("/series/{series_id}/poster", status_code=204, summary="Set the poster")
def series_poster(series_id: str, body: PictureBody, state: Writer) -> Response:
    set_picture(state, ArtSubject("series", series_id), body)
    return Response(status_code=204)


@router.delete("/series/{series_id}", status_code=204, summary="Delete (its files stay)")
def delete_series(series_id: str, state: Writer) -> Response:
    state.runtime.catalogue.delete_series(series_id)
    return Response(status_code=204)


@router.post("/series/{series_id}/seasons", response_model=SeasonView, status_code=201)
def create_season(series_id: str, body: SeasonCreate, state: Writer) -> SeasonView:
    return state.runtime.catalogue.create_season(series_id, body.number, body.title)


@router.patch(
    "/seasons/{season_id}", response_model=SeasonView, summary="Edit (only the fields given)"
)
def edit_season(season_id: str, body: SeasonEdit, state: Writer) -> SeasonView:
    return state.runtime.catalogue.edit_season(season_id, body)


@router.put("/seasons/{season_id}/poster", status_code=204, summary="Set the poster")
def season_poster(season_id: str, body: PictureBody, state: Writer) -> Response:
    set_picture(state, ArtSubject("season", season_id), body)
    return Response(status_code=204)


@router.post("/seasons/{season_id}/episodes", response_model=EpisodeView, status_code=201)
def create_episode(season_id: str, body: EpisodeCreate, state: Writer) -> EpisodeView:
    return state.runtime.catalogue.create_episode(
        season_id, body.number, body.title, body.media_file_id
    )


@router.patch(
    "/episodes/{episode_id}", response_model=EpisodeView, summary="Edit (only the fields given)"
)
def edit_episode(episode_id: str, body: EpisodeEdit, state: Writer) -> EpisodeView:
    return state.runtime.catalogue.edit_episode(episode_id, body)


@router.put("/episodes/{episode_id}/media", response_model=EpisodeView, summary="Attach or detach")
def episode_media(episode_id: str, body: AttachMedia, state: Writer) -> EpisodeView:
    return state.runtime.catalogue.set_episode_media(episode_id, body.media_file_id)


@router.delete("/episodes/{episode_id}", status_code=204, summary="Delete (its files stay)")
def delete_episode(episode_id: str, state: Writer) -> Response:
    state.runtime.catalogue.delete_episode(episode_id)
    return Response(status_code=204)


@router.put(
    "/media/{media_id}/attachment",
    response_model=Attached,
    summary="Attach a media file to a movie or episode (by id or by title)",
)
def attach_media(media_id: str, body: Attach, state: Writer) -> Attached:
    catalogue = state.runtime.catalogue
    if body.movie_id or body.episode_id:
        return catalogue.attach_to(
            media_id, body.movie_id, body.episode_id, body.on_conflict, body.version
        )
    return catalogue.attach(media_id, attach_target(body))


@router.delete("/media/{media_id}/attachment", status_code=204, summary="Detach a media file")
def detach_media(media_id: str, state: Writer) -> Response:
    state.runtime.catalogue.detach(media_id)
    return Response(status_code=204)


@router.get("/vocabulary", summary="The words for states, kinds and job types")
def words() -> dict[str, dict[str, str]]:
    return vocabulary()
