"""The catalogue as people edit it: metadata, validation, order, conflicts and versions,
re-attaching, merging, posters, playback state and the next episode.

Media rows are seeded straight into a real SQLite library (no job runs on them), so
these tests are about the catalogue's rules, not the pipeline.
"""

from __future__ import annotations

import pytest

from mediadesk.domain.catalogue import CatalogueSort, ConflictChoice
from mediadesk.domain.enums import MediaKind
from mediadesk.errors import Conflict, InvalidInput
from mediadesk.services.artwork import ArtSubject
from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.catalogue_edit import EpisodeEdit, MovieEdit, SeasonEdit, SeriesEdit
from mediadesk.services.library import MediaFilter, MediaOrder
from tests.seed import seed_media

pytestmark = pytest.mark.integration


@pytest.fixture
def files(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    return seed_media(runtime, 10, prefix="cat")


def test_movie_metadata_edit_validation_and_sort(runtime, files: list[str]) -> None:  # type: ignore[no-untyped-def]
    c = runtime.catalogue
    matrix = c.attach(files[0], MovieTarget("The Matrix", year=1999)).movie_id
    arrival = c.attach(files[1], MovieTarget("Arrival", year=2016)).movie_id
    alien = c.attach(files[2], MovieTarget("alien", year=1979)).movie_id
    edited = c.edit_movie(
        matrix,
        MovieEdit(
            original_title="The Matrix", overview="Neo.", genres=["Sci-Fi", " Action", "Sci-Fi"]
        ),
    )
    assert edited.year == 1999 and edited.genres == ["Sci-Fi", "Action"]
    assert edited.overview == edited.description == "Neo."
    # Articles are ignored; case is ignored.
    assert [m.title for m in c.movies(CatalogueSort.TITLE)] == ["alien", "Arrival", "The Matrix"]
    assert [m.id for m in c.movies(CatalogueSort.YEAR)] == [arrival, matrix, alien]
    assert [m.id for m in c.movies(CatalogueSort.ADDED)] == [alien, arrival, matrix]
    # A sort title moves it; a bad year or an empty title is refused, nothing changes.
    c.edit_movie(alien, MovieEdit(sort_title="Zzz"))
    assert c.movies()[-1].id == alien
    with pytest.raises(InvalidInput, match="year must be between"):
        c.edit_movie(arrival, MovieEdit(year=1500))
    with pytest.raises(InvalidInput, match="needs a title"):
        c.edit_movie(arrival, MovieEdit(title="  "))
    assert c.get_movie(arrival).year == 2016
    # The media file says what it is.
    media = runtime.library.get_media(files[0])
    assert media.display_title == "The Matrix (1999)"
    assert media.catalogue.kind == "movie" and media.catalogue.movie_id == matrix


def test_episodes_ordered_by_number_and_edits_reorder(runtime, files: list[str]) -> None:  # type: ignore[no-untyped-def]
    c = runtime.catalogue
    # Added newest-first order: E02 before E01; the tree is by number all the same.
    c.attach(files[0], EpisodeTarget("Garden Show", 1, 2, "Seeds"))
    c.attach(files[1], EpisodeTarget("Garden Show", 1, 1, "Pilot"))
    c.attach(files[2], EpisodeTarget("Garden Show", 2, 1))
    (show,) = c.series()
    assert [z.number for z in show.seasons] == [1, 2]
    assert [(e.number, e.title) for e in show.seasons[0].episodes] == [(1, "Pilot"), (2, "Seeds")]
    pilot = show.seasons[0].episodes[0]
    with pytest.raises(Conflict, match="S01E02 already exists"):
        c.edit_episode(pilot.id, EpisodeEdit(number=2))
    c.edit_episode(pilot.id, EpisodeEdit(number=3, title="Roots"))
    (show,) = c.series()
    assert [(e.number, e.title) for e in show.seasons[0].episodes] == [(2, "Seeds"), (3, "Roots")]
    assert runtime.library.get_media(files[1]).display_title == "Garden Show · S01E03 · Roots"
    # Double episodes cover two numbers.
    seeds = show.seasons[0].episodes[0]
    with pytest.raises(Conflict):
        c.edit_episode(seeds.id, EpisodeEdit(end_number=3))
    with pytest.raises(InvalidInput, match="end after it starts"):
        c.edit_episode(seeds.id, EpisodeEdit(end_number=1))
    # Moving to another season, and season numbers stay unique.
    c.edit_episode(seeds.id, EpisodeEdit(season=2, number=5))
    season2 = next(z for z in c.series()[0].seasons if z.number == 2)
    assert [e.number for e in season2.episodes] == [1, 5]
    with pytest.raises(Conflict, match="already has season 1"):
        c.edit_season(season2.id, SeasonEdit(number=1))
    assert c.edit_season(season2.id, SeasonEdit(title="Winter")).title == "Winter"
    assert c.edit_series(show.id, SeriesEdit(year=2020, sort_title="Garden")).year == 2020


def test_conflicts_replace_keep_both_skip_and_reattach(runtime, files: list[str]) -> None:  # type: ignore[no-untyped-def]
    c = runtime.catalogue
    first = c.attach(files[0], EpisodeTarget("Show", 1, 1))
    target = EpisodeTarget("Show", 1, 1)
    (found,) = c.conflicts([(files[1], target)])
    assert found is not None and found.existing_media_id == files[0]
    assert "replace it, keep both" in found.message
    assert c.conflicts([(files[0], target), (None, EpisodeTarget("Show", 1, 2))]) == [None, None]
    with pytest.raises(Conflict, match="already has a file"):
        c.attach(files[1], target)
    # Keep both: another version, the first still plays.
    kept = c.attach(
        files[1], EpisodeTarget("Show", 1, 1, on_conflict=ConflictChoice.VERSION, version="4K")
    )
    episode = c.get_episode(kept.episode_id)
    assert [v.media_file_id for v in episode.versions] == [files[0], files[1]]
    assert episode.media_file_id == files[0] and episode.versions[1].version == "4K"
    assert runtime.library.get_media(files[1]).display_title == "Show · S01E01 · 4K"
    # Skip: nothing changes, the file stays unattached.
    skipped = c.attach(files[2], EpisodeTarget("Show", 1, 1, on_conflict=ConflictChoice.SKIP))
    assert skipped.skipped and runtime.library.get_media(files[2]).catalogue is None
    # Replace: the others become unattached.
    c.attach(files[3], EpisodeTarget("Show", 1, 1, on_conflict=ConflictChoice.REPLACE))
    assert [v.media_file_id for v in c.get_episode(first.episode_id).versions] == [files[3]]
    loose = set(runtime.library.media_ids(MediaFilter(unattached=True)))
    assert {files[0], files[1], files[2]} <= loose
    # Re-attach moves a file; detach takes it out; the entries stay.
    movie = c.attach(files[3], MovieTarget("Other Movie", year=2019)).movie_id
    assert c.get_episode(first.episode_id).versions == []
    assert c.get_movie(movie).media_file_id == files[3]
    assert c.detach(files[3]) and c.get_movie(movie).media_file_id is None
    c.attach_to(files[4], episode_id=first.episode_id)
    assert c.get_episode(first.episode_id).media_file_id == files[4]


def test_merge_movies_and_series(runtime, files: list[str]) -> None:  # type: ignore[no-untyped-def]
    c = runtime.catalogue
    a = c.attach(files[0], MovieTarget("Heat", year=1995)).movie_id
    b = c.create_movie("Heat (director's cut)", media_file_id=files[1])
    c.edit_movie(b.id, MovieEdit(overview="Longer."))
    merged = c.merge_movies(a, b.id)
    assert [v.media_file_id for v in merged.versions] == [files[0], files[1]]
    assert merged.overview == "Longer." and len(c.movies()) == 1
    c.attach(files[2], EpisodeTarget("Planet", 1, 1))
    c.attach(files[3], EpisodeTarget("Planet Earth", 1, 1))
    c.attach(files[4], EpisodeTarget("Planet Earth", 1, 2))
    keep = next(s for s in c.series() if s.title == "Planet Earth")
    other = next(s for s in c.series() if s.title == "Planet")
    with pytest.raises(Conflict, match="merge"):
        c.edit_series(other.id, SeriesEdit(title="planet earth"))
    merged_series = c.merge_series(keep.id, other.id)
    assert [s.title for s in c.series()] == ["Planet Earth"]
    (season,) = merged_series.seasons
    assert [e.number for e in season.episodes] == [1, 2]
    assert {v.media_file_id for v in season.episodes[0].versions} == {files[2], files[3]}


def test_playback_state_resume_watched_continue_and_next(runtime, files: list[str]) -> None:  # type: ignore[no-untyped-def]
    c, playback, lib = runtime.catalogue, runtime.playback, runtime.library
    for n, media_id in enumerate(files[:3], start=1):
        c.attach(media_id, EpisodeTarget("Show", 1, n))
    c.attach(files[3], EpisodeTarget("Show", 2, 1))
    duration = lib.get_media(files[0]).duration_seconds
    assert playback.get(files[0]).position_s == 0 and not playback.get(files[0]).watched
    saved = playback.save(files[0], position_s=0.4 * duration)
    assert saved.position_s == pytest.approx(0.4 * duration) and not saved.watched
    assert lib.get_media(files[0]).playback.position_s == pytest.approx(0.4 * duration)
    in_progress = MediaFilter(in_progress=True, order=MediaOrder.PLAYED)
    assert lib.media_ids(in_progress) == [files[0]]
    playback.save(files[1], position_s=30)
    assert lib.media_ids(in_progress) == [files[1], files[0]]  # most recently played first
    done = playback.save(files[0], position_s=0.9 * duration)
    assert done.watched and done.position_s == 0
    assert lib.media_ids(in_progress) == [files[1]]
    assert playback.save(files[1], position_s=2).position_s == 0  # too early to resume
    # A song starts again from the top, as in music players; it still counts as played.
    song = files[3]
    assert lib.get_media(song).kind == MediaKind.AUDIO
    assert lib.get_media(song).duration_seconds < 300
    assert playback.save(song, position_s=30).position_s == 0
    assert song not in lib.media_ids(in_progress)
    assert playback.save(song, position_s=0.95 * lib.get_media(song).duration_seconds).watched
    # A podcast or an audiobook resumes like a film.
    assert playback.save(files[8], position_s=600, duration_s=1800).position_s == 600
    assert not playback.save(files[0], watched=False).watched
    with pytest.raises(InvalidInput):
        playback.save(files[0], position_s=-1)
    # Next episode: the next number, then the next season, then nothing.
    assert playback.next_episode(files[0]).id == files[1]
    assert playback.next_episode(files[2]).id == files[3]
    assert playback.next_episode(files[3]) is None
    assert playback.next_episode(files[5]) is None  # not an episode


def test_posters_from_an_image_and_default_frame(runtime, files: list[str]) -> None:  # type: ignore[no-untyped-def]
    c = runtime.catalogue
    movie = c.attach(files[0], MovieTarget("Ocean", year=2019)).movie_id
    poster = c.get_movie(movie).poster
    assert poster.source == "frame" and poster.media_file_id == files[0]
    image = next(i for i in files if runtime.library.get_media(i).kind == MediaKind.IMAGE)
    runtime.artwork.set_from_media(ArtSubject("movie", movie), image)
    poster = c.get_movie(movie).poster
    assert (poster.source, poster.media_file_id) == ("user", image)
    assert poster.keys[0] == f"images/{image}/600.webp"
    # The movie's file shows the chosen picture first (grid tiles, web cards).
    assert runtime.library.get_media(files[0]).catalogue.poster_keys == poster.keys
    # The image is the movie's now, not a loose file of the library.
    assert image not in runtime.library.media_ids(MediaFilter(unattached=True))
    assert image not in runtime.library.media_ids(MediaFilter(), limit=1000)
    with pytest.raises(InvalidInput, match="not an image"):
        runtime.artwork.set_from_media(ArtSubject("movie", movie), files[1])
    runtime.artwork.clear(ArtSubject("movie", movie))
    assert c.get_movie(movie).poster.source == "frame"
