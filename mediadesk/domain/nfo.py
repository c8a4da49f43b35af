"""Kodi/Jellyfin NFO files: read (untrusted) and write (marked as ours).

An NFO is XML beside the media: ``movie.nfo`` (root ``<movie>``), ``tvshow.nfo``
(``<tvshow>``), ``<episode>.nfo`` (``<episodedetails>``, one block per episode of a
multi-episode file, so the file has several roots). Older files name ids in ``<id>``,
``<imdbid>``, ``<tmdbid>``, ``<tvdbid>``; newer ones in ``<uniqueid type="...">``. Some
"NFOs" are a single URL (an IMDb or TMDB page): its id is all they say.

NFOs come from anywhere (downloads, other people's disks), so parsing refuses entity
declarations and external entities outright (the billion-laughs and XXE attacks need
one or the other) and files over :data:`MAX_NFO_BYTES`. This is what defusedxml does,
with expat's own handlers instead of a dependency.

What MediaDesk writes starts with a comment holding the SHA-256 of the rest of the
file (:func:`written_by_us`): an NFO whose digest still matches is ours to rewrite;
one without it, or one the user edited since, is the user's and is left alone.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from xml.parsers import expat

from mediadesk.errors import ErrorCode, InvalidInput

MAX_NFO_BYTES = 1024 * 1024  # real NFOs are a few KiB; a bigger one is not metadata
MAX_FIELD_CHARS = 20_000  # a plot longer than this is cut, not refused


class NfoKind(StrEnum):
    MOVIE = "movie"
    TVSHOW = "tvshow"
    EPISODE = "episodedetails"


@dataclass(frozen=True)
class NfoDocument:
    """What one NFO says; ``None``/empty for what it does not say."""

    kind: NfoKind
    title: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    year: int | None = None
    plot: str | None = None
    genres: tuple[str, ...] = ()
    ids: dict[str, str] = field(default_factory=dict)  # provider -> id: tmdb, imdb, tvdb
    season: int | None = None  # episodes
    episode: int | None = None
    end_episode: int | None = None  # a multi-episode file's last episode
    aired: date | None = None  # episodes: first aired; movies: premiered
    show_title: str | None = None  # episodes: the series they belong to


def nfo_error(message: str) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.INVALID_NFO)


# Reading -------------------------------------------------------------------------------

_ROOTS = {k.value: k for k in NfoKind}
_URL_IDS = [
    ("imdb", re.compile(r"imdb\.com/title/(tt\d{5,10})")),
    ("tmdb", re.compile(r"themoviedb\.org/(?:movie|tv)/(\d{1,10})")),
    ("tvdb", re.compile(r"thetvdb\.com/\S*?(?:series|id)[/=](\d{1,10})")),
]
_BARE_IMDB = re.compile(r"\b(tt\d{7,10})\b")
_PROVIDER = re.compile(r"^[a-z0-9_.-]{1,32}$")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


class _Forbidden(Exception):
    """An entity declaration or external entity: the file is refused, not read."""


def _forbid(*_args: object) -> None:
    raise _Forbidden


def _forbid_ref(*_args: object) -> int:
    raise _Forbidden


def _expat_tree(text: str) -> ET.Element:
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid_ref
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.Parse(text, True)
    return builder.close()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _ENCODING.match(data)
    try:
        return data.decode(m.group(1).decode() if m else "utf-8")
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def _roots(text: str) -> list[ET.Element]:
    """The document's root elements: several for a multi-episode file."""
    body = _DECLARATION.sub("", text, count=1)
    try:
        return [_expat_tree(body)]
    except expat.ExpatError as first:
        # Several roots, or a URL line after the XML (Kodi allows both): parse them
        # inside one wrapper element. A DOCTYPE cannot sit inside it; that file then
        # fails with the first error, as it would have anyway.
        try:
            return list(_expat_tree(f"<mediadesk-nfo>{body}</mediadesk-nfo>"))
        except expat.ExpatError:
            raise first from None


def parse_nfo(data: bytes, name: str = "NFO") -> list[NfoDocument]:
    """Every document in an NFO file (one, or one per episode of a multi-episode file).

    Raises ``InvalidInput`` (``INVALID_NFO``) for a file that is too big, holds entity
    declarations, or says nothing we can read.
    """
    if len(data) > MAX_NFO_BYTES:
        raise nfo_error(f"{name} is larger than {MAX_NFO_BYTES // 1024} KiB; not an NFO")
    text = _decode(data)
    if "<" not in text:
        return [_from_url(text, name)]
    try:
        roots = _roots(text)
    except _Forbidden:
        raise nfo_error(f"{name} declares XML entities, which NFO files never need") from None
    except expat.ExpatError as exc:
        if re.search(r"<\s*(movie|tvshow|episodedetails)\b", text):
            raise nfo_error(f"{name} is not well-formed XML ({exc})") from None
        return [_from_url(text, name)]
    docs = [_document(root) for root in roots if root.tag in _ROOTS]
    if not docs:
        tags = ", ".join(sorted({r.tag for r in roots})) or "nothing"
        raise nfo_error(f"{name} holds {tags}, not a movie, tvshow or episodedetails")
    return docs


def _from_url(text: str, name: str) -> NfoDocument:
    ids = {provider: m.group(1) for provider, rx in _URL_IDS if (m := rx.search(text))}
    if "imdb" not in ids and (bare := _BARE_IMDB.search(text)):
        ids["imdb"] = bare.group(1)
    if not ids:
        raise nfo_error(f"{name} is neither NFO XML nor a link to a movie or show page")
    return NfoDocument(NfoKind.MOVIE, ids=ids)


def _text(root: ET.Element, tag: str) -> str | None:
    node = root.find(tag)
    if node is None:
        return None
    value = "".join(node.itertext()).strip()
    return value[:MAX_FIELD_CHARS] or None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.match(r"^\s*(-?\d{1,6})", value)
    return int(m.group(1)) if m else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10]) if value else None
    except ValueError:
        return None


def _ids(root: ET.Element, kind: NfoKind) -> dict[str, str]:
    ids: dict[str, str] = {}
    for tag, provider in (("imdbid", "imdb"), ("tmdbid", "tmdb"), ("tvdbid", "tvdb")):
        if value := _text(root, tag):
            ids[provider] = value
    legacy = _text(root, "id")
    if legacy:
        if legacy.startswith("tt"):
            ids.setdefault("imdb", legacy)
        elif legacy.isdigit():
            # Kodi's scrapers wrote the scraper's own id here: TVDB for shows and
            # episodes, TMDB for movies.
            ids.setdefault("tmdb" if kind == NfoKind.MOVIE else "tvdb", legacy)
    # <uniqueid> is the current form and wins over the older tags.
    for node in root.findall("uniqueid"):
        provider = (node.get("type") or "").strip().lower()
        value = "".join(node.itertext()).strip()
        if provider == "themoviedb":
            provider = "tmdb"
        if _PROVIDER.match(provider) and value and len(value) <= 128:
            ids[provider] = value
    return ids


def _document(root: ET.Element) -> NfoDocument:
    kind = _ROOTS[root.tag]
    aired = _date(_text(root, "aired") or _text(root, "premiered"))
    year = _int(_text(root, "year"))
    if year is None and aired is not None:
        year = aired.year
    genres: list[str] = []
    for node in root.findall("genre"):
        # Some writers put "Drama / Comedy" in one tag.
        genres.extend(g.strip() for g in re.split(r"\s*/\s*", "".join(node.itertext())))
    return NfoDocument(
        kind=kind,
        title=_text(root, "title"),
        original_title=_text(root, "originaltitle"),
        sort_title=_text(root, "sorttitle"),
        year=year,
        plot=_text(root, "plot") or _text(root, "outline"),
        genres=tuple(dict.fromkeys(g for g in genres if g)),
        ids=_ids(root, kind),
        season=_int(_text(root, "season")),
        episode=_int(_text(root, "episode")),
        aired=aired,
        show_title=_text(root, "showtitle"),
    )


def merge_episodes(docs: list[NfoDocument]) -> NfoDocument:
    """One document for a multi-episode file: the first's fields, the last's number."""
    first = docs[0]
    numbers = [d.episode for d in docs if d.episode is not None]
    end = max(numbers) if len(numbers) > 1 else None
    return replace(first, end_episode=end if end != first.episode else None)


# Writing -------------------------------------------------------------------------------

_MARK = "<!-- Written by MediaDesk; edit it and MediaDesk leaves it alone. sha256:"
_MARK_LINE = re.compile(r"^<!-- Written by MediaDesk;[^\n]*sha256:([0-9a-f]{64}) -->\n", re.M)
_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _element(doc: NfoDocument, episode: int | None = None) -> ET.Element:
    root = ET.Element(doc.kind.value)

    def add(tag: str, value: object | None, **attrs: str) -> None:
        if value is not None and value != "":
            ET.SubElement(root, tag, attrs).text = str(value)

    add("title", doc.title)
    add("originaltitle", doc.original_title)
    add("sorttitle", doc.sort_title)
    add("showtitle", doc.show_title)
    add("season", doc.season)
    add("episode", episode if episode is not None else doc.episode)
    add("year", doc.year)
    add("plot", doc.plot)
    for genre in doc.genres:
        add("genre", genre)
    add("aired" if doc.kind == NfoKind.EPISODE else "premiered", doc.aired)
    for n, (provider, value) in enumerate(sorted(doc.ids.items())):
        add("uniqueid", value, type=provider, default="true" if n == 0 else "false")
    ET.indent(root)
    return root


def render_nfo(doc: NfoDocument) -> bytes:
    """The NFO MediaDesk writes for ``doc``: one block per episode of a double episode."""
    if doc.kind == NfoKind.EPISODE and doc.end_episode is not None and doc.episode is not None:
        numbers = range(doc.episode, doc.end_episode + 1)
        blocks = [_element(doc, n) for n in numbers]
    else:
        blocks = [_element(doc)]
    body = "\n".join(ET.tostring(b, encoding="unicode") for b in blocks) + "\n"
    digest = hashlib.sha256(body.encode()).hexdigest()
    return (_HEADER + f"{_MARK}{digest} -->\n" + body).encode()


def written_by_us(data: bytes) -> bool:
    """Whether MediaDesk wrote this NFO and nobody has changed it since."""
    text = data.decode("utf-8", errors="replace")
    m = _MARK_LINE.search(text)
    if m is None:
        return False
    body = text[m.end() :]
    return hashlib.sha256(body.encode()).hexdigest() == m.group(1)
