"""NFO files as Kodi and Jellyfin write them, old and new, and hostile ones."""

from __future__ import annotations

from datetime import date

import pytest

from mediadesk.domain.nfo import (
    MAX_NFO_BYTES,
    NfoDocument,
    NfoKind,
    merge_episodes,
    parse_nfo,
    render_nfo,
    written_by_us,
)
from mediadesk.errors import ErrorCode, InvalidInput

JELLYFIN_MOVIE = b"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<movie>
  <plot><![CDATA[A linguist works with the military to talk to aliens.]]></plot>
  <title>Arrival</title>
  <originaltitle>Story of Your Life</originaltitle>
  <sorttitle>Arrival 1</sorttitle>
  <year>2016</year>
  <premiered>2016-11-10</premiered>
  <genre>Drama</genre>
  <genre>Science Fiction / Mystery</genre>
  <uniqueid type="tmdb" default="true">329865</uniqueid>
  <uniqueid type="imdb">tt2543164</uniqueid>
</movie>
"""

OLD_KODI_MOVIE = """<?xml version="1.0" encoding="ISO-8859-1"?>
<movie>
  <title>Am\xe9lie</title>
  <id>tt0211915</id>
  <tmdbid>194</tmdbid>
  <premiered>2001-04-25</premiered>
</movie>
""".encode("latin-1")

TVSHOW = b"""<tvshow><title>Great Show</title><year>2010</year><plot>Gardens.</plot>
<uniqueid type="tvdb">81189</uniqueid><id>81189</id><genre>Documentary</genre></tvshow>"""

DOUBLE_EPISODE = b"""<?xml version="1.0" encoding="UTF-8"?>
<episodedetails><title>Two Parter (1)</title><season>1</season><episode>2</episode>
<aired>2010-03-01</aired><uniqueid type="tvdb">111</uniqueid></episodedetails>
<episodedetails><title>Two Parter (2)</title><season>1</season><episode>3</episode>
</episodedetails>
"""


def test_jellyfin_movie() -> None:
    (doc,) = parse_nfo(JELLYFIN_MOVIE)
    assert doc == NfoDocument(
        kind=NfoKind.MOVIE,
        title="Arrival",
        original_title="Story of Your Life",
        sort_title="Arrival 1",
        year=2016,
        plot="A linguist works with the military to talk to aliens.",
        genres=("Drama", "Science Fiction", "Mystery"),
        ids={"tmdb": "329865", "imdb": "tt2543164"},
        aired=date(2016, 11, 10),
    )


def test_old_kodi_movie_in_latin_1_with_legacy_ids() -> None:
    (doc,) = parse_nfo(OLD_KODI_MOVIE)
    assert doc.title == "Amélie"
    assert doc.year == 2001  # from <premiered>
    assert doc.ids == {"imdb": "tt0211915", "tmdb": "194"}


def test_tvshow_legacy_id_is_tvdb() -> None:
    (doc,) = parse_nfo(TVSHOW)
    assert (doc.kind, doc.title, doc.year, doc.genres) == (
        NfoKind.TVSHOW,
        "Great Show",
        2010,
        ("Documentary",),
    )
    assert doc.ids == {"tvdb": "81189"}


def test_multi_episode_file_has_one_block_per_episode() -> None:
    docs = parse_nfo(DOUBLE_EPISODE)
    assert [(d.season, d.episode) for d in docs] == [(1, 2), (1, 3)]
    merged = merge_episodes(docs)
    assert (merged.title, merged.episode, merged.end_episode) == ("Two Parter (1)", 2, 3)
    assert merged.aired == date(2010, 3, 1) and merged.ids == {"tvdb": "111"}


def test_a_link_is_an_nfo_too() -> None:
    (doc,) = parse_nfo(b"https://www.imdb.com/title/tt2543164/\n")
    assert doc.ids == {"imdb": "tt2543164"} and doc.title is None
    (tmdb,) = parse_nfo(b"see https://www.themoviedb.org/movie/329865-arrival")
    assert tmdb.ids == {"tmdb": "329865"}
    # Kodi allows the link after the XML.
    (both,) = parse_nfo(b"<movie><title>Arrival</title></movie>\nhttps://imdb.com/title/tt2543164")
    assert both.title == "Arrival"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE movie [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<movie><title>&c;</title></movie>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE movie [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<movie><title>&secret;</title></movie>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE movie [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/x.dtd"> %remote;]>
<movie><title>x</title></movie>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, PARAMETER_ENTITY])
def test_entities_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_nfo(data, "movie.nfo")
    assert err.value.code == ErrorCode.INVALID_NFO
    assert err.value.message == "movie.nfo declares XML entities, which NFO files never need"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"<movie><title>Broken</movie>", "not well-formed"),
        (b"<album><title>Songs</title></album>", "not a movie"),
        (b"Release by GROUP, greetings to ...", "neither NFO XML"),
        (b"<movie>" + b" " * MAX_NFO_BYTES + b"</movie>", "larger than"),
    ],
)
def test_bad_nfos_say_why(data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_nfo(data, "x.nfo")
    assert err.value.code == ErrorCode.INVALID_NFO and says in err.value.message


def test_written_nfos_read_back_the_same() -> None:
    doc = NfoDocument(
        kind=NfoKind.MOVIE,
        title="Amélie & <Friends>",
        original_title="Le Fabuleux Destin d'Amélie Poulain",
        sort_title="Amelie",
        year=2001,
        plot="Paris.\nTwo lines.",
        genres=("Comedy", "Romance"),
        ids={"imdb": "tt0211915", "tmdb": "194"},
        aired=date(2001, 4, 25),
    )
    data = render_nfo(doc)
    assert parse_nfo(data) == [doc]
    assert written_by_us(data)


def test_written_double_episode_reads_back_as_one() -> None:
    doc = NfoDocument(
        kind=NfoKind.EPISODE,
        title="Two Parter",
        season=1,
        episode=2,
        end_episode=3,
        show_title="Great Show",
        ids={"tvdb": "111"},
    )
    docs = parse_nfo(render_nfo(doc))
    assert len(docs) == 2
    assert merge_episodes(docs) == doc


def test_an_edited_or_foreign_nfo_is_not_ours() -> None:
    data = render_nfo(NfoDocument(kind=NfoKind.TVSHOW, title="Great Show"))
    assert written_by_us(data)
    assert not written_by_us(data.replace(b"Great Show", b"Great Show (US)"))
    assert not written_by_us(JELLYFIN_MOVIE)
