"""File-name guesses that pre-fill the import dialog."""

import pytest

from mediadesk.services.catalogue import EpisodeTarget, MovieTarget
from mediadesk.services.naming import GuessKind, NameGuess, clean_title, guess_from_name


@pytest.mark.parametrize(
    ("path", "series", "season", "episode", "episode_title"),
    [
        ("Show.S02E05.mkv", "Show", 2, 5, None),
        (
            "/media/in/The.Expanse.S03E11.Abaddons.Gate.1080p.WEB-DL.x264.mkv",
            "The Expanse",
            3,
            11,
            "Abaddons Gate",
        ),
        ("my_show_s1e2_pilot.mp4", "my show", 1, 2, "pilot"),
        ("Show S02 E05 - The Title.mp4", "Show", 2, 5, "The Title"),
        ("Doctor.Who.2005.S10E01E02.mkv", "Doctor Who 2005", 10, 1, None),
        ("Firefly 1x03 Bushwhacked.avi", "Firefly", 1, 3, "Bushwhacked"),
        ("Show - Season 2 Episode 7.mkv", "Show", 2, 7, None),
        ("/tv/Great Show/Season 02/05 - Homecoming.mkv", "Great Show", 2, 5, "Homecoming"),
        ("/tv/Great Show/S3/E07.mkv", "Great Show", 3, 7, None),
        ("/tv/Great Show/Season 1/S01E04.mkv", "Great Show", 1, 4, None),
    ],
)
def test_episodes(
    path: str, series: str, season: int, episode: int, episode_title: str | None
) -> None:
    guess = guess_from_name(path)
    assert guess == NameGuess(GuessKind.EPISODE, series, season, episode, episode_title)
    assert guess.target() == EpisodeTarget(series, season, episode, episode_title)


@pytest.mark.parametrize(
    ("path", "title", "year"),
    [
        ("The.Matrix.1999.1080p.BluRay.x264.mkv", "The Matrix", 1999),
        ("Arrival (2016).mp4", "Arrival", 2016),
        ("2001 A Space Odyssey 1968.mkv", "2001 A Space Odyssey", 1968),
        ("Charlotte's Web (1973) [720p].mkv", "Charlotte's Web", 1973),
    ],
)
def test_movies(path: str, title: str, year: int) -> None:
    guess = guess_from_name(path)
    assert (guess.kind, guess.title, guess.year) == (GuessKind.MOVIE, title, year)
    assert guess.target() == MovieTarget(title)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("clip-1920x1080.mp4", "clip-1920x1080"),
        ("IMG_2041.jpg", "IMG 2041"),
        ("holiday video.mov", "holiday video"),
        ("/music/track 01.flac", "track 01"),
    ],
)
def test_unknown_names_suggest_nothing(path: str, title: str) -> None:
    guess = guess_from_name(path)
    assert guess.kind == GuessKind.UNKNOWN and guess.title == title
    assert guess.target() is None


def test_clean_title_drops_group_tags_and_separators() -> None:
    assert clean_title("[Group] Some_Show.") == "Some Show"
    assert clean_title("  -  ") == ""
