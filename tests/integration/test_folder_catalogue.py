"""The catalogue step of library folders on a Kodi/Jellyfin tree: NFO titles and ids,
versions, seasons and specials, double episodes, sidecar pictures, edits kept, hostile
NFOs refused; and ``export-nfo`` written back, then read by a fresh library.

Media rows are seeded (no pipeline runs on them); NFOs, pictures and folders are real
files, pictures are imported through ingest like any image.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from mediadesk.domain.catalogue import ConflictChoice
from mediadesk.domain.nfo import parse_nfo, written_by_us
from mediadesk.library.catalogue_models import Artwork, Movie
from mediadesk.library.models import MediaFile
from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.catalogue_edit import EpisodeEdit, MovieEdit, SeriesEdit
from mediadesk.services.catalogue_metadata import set_external_ids
from mediadesk.services.folder_catalogue import identify
from mediadesk.services.naming import GuessKind
from mediadesk.services.nfo_export import NfoExportService
from tests.integration.test_cli import run
from tests.kodi_tree import build_tree
from tests.seed import seed_media

pytestmark = pytest.mark.integration


def catalogue_all(runtime, videos: list[Path]) -> dict[Path, str]:  # type: ignore[no-untyped-def]
    ids = seed_media(runtime, len(videos), prefix="kodi")
    for media_id, path in zip(ids, videos, strict=True):
        runtime.folder_catalogue.catalogue(media_id, path)
    return dict(zip(videos, ids, strict=True))


def episodes(series) -> dict[str, object]:  # type: ignore[no-untyped-def]
    out = {}
    for season in series.seasons:
        for ep in season.episodes:
            end = f"-E{ep.end_number:02d}" if ep.end_number else ""
            out[f"S{season.number:02d}E{ep.number:02d}{end}"] = ep
    return out


def test_a_kodi_tree_builds_the_catalogue(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    videos = build_tree(tmp_path / "lib")
    by_path = catalogue_all(runtime, videos)
    movies = {m.title: m for m in runtime.catalogue.movies()}
    assert sorted(movies) == ["Arrival", "Up"]
    arrival = movies["Arrival"]
    # Two files, one movie: versions labelled by their names.
    assert sorted(v.version for v in arrival.versions) == ["1080p", "4K"]
    assert {v.media_file_id for v in arrival.versions} == {by_path[videos[0]], by_path[videos[1]]}
    # The NFO's metadata and ids.
    assert (arrival.year, arrival.original_title, arrival.overview, arrival.genres) == (
        2016,
        "Story of Your Life",
        "A linguist talks to aliens.",
        ["Science Fiction"],
    )
    assert arrival.external_ids == {"imdb": "tt2543164", "tmdb": "329865"}
    assert arrival.poster is not None and arrival.poster.source == "sidecar"
    assert arrival.backdrop is not None and arrival.backdrop.source == "sidecar"
    poster = runtime.library.get_media(arrival.poster.media_file_id)
    assert poster.original_filename == "poster.jpg" and poster.kind == "image"
    up = movies["Up"]
    assert up.year == 2009 and up.external_ids == {}
    assert runtime.library.get_media(up.poster.media_file_id).original_filename == (
        "Up (2009)-poster.png"
    )

    (show,) = runtime.catalogue.series()
    assert (show.title, show.year, show.overview, show.genres) == (
        "Great Show",
        2010,
        "Gardens.",
        ["Documentary"],
    )
    assert show.external_ids == {"tvdb": "81189"}
    assert show.poster.source == "sidecar" and show.backdrop.source == "sidecar"
    eps = episodes(show)
    assert sorted(eps) == ["S00E01", "S01E01", "S01E02-E03", "S02E01-E02", "S02E03"]
    pilot = eps["S01E01"]
    assert pilot.title == "The Real Pilot"  # the NFO wins over the name's "Pilot"
    assert pilot.external_ids == {"tvdb": "3001"} and str(pilot.air_date) == "2010-03-01"
    assert eps["S01E02-E03"].title == "Two Parter"  # no NFO: the name's guess
    assert eps["S00E01"].title == "Making Of"
    # The hostile NFO is refused; the name places the file all the same.
    assert eps["S02E03"].title == "Hostile"
    seasons = {z.number: z for z in show.seasons}
    assert [seasons[n].poster.source for n in (0, 1, 2)] == ["sidecar", "sidecar", "sidecar"]
    names = {
        n: runtime.library.get_media(seasons[n].poster.media_file_id).original_filename
        for n in (0, 1, 2)
    }
    # Specials have no picture of their own: the show's. Season 2's folder.jpg is its own.
    assert names == {0: "poster.jpg", 1: "season01-poster.jpg", 2: "folder.jpg"}


def test_the_hostile_nfo_is_reported(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    videos = build_tree(tmp_path / "lib", pictures=False)
    (media_id,) = seed_media(runtime, 1)
    outcome = runtime.folder_catalogue.catalogue(media_id, videos[-1])
    assert outcome.identity.problems == (
        "Great Show - S02E03 - Hostile.nfo declares XML entities, which NFO files never need",
    )
    assert outcome.attached.episode_id is not None


def test_a_rescan_keeps_edits_and_takes_new_nfo_values(runtime, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "lib"
    videos = build_tree(root)
    by_path = catalogue_all(runtime, videos)
    assert len(artwork_ids(runtime)) == 7
    arrival = next(m for m in runtime.catalogue.movies() if m.title == "Arrival")
    runtime.catalogue.edit_movie(arrival.id, MovieEdit(title="Arrival (my cut)", year=2017))
    pilot = episodes(runtime.catalogue.series()[0])["S01E01"]
    runtime.catalogue.edit_episode(pilot.id, EpisodeEdit(external_ids={"tvdb": "9"}))
    # The NFOs change on disk (another tool rescraped), then the folder is scanned again.
    nfo = root / "Movies/Arrival (2016)/movie.nfo"
    nfo.write_text(nfo.read_text().replace("A linguist", "Louise"))
    for path in videos:
        runtime.folder_catalogue.catalogue(by_path[path], path)
    again = runtime.catalogue.get_movie(arrival.id)
    assert (again.title, again.year) == ("Arrival (my cut)", 2017)  # edited: kept
    assert again.overview == "Louise talks to aliens."  # not edited: the NFO's new value
    assert again.edited_fields == ["title", "year"]
    assert [m.title for m in runtime.catalogue.movies()] == ["Arrival (my cut)", "Up"]
    pilot = episodes(runtime.catalogue.series()[0])["S01E01"]
    assert pilot.external_ids == {"tvdb": "9"} and pilot.title == "The Real Pilot"
    # Pictures already linked are not linked (nor imported) again.
    before = artwork_ids(runtime)
    runtime.folder_catalogue.catalogue(by_path[videos[0]], videos[0])
    assert artwork_ids(runtime) == before


def artwork_ids(runtime) -> set[str]:  # type: ignore[no-untyped-def]
    with runtime.db.read() as s:
        return set(s.scalars(select(Artwork.id)))


def locator(runtime, by_path: dict[Path, str]):  # type: ignore[no-untyped-def]
    where = {media_id: path for path, media_id in by_path.items()}

    def locate(media: MediaFile) -> Path | None:
        return where.get(media.id)

    return locate


def test_export_then_a_fresh_library_reads_the_same_titles(  # type: ignore[no-untyped-def]
    runtime_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lib"
    videos = build_tree(root, nfos=False, pictures=False)
    mine = b"<movie><title>Arrival</title><plot>My own words.</plot></movie>"
    (root / "Movies/Arrival (2016)/movie.nfo").write_bytes(mine)
    first = runtime_factory()
    by_path = catalogue_all(first, videos)
    c = first.catalogue
    movies = {m.title: m for m in c.movies()}
    c.edit_movie(movies["Up"].id, MovieEdit(title="Up!", external_ids={"imdb": "tt1049413"}))
    show = c.series()[0]
    c.edit_series(show.id, SeriesEdit(title="Great Show (UK)", year=2011))
    pilot = episodes(c.series()[0])["S01E01"]
    c.edit_episode(pilot.id, EpisodeEdit(title="A New Pilot"))

    export = NfoExportService(first.db, locator(first, by_path))
    report = export.export(root)
    outcomes = {Path(f.path).relative_to(root).as_posix(): f.outcome for f in report.files}
    # The user's own movie.nfo is kept (as it was); everything else is written.
    assert outcomes.pop("Movies/Arrival (2016)/movie.nfo") == "kept"
    assert (root / "Movies/Arrival (2016)/movie.nfo").read_bytes() == mine
    assert set(outcomes.values()) == {"written"}
    assert "TV/Great Show/tvshow.nfo" in outcomes
    assert "Movies/Up (2009)/movie.nfo" in outcomes
    assert "TV/Great Show/Season 01/Great Show - S01E01 - Pilot.nfo" in outcomes
    assert (report.written, report.kept, report.failed) == (len(outcomes), 1, 0)
    up_nfo = (root / "Movies/Up (2009)/movie.nfo").read_bytes()
    assert written_by_us(up_nfo) and parse_nfo(up_nfo)[0].ids == {"imdb": "tt1049413"}
    # A second export changes nothing; --overwrite replaces the user's NFO.
    assert {f.outcome for f in export.export(root).files} == {"unchanged", "kept"}
    kept = export.export(root, overwrite=True)
    assert [f.outcome for f in kept.files if "Arrival" in f.path] == ["written"]
    replaced = (root / "Movies/Arrival (2016)/movie.nfo").read_bytes()
    assert replaced != mine and written_by_us(replaced)
    (doc,) = parse_nfo(replaced)
    assert (doc.title, doc.year, doc.plot) == ("Arrival", 2016, "My own words.")
    # Only under --folder.
    assert {Path(f.path).parts[-3] for f in export.export(root / "TV").files} == {
        "TV", "Great Show"
    }  # fmt: skip

    # A fresh library reads the tree back: the same titles, years and ids.
    monkeypatch.setenv("MEDIADESK_HOME", str(tmp_path / "second"))
    second = runtime_factory(home=str(tmp_path / "second"))
    catalogue_all(second, videos)

    def shape(rt):  # type: ignore[no-untyped-def]
        listing = rt.catalogue.listing()
        return (
            [(m.title, m.year, m.external_ids, len(m.versions)) for m in listing.movies],
            [
                (s.title, s.year, s.external_ids, {k: e.title for k, e in episodes(s).items()})
                for s in listing.series
            ],
        )

    assert shape(second) == shape(first)
    assert shape(second)[0][1][0] == "Up!"
    assert shape(second)[1][0][0] == "Great Show (UK)"


def test_cli_edits_ids_and_they_stay_edited(runtime, home: Path) -> None:  # type: ignore[no-untyped-def]
    (media_id,) = seed_media(runtime, 1)
    movie_id = runtime.catalogue.attach(media_id, MovieTarget("Heat", year=1995)).movie_id
    out = run(home, "movie", "edit", movie_id, "--external-id", "tmdb=949",
              "--external-id", "imdb=tt0113277", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    view = json.loads(out.stdout)
    assert view["external_ids"] == {"imdb": "tt0113277", "tmdb": "949"}
    assert view["edited_fields"] == ["external_ids"]
    out = run(home, "movie", "edit", movie_id, "--external-id", "tmdb=", "--json")
    assert json.loads(out.stdout)["external_ids"] == {"imdb": "tt0113277"}
    bad = run(home, "movie", "edit", movie_id, "--external-id", "no equals sign")
    assert bad.returncode == 2 and "PROVIDER=ID" in bad.stderr
    bad = run(home, "movie", "edit", movie_id, "--external-id", "t m d b=1")
    assert bad.returncode == 3 and "provider name" in bad.stderr
    # An NFO found later does not change ids a person set.
    with runtime.db.write() as s:
        movie = s.get(Movie, movie_id)
        assert set_external_ids(s, movie, {"imdb": "tt9"}, by_user=False) == []
    assert runtime.catalogue.get_movie(movie_id).external_ids == {"imdb": "tt0113277"}


def test_the_folder_kind_hints_what_a_vague_name_is(tmp_path: Path) -> None:
    film = tmp_path / "Movies" / "holiday.mkv"
    film.parent.mkdir()
    film.write_bytes(b"x")
    assert identify(film).target is None
    hinted = identify(film, hint=GuessKind.MOVIE).target
    assert isinstance(hinted, MovieTarget) and hinted.title == "holiday"
    heat = tmp_path / "TV" / "Heat (1995).mkv"
    heat.parent.mkdir()
    heat.write_bytes(b"x")
    assert isinstance(identify(heat).target, MovieTarget)
    assert identify(heat, hint=GuessKind.EPISODE).target is None  # a film in a series folder
    # Container tags help a name that says nothing.
    tagged = identify(film, {"show": "Great Show", "season_number": "1", "episode_sort": "4"})
    assert tagged.target == EpisodeTarget(
        "Great Show", 1, 4, None, on_conflict=ConflictChoice.VERSION
    )
