"""Which files beside a video are its NFO, poster and backdrop (Kodi/Jellyfin names)."""

from __future__ import annotations

from pathlib import PurePath

from mediadesk.domain.kodi import (
    album_cover,
    base_name,
    episode_nfo_path,
    is_movie_folder,
    is_sidecar_name,
    movie_nfo_path,
    season_of_folder,
    season_poster_name,
    show_folder,
    show_sidecars,
    tvshow_nfo_path,
    version_label,
    video_sidecars,
)

MOVIE = PurePath("/srv/Movies/Arrival (2016)")


def test_movie_folder_wide_names() -> None:
    names = ["Arrival (2016).mkv", "movie.nfo", "Poster.JPG", "fanart.jpg", "folder.jpg"]
    found = video_sidecars(MOVIE / "Arrival (2016).mkv", names, movie_folder=True)
    assert found.nfo == MOVIE / "movie.nfo"
    assert found.poster == MOVIE / "Poster.JPG"  # poster before folder, any case
    assert found.backdrop == MOVIE / "fanart.jpg"


def test_the_files_own_names_win() -> None:
    names = ["Arrival (2016).nfo", "movie.nfo", "Arrival (2016)-poster.png", "poster.jpg"]
    found = video_sidecars(MOVIE / "Arrival (2016).mkv", names, movie_folder=True)
    assert found.nfo == MOVIE / "Arrival (2016).nfo"
    assert found.poster == MOVIE / "Arrival (2016)-poster.png"
    assert found.backdrop is None


def test_versions_share_the_movies_names() -> None:
    names = [
        "Arrival (2016) - 4K.mkv",
        "Arrival (2016) - 1080p.mkv",
        "Arrival (2016).nfo",
        "Arrival (2016)-fanart.jpg",
    ]
    found = video_sidecars(MOVIE / "Arrival (2016) - 4K.mkv", names, movie_folder=True)
    assert found.nfo == MOVIE / "Arrival (2016).nfo"
    assert found.backdrop == MOVIE / "Arrival (2016)-fanart.jpg"
    assert base_name("Arrival (2016) - 4K") == "Arrival (2016)"
    assert version_label("Arrival (2016) - 4K") == "4K"
    assert version_label("Arrival (2016)") is None


def test_a_shared_folder_lends_no_folder_wide_names() -> None:
    folder = PurePath("/srv/Movies")
    names = ["Heat (1995).mkv", "Up (2009).mkv", "movie.nfo", "poster.jpg", "Up (2009).nfo"]
    heat = video_sidecars(folder / "Heat (1995).mkv", names, movie_folder=False)
    assert heat.nfo is None and heat.poster is None
    up = video_sidecars(folder / "Up (2009).mkv", names, movie_folder=False)
    assert up.nfo == folder / "Up (2009).nfo"


def test_show_and_season_art() -> None:
    show = PurePath("/srv/TV/Great Show")
    names = [
        "tvshow.nfo",
        "folder.jpg",
        "fanart.jpg",
        "season01-poster.jpg",
        "Season-Specials-Poster.png",
        "season-all-poster.jpg",
        "Season 01",
        "Season 02",
        "Specials",
    ]
    found = show_sidecars(show, names, {1: ["poster.jpg"], 2: ["Folder.jpg", "x.mkv"]})
    assert found.nfo == show / "tvshow.nfo"
    assert found.poster == show / "folder.jpg" and found.backdrop == show / "fanart.jpg"
    assert found.season_posters == {
        1: show / "season01-poster.jpg",  # the show folder's name wins over the season's own
        2: show / "Season 02" / "Folder.jpg",
        0: show / "Season-Specials-Poster.png",
    }


def test_folders_and_names() -> None:
    assert season_of_folder("Season 01") == 1 and season_of_folder("Specials") == 0
    assert season_of_folder("season_3") == 3 and season_of_folder("Extras") is None
    assert show_folder(PurePath("/tv/Show/Season 01/a.mkv")) == PurePath("/tv/Show")
    assert show_folder(PurePath("/tv/Show/a.mkv")) == PurePath("/tv/Show")
    assert season_poster_name(0) == "season-specials-poster.jpg"
    assert season_poster_name(3) == "season03-poster.jpg"


def test_sidecar_names() -> None:
    for name in [
        "movie.nfo",
        "x.NFO",
        "poster.jpg",
        "fanart.png",
        "season02-poster.jpg",
        "Arrival (2016)-poster.jpg",
        "folder.jpg",
    ]:
        assert is_sidecar_name(name), name
    for name in ["holiday.jpg", "Arrival (2016).mkv", "notes.txt", "IMG_2041.jpg"]:
        assert not is_sidecar_name(name), name


def test_movie_folders() -> None:
    assert is_movie_folder("Arrival (2016)", ["Arrival (2016) - 4K", "Arrival (2016) - 1080p"])
    assert is_movie_folder("Arrival (2016)", ["Arrival"])
    assert is_movie_folder("Heat (1995)", ["Heat.1995.4K"])
    assert not is_movie_folder("Movies", ["Heat (1995)"])
    assert not is_movie_folder("Movies", ["Heat (1995)", "Up (2009)"])
    assert not is_movie_folder("Up (2009)", [])


def test_where_nfos_are_written() -> None:
    video = MOVIE / "Arrival (2016) - 4K.mkv"
    assert movie_nfo_path(video, [video.name], movie_folder=True) == MOVIE / "movie.nfo"
    assert movie_nfo_path(video, [video.name], movie_folder=False) == MOVIE / "Arrival (2016).nfo"
    # The NFO the scan would read is the one rewritten.
    names = [video.name, "Arrival (2016) - 4K.nfo", "movie.nfo"]
    assert movie_nfo_path(video, names, movie_folder=True) == MOVIE / "Arrival (2016) - 4K.nfo"
    ep = PurePath("/tv/Show/Season 01/Show - S01E01 - Pilot.mkv")
    assert episode_nfo_path(ep, [ep.name]) == ep.with_suffix(".nfo")
    assert tvshow_nfo_path(PurePath("/tv/Show"), ["TVShow.NFO"]) == PurePath("/tv/Show/TVShow.NFO")
    assert tvshow_nfo_path(PurePath("/tv/Show"), []) == PurePath("/tv/Show/tvshow.nfo")


def test_a_song_takes_its_own_cover_then_the_album_folders() -> None:
    song = PurePath("/m/Band/Album/03 Song.flac")
    names = ["03 Song.flac", "front.png", "FOLDER.jpg", "cover.txt", "03 Song-cover.webp"]
    assert album_cover(song, names) == PurePath("/m/Band/Album/03 Song-cover.webp")
    assert album_cover(song, names[:4]) == PurePath("/m/Band/Album/FOLDER.jpg")
    assert album_cover(song, names[:2]) == PurePath("/m/Band/Album/front.png")
    assert album_cover(song, ["03 Song.flac", "cover.txt", "poster.gif"]) is None
