"""A Kodi/Jellyfin library folder scanned for real: one scan builds the catalogue from
the NFOs, names and sidecar pictures, copying nothing; ``library export-nfo`` then a
scan by a fresh library reproduces the titles (issue 12's "Done when")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mediadesk.domain.folders import FolderKind, SkipReason
from mediadesk.domain.nfo import parse_nfo, written_by_us
from mediadesk.runtime import Runtime
from mediadesk.services.catalogue_edit import EpisodeEdit, MovieEdit, SeriesEdit
from mediadesk.settings import load_settings
from tests.conftest import FAST
from tests.integration.test_cli import run
from tests.kodi_tree import build_tree, picture
from tests.media import Clip, make_clip
from tests.serverkit import auth, serving
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Videos stop at the probe; pictures get their WebP sizes (what posters show from).
LIGHT = {
    "pipeline_video": ["probe"],
    "pipeline_audio": ["probe"],
    "pipeline_image": ["probe", "image_variants"],
}


def clip_maker(cache: Path):  # type: ignore[no-untyped-def]
    def put(path: Path, index: int) -> None:
        made = make_clip(cache, Clip(duration=1.0, size="160x90", seed=f"kodi-{index}"))
        path.write_bytes(made.read_bytes())

    return put


def kodi_library(root: Path, cache: Path, nfos: bool = True) -> list[Path]:
    videos = build_tree(root, clip_maker(cache), nfos=nfos)
    sample = root / "Movies/Arrival (2016)/Sample/arrival-sample.mkv"
    sample.parent.mkdir()
    sample.write_bytes(make_clip(cache, Clip(duration=1.0, size="160x90", seed="s")).read_bytes())
    (root / "TV/Great Show/Season 02/Great Show - S02E04.mkv.part").write_bytes(b"\0" * 4096)
    return videos


@pytest.fixture
def light(home: Path) -> Iterator[Runtime]:
    rt = Runtime(load_settings({**FAST, **LIGHT})).open()
    rt.start_workers()
    yield rt
    rt.stop(grace=5)


def scanned(rt: Runtime, root: Path) -> str:
    folder = rt.folders.add(root, FolderKind.MIXED)
    rt.folders.scan(folder.id)
    wait_until(lambda: rt.folders.get(folder.id).waiting == 0, "every file read", timeout=180)
    return folder.id


def posters_linked(rt: Runtime) -> bool:
    listing = rt.catalogue.listing()
    # Every entry with a sidecar picture: a picture is made media in one transaction
    # and linked in the next, so "Arrival" alone can be linked while "Up" is not yet.
    movies = [m for m in listing.movies if m.title in ("Arrival", "Up")]
    return len(movies) == 2 and all(
        x.poster is not None and x.poster.source == "sidecar" for x in [*movies, *listing.series]
    )


def storage_files(rt: Runtime) -> list[Path]:
    root = Path(rt.settings.resolved_storage)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_one_scan_builds_the_catalogue_and_copies_nothing(
    light: Runtime, tmp_path: Path, ffmpeg: None
) -> None:
    rt, root = light, tmp_path / "lib"
    videos = kodi_library(root, tmp_path / "clips")
    folder_id = scanned(rt, root)
    wait_until(lambda: posters_linked(rt), "the sidecar posters", timeout=60)

    listing = rt.catalogue.listing()
    movies = {m.title: m for m in listing.movies}
    assert sorted(movies) == ["Arrival", "Up"]
    arrival = movies["Arrival"]
    assert sorted(v.version for v in arrival.versions) == ["1080p", "4K"]
    assert (arrival.original_title, arrival.external_ids) == (
        "Story of Your Life",
        {"imdb": "tt2543164", "tmdb": "329865"},
    )
    assert arrival.backdrop is not None and arrival.backdrop.source == "sidecar"
    (show,) = listing.series
    assert (show.title, show.year, show.external_ids) == ("Great Show", 2010, {"tvdb": "81189"})
    eps = {(z.number, e.number, e.end_number): e.title for z in show.seasons for e in z.episodes}
    assert eps == {
        (0, 1, None): "Making Of",
        (1, 1, None): "The Real Pilot",
        (1, 2, 3): "Two Parter",
        (2, 1, 2): "Twice",
        (2, 3, None): "Hostile",
    }
    # The sample, the .part download and the pictures are not media of their own.
    reasons = {f.path: f.reason for f in rt.folders.skipped(folder_id)}
    assert reasons["Movies/Arrival (2016)/Sample/arrival-sample.mkv"] == SkipReason.SAMPLE
    assert reasons["TV/Great Show/Season 02/Great Show - S02E04.mkv.part"] == SkipReason.PARTIAL
    assert reasons["Movies/Arrival (2016)/poster.jpg"] == SkipReason.ARTWORK
    assert reasons["TV/Great Show/tvshow.nfo"] == SkipReason.NFO
    assert not [m for m in rt.library.list_media().items if m.kind == "image"]

    # Pictures are referenced where they are; their WebP sizes are the only new bytes.
    poster = rt.library.get_media(arrival.poster.media_file_id)
    assert poster.original_path == str(root / "Movies/Arrival (2016)/poster.jpg")
    wait_until(
        lambda: (Path(rt.settings.resolved_storage) / arrival.poster.keys[0]).is_file(),
        "the poster's WebP size",
    )
    assert not (Path(rt.settings.resolved_storage) / "originals").exists()
    sizes = {p.stat().st_size for p in root.rglob("*") if p.is_file()}
    assert [p for p in storage_files(rt) if p.stat().st_size in sizes] == []
    assert all(p.suffix in (".webp", ".jpg", ".json", ".vtt", ".png") for p in storage_files(rt))
    assert {m.original_path for m in rt.library.list_media().items} == {str(v) for v in videos}

    # A person edits; then the NFOs change on disk (another tool rescraped) and a new
    # one appears: a rescan takes the NFOs' new values, never over the edit.
    rt.catalogue.edit_movie(arrival.id, MovieEdit(title="Arrival (mine)"))
    nfo = root / "Movies/Arrival (2016)/movie.nfo"
    nfo.write_text(nfo.read_text().replace("A linguist", "Louise"))
    twice = root / "TV/Great Show/Season 02/Great Show - S02E01E02 - Twice.nfo"
    twice.write_text("<episodedetails><title>Twice Told</title></episodedetails>")
    (report,) = rt.folders.scan(folder_id)
    assert (report.new, report.changed, report.queued) == (0, 0, 0)
    again = rt.catalogue.get_movie(arrival.id)
    assert (again.title, again.overview) == ("Arrival (mine)", "Louise talks to aliens.")
    (show,) = rt.catalogue.series()
    assert [e.title for z in show.seasons for e in z.episodes if z.number == 2] == [
        "Twice Told",
        "Hostile",
    ]
    # New files join the entries a person renamed: by the NFO's ids (Arrival, the
    # show), by the other files of their folder (Up has no NFO).
    up = next(m for m in rt.catalogue.movies() if m.title == "Up")
    rt.catalogue.edit_movie(up.id, MovieEdit(title="Up (mine)"))
    rt.catalogue.edit_series(show.id, SeriesEdit(title="Great Show (UK)"))
    put = clip_maker(tmp_path / "clips")
    put(root / "Movies/Arrival (2016)/Arrival (2016) - 720p.mkv", 20)
    put(root / "Movies/Up (2009)/Up (2009) - 4K.mkv", 21)
    put(root / "TV/Great Show/Season 02/Great Show - S02E05 - Late.mkv", 22)
    (report,) = rt.folders.scan(folder_id)
    assert report.new == 3
    wait_until(lambda: rt.folders.get(folder_id).waiting == 0, "the new files read")
    listing = rt.catalogue.listing()
    assert [(m.title, sorted(str(v.version) for v in m.versions)) for m in listing.movies] == [
        ("Arrival (mine)", ["1080p", "4K", "720p"]),
        ("Up (mine)", ["4K", "None"]),
    ]
    assert [(s.title, len([e for z in s.seasons for e in z.episodes])) for s in listing.series] == [
        ("Great Show (UK)", 6)
    ]

    # Pictures replaced or added on disk are seen by a rescan too.
    up_poster = next(m for m in rt.catalogue.movies() if m.title == "Up (mine)").poster
    assert up_poster is not None
    poster_path = root / "Movies/Up (2009)/Up (2009)-poster.png"
    picture(poster_path, "50x74")
    picture(root / "TV/Great Show/season02-poster.jpg", "52x76")
    rt.folders.scan(folder_id)
    assert rt.library.get_media(up_poster.media_file_id).size_bytes == poster_path.stat().st_size
    (show,) = rt.catalogue.series()
    season2 = next(z for z in show.seasons if z.number == 2)
    assert season2.poster is not None
    named = rt.library.get_media(season2.poster.media_file_id).original_filename
    assert named == "season02-poster.jpg"  # the show folder's name wins over folder.jpg

    # A picture deleted from disk is missing and no longer the poster; back, it is again.
    gone = root / "Movies/Arrival (2016)/poster.jpg"
    kept = gone.read_bytes()
    arrival_poster = rt.catalogue.get_movie(arrival.id).poster
    assert arrival_poster is not None and arrival_poster.source == "sidecar"
    gone.unlink()
    rt.folders.scan(folder_id)
    assert rt.library.get_media(arrival_poster.media_file_id).missing
    fallback = rt.catalogue.get_movie(arrival.id).poster
    assert fallback is None or fallback.source == "frame"
    gone.write_bytes(kept)
    rt.folders.scan(folder_id)
    back = rt.catalogue.get_movie(arrival.id).poster
    assert back is not None and back.media_file_id == arrival_poster.media_file_id
    assert back.source == "sidecar"
    assert not rt.library.get_media(back.media_file_id).missing

    # Nothing changed: nothing is read again.
    before = rt.catalogue.get_movie(arrival.id)
    rt.folders.scan(folder_id)
    assert rt.catalogue.get_movie(arrival.id) == before


def test_export_nfo_then_a_fresh_library_reads_the_same_titles(
    runtime_factory, tmp_path: Path, ffmpeg: None
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "lib"
    kodi_library(root, tmp_path / "clips", nfos=False)
    first_home = tmp_path / "first"
    first = runtime_factory(home=str(first_home), **LIGHT)
    scanned(first, root)
    c = first.catalogue
    up = next(m for m in c.movies() if m.title == "Up")
    c.edit_movie(up.id, MovieEdit(title="Up!", overview="Balloons.", genres=["Family"]))
    pilot = next(e for z in c.series()[0].seasons for e in z.episodes if z.number == 1)
    c.edit_episode(pilot.id, EpisodeEdit(title="A New Pilot", external_ids={"tvdb": "3001"}))

    out = run(first_home, "library", "export-nfo", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    written = {Path(f["path"]).relative_to(root).as_posix() for f in report["files"]}
    assert written == {
        "Movies/Arrival (2016)/movie.nfo",
        "Movies/Up (2009)/movie.nfo",
        "TV/Great Show/tvshow.nfo",
        "TV/Great Show/Specials/Great Show - S00E01 - Making Of.nfo",
        "TV/Great Show/Season 01/Great Show - S01E01 - Pilot.nfo",
        "TV/Great Show/Season 01/Great Show - S01E02-E03 - Two Parter.nfo",
        "TV/Great Show/Season 02/Great Show - S02E01E02 - Twice.nfo",
        "TV/Great Show/Season 02/Great Show - S02E03 - Hostile.nfo",
    }
    assert report["written"] == 8 and report["kept"] == report["failed"] == 0
    up_nfo = (root / "Movies/Up (2009)/movie.nfo").read_bytes()
    assert written_by_us(up_nfo)
    assert parse_nfo(up_nfo)[0].title == "Up!"
    # A second export, of the series folder only, finds nothing to change.
    again = run(first_home, "library", "export-nfo", "--folder", str(root / "TV"), "--json")
    assert {f["outcome"] for f in json.loads(again.stdout)["files"]} == {"unchanged"}

    second = runtime_factory(home=str(tmp_path / "second"), **LIGHT)
    scanned(second, root)

    def shape(rt: Runtime) -> object:
        listing = rt.catalogue.listing()
        return (
            [(m.title, m.year, m.overview, m.genres, len(m.versions)) for m in listing.movies],
            [
                (
                    s.title,
                    [
                        (z.number, e.number, e.end_number, e.title, e.external_ids)
                        for z in s.seasons
                        for e in z.episodes
                    ],
                )
                for s in listing.series
            ],
        )

    assert shape(second) == shape(first)
    movies = second.catalogue.movies()
    assert [m.title for m in movies] == ["Arrival", "Up!"]
    assert movies[1].edited_fields == []  # read from an NFO, not edited here


def test_api_ids_edit_and_export(home: Path, tmp_path: Path, ffmpeg: None) -> None:
    root = tmp_path / "lib"
    kodi_library(root, tmp_path / "clips")
    with serving(**LIGHT) as host:
        api, h = host.url + "/api/v1", auth(host)
        scanned(host.runtime, root)
        arrival = next(m for m in httpx.get(api + "/movies", headers=h).json() if m["year"] == 2016)
        patched = httpx.patch(
            f"{api}/movies/{arrival['id']}",
            json={"externalIds": {"tmdb": "", "trakt": "1234"}, "sortTitle": "Arrival"},
            headers=h,
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["external_ids"] == {"imdb": "tt2543164", "trakt": "1234"}
        assert patched.json()["edited_fields"] == ["external_ids", "sort_title"]
        bad = httpx.patch(
            f"{api}/movies/{arrival['id']}", json={"externalIds": {"bad name": "1"}}, headers=h
        )
        assert bad.status_code == 400 and "provider" in bad.json()["error"]["message"]

        # The user's own NFOs are kept unless overwrite; MediaDesk's are written.
        body = {"folder": str(root / "Movies")}
        refused = httpx.post(api + "/library/export-nfo", json=body)
        assert refused.status_code in (401, 403)
        report = httpx.post(api + "/library/export-nfo", json=body, headers=h).json()
        outcomes = {
            Path(f["path"]).relative_to(root).as_posix(): f["outcome"] for f in report["files"]
        }
        assert outcomes == {
            "Movies/Arrival (2016)/movie.nfo": "kept",
            "Movies/Up (2009)/movie.nfo": "written",
        }
        report = httpx.post(
            api + "/library/export-nfo", json={**body, "overwrite": True}, headers=h
        ).json()
        assert report["failed"] == 0 and report["kept"] == 0
        (doc,) = parse_nfo((root / "Movies/Arrival (2016)/movie.nfo").read_bytes())
        assert doc.ids == {"imdb": "tt2543164", "trakt": "1234"} and doc.sort_title == "Arrival"
