"""The catalogue through its two outer doors: the HTTP API and the ``mediadesk`` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.integration.test_cli import run
from tests.media import Clip, make_clip
from tests.serverkit import auth, serving, upload

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def named(media_dir: Path, tmp_path: Path, name: str, seed: str) -> Path:
    out = tmp_path / "in" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(make_clip(media_dir, Clip(duration=1.0, seed=seed)), out)
    return out


def test_api_edits_attachments_sort_and_playback_state(
    home: Path, media_dir: Path, tmp_path: Path
) -> None:
    with serving(workers=False) as host:
        api, h = host.url + "/api/v1", auth(host)
        # An upload with no catalogue fields attaches by its own guess; loose=true does not.
        movie_media = upload(host, named(media_dir, tmp_path, "Other.Movie.2019.mp4", "a"))
        loose = upload(host, named(media_dir, tmp_path, "The.Matrix.1999.mp4", "b"), loose="true")
        episode_media = upload(host, named(media_dir, tmp_path, "Show.S01E02.Seeds.mp4", "c"))
        movies = httpx.get(api + "/movies", headers=h).json()
        assert [(m["title"], m["year"]) for m in movies] == [("Other Movie", 2019)]
        movie = movies[0]
        assert movie["media_file_id"] == movie_media["mediaFileId"]

        edited = httpx.patch(
            f"{api}/movies/{movie['id']}",
            json={"title": "An Other Movie", "sortTitle": "Other"},
            headers=h,
        )
        assert edited.status_code == 200 and edited.json()["title"] == "An Other Movie"
        bad = httpx.patch(f"{api}/movies/{movie['id']}", json={"year": 1200}, headers=h)
        assert bad.status_code == 400 and "year" in bad.json()["error"]["message"]

        # Attach the loose file by title; the same title twice is a conflict until chosen.
        put = httpx.put(
            f"{api}/media/{loose['mediaFileId']}/attachment",
            json={"movie": "Matrix", "year": 1999},
            headers=h,
        )
        assert put.status_code == 200, put.text
        assert [
            m["title"]
            for m in httpx.get(api + "/movies", params={"sort": "title"}, headers=h).json()
        ] == ["Matrix", "An Other Movie"]
        assert [
            m["year"] for m in httpx.get(api + "/movies", params={"sort": "year"}, headers=h).json()
        ] == [2019, 1999]
        clash = httpx.put(
            f"{api}/media/{episode_media['mediaFileId']}/attachment",
            json={"movie": "Matrix", "year": 1999},
            headers=h,
        )
        assert clash.status_code == 409 and "keep both" in clash.json()["error"]["message"]

        upload(host, named(media_dir, tmp_path, "Show.S01E03.mp4", "d"))  # no episode title
        (series,) = httpx.get(api + "/series", headers=h).json()
        episode = series["seasons"][0]["episodes"][0]
        # The web page's cards: the episode's own name, its code beneath it (on the
        # show's own page the show goes without saying; on the shelves it is said).
        page = httpx.get(f"{api}/browse/series/{series['id']}", headers=h).json()
        cards = [(c["title"], c["subtitle"]) for c in page["seasons"][0]["episodes"]]
        assert cards == [("Seeds", "S01E02"), ("Episode 3", "S01E03")]
        shelves = httpx.get(f"{api}/browse/home", headers=h).json()
        recent = {c["title"]: c["subtitle"] for c in shelves["recentlyAdded"]}
        assert recent["Seeds"] == "Show · S01E02"
        assert (episode["number"], episode["title"]) == (2, "Seeds")
        patched = httpx.patch(
            f"{api}/episodes/{episode['id']}", json={"number": 1, "title": "Pilot"}, headers=h
        )
        assert patched.json()["number"] == 1 and patched.json()["title"] == "Pilot"
        shown = httpx.get(f"{api}/media/{episode_media['mediaFileId']}", headers=h).json()
        assert shown["display_title"] == "Show · S01E01 · Pilot"

        state_url = f"{api}/media-files/{episode_media['mediaFileId']}/playback-state"
        assert httpx.get(state_url, headers=h).json()["position_s"] == 0
        saved = httpx.put(state_url, json={"positionS": 2, "durationS": 100}, headers=h).json()
        assert saved["position_s"] == 0  # under five seconds: not worth resuming
        saved = httpx.put(state_url, json={"positionS": 30, "durationS": 100}, headers=h).json()
        assert saved["position_s"] == 30 and not saved["watched"]
        assert httpx.put(state_url, json={"positionS": 95, "durationS": 100}, headers=h).json()[
            "watched"
        ]
        assert httpx.put(state_url, json={"positionS": -1}, headers=h).status_code == 422

        detached = httpx.delete(f"{api}/media/{loose['mediaFileId']}/attachment", headers=h)
        assert detached.status_code == 204
        home_shelves = httpx.get(api + "/browse/home", headers=h).json()
        assert {c["title"] for c in home_shelves["other"]} == {"The.Matrix.1999.mp4"}
        assert [c["title"] for c in home_shelves["series"]] == ["Show"]


def test_cli_imports_by_guess_edits_attaches_and_shows_playback(
    home: Path, media_dir: Path, tmp_path: Path
) -> None:
    movie = named(media_dir, tmp_path, "Other.Movie.2019.mp4", "cli-a")
    episode = named(media_dir, tmp_path, "Garden.Show.S01E02.Seeds.mp4", "cli-b")
    loose = named(media_dir, tmp_path, "Night.Train.2021.mp4", "cli-c")
    out = run(home, "import", str(movie), "--json")
    assert out.returncode == 0, out.stderr
    movie_id = json.loads(out.stdout)["movie_id"]
    assert json.loads(out.stdout)["media"]["display_title"] == "Other Movie (2019)"
    episode_json = json.loads(run(home, "import", str(episode), "--json").stdout)
    loose_json = json.loads(run(home, "import", str(loose), "--loose", "--json").stdout)
    assert loose_json["movie_id"] is None and loose_json["media"]["catalogue"] is None

    assert (
        run(home, "movie", "edit", movie_id, "--title", "Other Film", "--year", "2018").returncode
        == 0
    )
    bad = run(home, "movie", "edit", movie_id, "--year", "3000")
    assert bad.returncode == 3 and "year" in bad.stderr
    assert (
        run(
            home, "episode", "edit", episode_json["episode_id"], "--number", "1", "--title", "Pilot"
        ).returncode
        == 0
    )
    attached = run(
        home,
        "media",
        "attach",
        loose_json["media"]["id"],
        "--series",
        "Garden Show",
        "--season",
        "1",
        "--episode",
        "2",
    )
    assert attached.returncode == 0, attached.stderr
    assert "Garden Show · S01E02" in attached.stdout
    listing = json.loads(run(home, "library", "list", "--json").stdout)
    assert [(m["title"], m["year"]) for m in listing["movies"]] == [("Other Film", 2018)]
    episodes = listing["series"][0]["seasons"][0]["episodes"]
    assert [(e["number"], e["title"]) for e in episodes] == [(1, "Pilot"), (2, None)]
    shown = json.loads(run(home, "media", "show", episode_json["media"]["id"], "--json").stdout)
    assert shown["display_title"] == "Garden Show · S01E01 · Pilot"
    assert shown["playback"] == {**shown["playback"], "position_s": 0, "watched": False}
    assert run(home, "media", "detach", loose_json["media"]["id"]).returncode == 0
    human = run(home, "library", "list").stdout
    assert "Other Film (2018)" in human and "S01E01 Pilot" in human
