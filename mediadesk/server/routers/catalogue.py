"""``/api/v1/library``, ``/movies``, ``/series``, ``/seasons``, ``/episodes``."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from mediadesk.errors import InvalidInput
from mediadesk.library.views import EpisodeView, LibraryListing, MovieView, SeasonView, SeriesView
from mediadesk.server.deps import Reader, Writer
from mediadesk.server.schemas import (
    AttachMedia,
    EpisodeCreate,
    MovieCreate,
    SeasonCreate,
    SeriesCreate,
)

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


@router.get("/library", response_model=LibraryListing, summary="Movies, series and loose media")
def library(state: Reader) -> LibraryListing:
    return state.runtime.catalogue.listing()


@router.get("/movies", response_model=list[MovieView])
def list_movies(state: Reader) -> list[MovieView]:
    return state.runtime.catalogue.movies()


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


@router.put("/movies/{movie_id}/media", response_model=MovieView, summary="Attach (or detach)")
def movie_media(movie_id: str, body: AttachMedia, state: Writer) -> MovieView:
    return state.runtime.catalogue.set_movie_media(movie_id, body.media_file_id)


@router.delete("/movies/{movie_id}", status_code=204)
def delete_movie(movie_id: str, state: Writer) -> Response:
    state.runtime.catalogue.delete_movie(movie_id)
    return Response(status_code=204)


@router.get("/series", response_model=list[SeriesView])
def list_series(state: Reader) -> list[SeriesView]:
    return state.runtime.catalogue.series()


@router.post("/series", response_model=SeriesView, status_code=201)
def create_series(body: SeriesCreate, state: Writer) -> SeriesView:
    return state.runtime.catalogue.create_series(body.title, body.description)


@router.get("/series/{series_id}", response_model=SeriesView)
def get_series(series_id: str, state: Reader) -> SeriesView:
    return state.runtime.catalogue.get_series(series_id)


@router.post("/series/{series_id}/seasons", response_model=SeasonView, status_code=201)
def create_season(series_id: str, body: SeasonCreate, state: Writer) -> SeasonView:
    return state.runtime.catalogue.create_season(series_id, body.number, body.title)


@router.post("/seasons/{season_id}/episodes", response_model=EpisodeView, status_code=201)
def create_episode(season_id: str, body: EpisodeCreate, state: Writer) -> EpisodeView:
    return state.runtime.catalogue.create_episode(
        season_id, body.number, body.title, body.media_file_id
    )


@router.put("/episodes/{episode_id}/media", response_model=EpisodeView, summary="Attach or detach")
def episode_media(episode_id: str, body: AttachMedia, state: Writer) -> EpisodeView:
    return state.runtime.catalogue.set_episode_media(episode_id, body.media_file_id)
