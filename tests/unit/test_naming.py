"""Guessing entries from real-world file and folder names (guessit plus our rules).

The corpus: release names of movies and episodes, double episodes, date-based
shows, anime absolute numbers, folders that carry the series and season, container
tags, and names that must stay unattached (photos, songs, camera files).
"""

from __future__ import annotations

from datetime import date

import pytest

from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.naming import GuessKind, NameGuess, guess_from_name

E = GuessKind.EPISODE
M = GuessKind.MOVIE
U = GuessKind.UNKNOWN

# (path, kind, title, year, season, episode)
CORPUS: list[tuple[str, GuessKind, str, int | None, int | None, int | None]] = [
    # Movies
    ("Movie Title (2019).mkv", M, "Movie Title", 2019, None, None),
    ("Movie.Title.2019.1080p.BluRay.x264.mkv", M, "Movie Title", 2019, None, None),
    ("Other.Movie.2019.mp4", M, "Other Movie", 2019, None, None),
    ("The.Matrix.1999.1080p.BluRay.x264-GROUP.mkv", M, "The Matrix", 1999, None, None),
    ("Arrival (2016).mp4", M, "Arrival", 2016, None, None),
    (
        "2001.A.Space.Odyssey.1968.REMASTERED.1080p.BluRay.x265.mkv",
        M,
        "2001 A Space Odyssey",
        1968,
        None,
        None,
    ),
    ("Charlotte's Web (1973) [720p].mkv", M, "Charlotte's Web", 1973, None, None),
    (
        "Blade.Runner.2049.2017.2160p.UHD.BluRay.REMUX.HDR.HEVC.Atmos-EPSiLON.mkv",
        M,
        "Blade Runner 2049",
        2017,
        None,
        None,
    ),
    ("/films/Amelie (2001)/Amelie (2001) - 1080p.mkv", M, "Amelie", 2001, None, None),
    ("Parasite.2019.KOREAN.1080p.WEBRip.x264-VXT.mp4", M, "Parasite", 2019, None, None),
    ("Inception.2010.720p.BrRip.x264.YIFY.mp4", M, "Inception", 2010, None, None),
    ("Spirited Away (2001) [BluRay] [1080p] [YTS.AM].mp4", M, "Spirited Away", 2001, None, None),
    ("Alien.1979.Directors.Cut.DVDRip.XviD-DEiTY.avi", M, "Alien", 1979, None, None),
    ("/movies/Heat (1995)/Heat.1995.4K.mkv", M, "Heat", 1995, None, None),
    ("Dune.Part.Two.2024.WEB-DL.1080p.H264.mkv", M, "Dune Part Two", 2024, None, None),
    ("Nosferatu.1922.mkv", M, "Nosferatu", 1922, None, None),
    # Episodes
    ("Show.S01E02.Episode.Title.mkv", E, "Show", None, 1, 2),
    ("Show - 1x02 - Title.mkv", E, "Show", None, 1, 2),
    ("Garden.Show.S01E01.Pilot.mp4", E, "Garden Show", None, 1, 1),
    ("The.Expanse.S03E11.Abaddons.Gate.1080p.WEB-DL.x264.mkv", E, "The Expanse", None, 3, 11),
    ("Firefly 1x03 Bushwhacked.avi", E, "Firefly", None, 1, 3),
    ("my_show_s1e2_pilot.mp4", E, "my show", None, 1, 2),
    ("Show S02 E05 - The Title.mp4", E, "Show", None, 2, 5),
    ("Breaking.Bad.S05E14.Ozymandias.720p.HDTV.x264-IMMERSE.mkv", E, "Breaking Bad", None, 5, 14),
    ("game.of.thrones.s08e03.1080p.web.h264-memento.mkv", E, "game of thrones", None, 8, 3),
    ("Doctor.Who.2005.S10E01.The.Pilot.mkv", E, "Doctor Who", 2005, 10, 1),
    ("The Office (US) - S02E01 - The Dundies.mkv", E, "The Office (US)", None, 2, 1),
    ("The.Office.UK.S01E01.mkv", E, "The Office (UK)", None, 1, 1),
    ("/tv/Shameless (US)/Season 01/Shameless (US) - S01E01.mkv", E, "Shameless (US)", None, 1, 1),
    ("Sherlock.S00E01.A.Study.in.Pink.Unaired.Pilot.mkv", E, "Sherlock", None, 0, 1),
    # Double episodes
    ("Show S01E02E03.mkv", E, "Show", None, 1, 2),
    ("Friends.S01E16-E17.The.One.With.Two.Parts.mkv", E, "Friends", None, 1, 16),
    ("Lost.S01E01E02.Pilot.720p.mkv", E, "Lost", None, 1, 1),
    # Folders carry the series and season
    ("/tv/Great Show/Season 02/05 - Homecoming.mkv", E, "Great Show", None, 2, 5),
    ("/tv/Great Show/S3/E07.mkv", E, "Great Show", None, 3, 7),
    ("/tv/Great Show/Season 1/S01E04.mkv", E, "Great Show", None, 1, 4),
    (
        "/tv/Planet Earth/Season 01/Planet Earth - S01E03 - Mountains.mkv",
        E,
        "Planet Earth",
        None,
        1,
        3,
    ),
    # Date-based shows: the year is the season, MMDD the episode
    ("The.Daily.Show.2019.03.14.Guest.Name.720p.mkv", E, "The Daily Show", None, 2019, 314),
    ("Last.Week.Tonight.2021.11.07.1080p.WEB.h264.mkv", E, "Last Week Tonight", None, 2021, 1107),
    ("/tv/Newshour/Newshour 2020-01-15.mp4", E, "Newshour", None, 2020, 115),
    # Anime: absolute episode numbers, one season
    ("[HorribleSubs] One Piece - 1015 [1080p].mkv", E, "One Piece", None, 1, 1015),
    ("[SubsPlease] Frieren - 12 (1080p) [ABCD1234].mkv", E, "Frieren", None, 1, 12),
    ("[Erai-raws] Shingeki no Kyojin - 75 [720p].mkv", E, "Shingeki no Kyojin", None, 1, 75),
    # Not catalogued: photos, songs, camera and screen recordings
    ("IMG_2041.jpg", U, "IMG 2041", None, None, None),
    ("/music/track 01.flac", U, "track 01", None, None, None),
    ("podcast-episode-12.m4a", U, "podcast-episode-12", None, None, None),
    ("Poster artwork.jpg", U, "Poster artwork", None, None, None),
    ("holiday video.mov", U, "holiday video", None, None, None),
    ("Interview raw take.mov", U, "Interview raw take", None, None, None),
]


@pytest.mark.parametrize(("path", "kind", "title", "year", "season", "episode"), CORPUS)
def test_corpus(
    path: str,
    kind: GuessKind,
    title: str,
    year: int | None,
    season: int | None,
    episode: int | None,
) -> None:
    g = guess_from_name(path)
    assert (g.kind, g.title, g.season, g.episode) == (kind, title, season, episode), g
    if year is not None:
        assert g.year == year, g


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40


def test_double_episodes_end_where_they_end() -> None:
    assert guess_from_name("Show S01E02E03.mkv").end_episode == 3
    assert guess_from_name("Friends.S01E16-E17.mkv").end_episode == 17
    assert guess_from_name("Show.S01E02.mkv").end_episode is None


def test_episode_titles_dates_and_versions() -> None:
    g = guess_from_name("Show.S01E02.Episode.Title.mkv")
    assert g.episode_title == "Episode Title"
    daily = guess_from_name("The.Daily.Show.2019.03.14.Guest.Name.720p.mkv")
    assert daily.air_date == date(2019, 3, 14) and daily.version == "720p"
    assert guess_from_name("Heat.1995.2160p.mkv").version == "4K"


def test_targets() -> None:
    assert guess_from_name("Other.Movie.2019.mp4").target() == MovieTarget("Other Movie", year=2019)
    assert guess_from_name("Show S01E02E03.mkv").target() == EpisodeTarget(
        "Show", 1, 2, None, end_episode=3
    )
    assert guess_from_name("IMG_2041.jpg").target() is None


def test_container_tags_win_over_a_poor_name() -> None:
    tags = {"show": "Garden Show", "season_number": "1", "episode_sort": "3", "title": "Roots"}
    g = guess_from_name("VID_0001.mp4", tags)
    assert g == NameGuess(E, "Garden Show", season=1, episode=3, episode_title="Roots")
    movie = guess_from_name("capture.mp4", {"title": "Night Train", "date": "2021-05-01"})
    assert (movie.kind, movie.title, movie.year) == (M, "Night Train", 2021)


# The Kodi/Jellyfin layout, as their users have it on disk: (path, kind, title, year,
# season, episode, end episode, episode title, version)
KODI_TREE = [
    ("Movies/Arrival (2016)/Arrival (2016).mkv", M, "Arrival", 2016, None, None, None, None, None),
    (
        "Movies/Arrival (2016)/Arrival (2016) - 1080p.mkv",
        M,
        "Arrival",
        2016,
        None,
        None,
        None,
        None,
        "1080p",
    ),
    (
        "Movies/Arrival (2016)/Arrival (2016) - 4K.mkv",
        M,
        "Arrival",
        2016,
        None,
        None,
        None,
        None,
        "4K",
    ),
    (
        "Movies/Arrival (2016)/Arrival (2016) - 2160p.mkv",
        M,
        "Arrival",
        2016,
        None,
        None,
        None,
        None,
        "4K",
    ),
    (
        "Movies/Arrival (2016)/Arrival (2016) - Director's Cut.mkv",
        M,
        "Arrival",
        2016,
        None,
        None,
        None,
        None,
        "Director's Cut",
    ),
    ("Movies/Up (2009)/movie.mkv", M, "Up", 2009, None, None, None, None, None),
    (
        "TV/Great Show/Season 01/Great Show - S01E01 - Pilot.mkv",
        E,
        "Great Show",
        None,
        1,
        1,
        None,
        "Pilot",
        None,
    ),
    (
        "TV/Great Show (2010)/Season 01/Great Show (2010) - S01E01 - Pilot.mkv",
        E,
        "Great Show",
        2010,
        1,
        1,
        None,
        "Pilot",
        None,
    ),
    (
        "TV/Great Show/Specials/Great Show - S00E01 - Making Of.mkv",
        E,
        "Great Show",
        None,
        0,
        1,
        None,
        "Making Of",
        None,
    ),
    (
        "TV/Great Show/Season 00/Great Show - S00E02 - Bloopers.mkv",
        E,
        "Great Show",
        None,
        0,
        2,
        None,
        "Bloopers",
        None,
    ),
    (
        "TV/Great Show/Season 01/Great Show - S01E02-E03 - Two Parter.mkv",
        E,
        "Great Show",
        None,
        1,
        2,
        3,
        "Two Parter",
        None,
    ),
    (
        "TV/Great Show/Season 01/Great Show - S01E04E05 - Twice.mkv",
        E,
        "Great Show",
        None,
        1,
        4,
        5,
        "Twice",
        None,
    ),
    ("TV/Great Show/Season 02/S02E01.mkv", E, "Great Show", None, 2, 1, None, None, None),
    ("TV/Great Show/Specials/Episode 3.mkv", E, "Great Show", None, 0, 3, None, None, None),
]


@pytest.mark.parametrize(
    ("path", "kind", "title", "year", "season", "episode", "end", "episode_title", "version"),
    KODI_TREE,
)
def test_kodi_and_jellyfin_layouts(
    path: str,
    kind: GuessKind,
    title: str,
    year: int | None,
    season: int | None,
    episode: int | None,
    end: int | None,
    episode_title: str | None,
    version: str | None,
) -> None:
    g = guess_from_name(f"/srv/media/{path}")
    got = (g.kind, g.title, g.year, g.season, g.episode, g.end_episode, g.episode_title, g.version)
    assert got == (kind, title, year, season, episode, end, episode_title, version), g


def test_two_versions_name_one_movie() -> None:
    hd = guess_from_name("/m/Arrival (2016)/Arrival (2016) - 1080p.mkv").target()
    uhd = guess_from_name("/m/Arrival (2016)/Arrival (2016) - 4K.mkv").target()
    assert isinstance(hd, MovieTarget) and isinstance(uhd, MovieTarget)
    assert (hd.title, hd.year) == (uhd.title, uhd.year) == ("Arrival", 2016)
    assert (hd.version, uhd.version) == ("1080p", "4K")
