"""Languages of audio and subtitle tracks: one place for codes and names.

Containers tag streams with ISO 639-2 codes (``eng``, ``fre``/``fra``, ``ger``/``deu``)
or sometimes ISO 639-1 (``en``); HLS wants an RFC 5646 tag (``en``, ``fr``, ``pt-BR``)
and players show a name. Tracks are named in their own language ("Français",
"Deutsch"), as Apple and most streaming services do, so that a French speaker finds
French in a menu whatever the interface language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mediadesk.domain.vocabulary import TRACK_FLAG_WORDS, UNKNOWN_LANGUAGE


@dataclass(frozen=True)
class Language:
    tag: str  # ISO 639-1 where there is one (RFC 5646 primary subtag)
    alpha3: tuple[str, ...]  # ISO 639-2 bibliographic and terminology codes
    english: str
    native: str


_TABLE = (
    Language("en", ("eng",), "English", "English"),
    Language("fr", ("fre", "fra"), "French", "Français"),
    Language("de", ("ger", "deu"), "German", "Deutsch"),
    Language("es", ("spa",), "Spanish", "Español"),
    Language("it", ("ita",), "Italian", "Italiano"),
    Language("pt", ("por",), "Portuguese", "Português"),
    Language("nl", ("dut", "nld"), "Dutch", "Nederlands"),
    Language("sv", ("swe",), "Swedish", "Svenska"),
    Language("da", ("dan",), "Danish", "Dansk"),
    Language("no", ("nor",), "Norwegian", "Norsk"),
    Language("nb", ("nob",), "Norwegian Bokmål", "Norsk bokmål"),
    Language("nn", ("nno",), "Norwegian Nynorsk", "Norsk nynorsk"),
    Language("fi", ("fin",), "Finnish", "Suomi"),
    Language("is", ("ice", "isl"), "Icelandic", "Íslenska"),
    Language("pl", ("pol",), "Polish", "Polski"),
    Language("cs", ("cze", "ces"), "Czech", "Čeština"),
    Language("sk", ("slo", "slk"), "Slovak", "Slovenčina"),
    Language("sl", ("slv",), "Slovenian", "Slovenščina"),
    Language("hr", ("hrv",), "Croatian", "Hrvatski"),
    Language("sr", ("srp",), "Serbian", "Српски"),
    Language("bs", ("bos",), "Bosnian", "Bosanski"),
    Language("hu", ("hun",), "Hungarian", "Magyar"),
    Language("ro", ("rum", "ron"), "Romanian", "Română"),
    Language("bg", ("bul",), "Bulgarian", "Български"),
    Language("el", ("gre", "ell"), "Greek", "Ελληνικά"),
    Language("ru", ("rus",), "Russian", "Русский"),
    Language("uk", ("ukr",), "Ukrainian", "Українська"),
    Language("be", ("bel",), "Belarusian", "Беларуская"),
    Language("et", ("est",), "Estonian", "Eesti"),
    Language("lv", ("lav",), "Latvian", "Latviešu"),
    Language("lt", ("lit",), "Lithuanian", "Lietuvių"),
    Language("tr", ("tur",), "Turkish", "Türkçe"),
    Language("ar", ("ara",), "Arabic", "العربية"),
    Language("he", ("heb",), "Hebrew", "עברית"),
    Language("fa", ("per", "fas"), "Persian", "فارسی"),
    Language("hi", ("hin",), "Hindi", "हिन्दी"),
    Language("bn", ("ben",), "Bengali", "বাংলা"),
    Language("ta", ("tam",), "Tamil", "தமிழ்"),
    Language("te", ("tel",), "Telugu", "తెలుగు"),
    Language("ur", ("urd",), "Urdu", "اردو"),
    Language("th", ("tha",), "Thai", "ไทย"),
    Language("vi", ("vie",), "Vietnamese", "Tiếng Việt"),
    Language("id", ("ind",), "Indonesian", "Bahasa Indonesia"),
    Language("ms", ("may", "msa"), "Malay", "Bahasa Melayu"),
    Language("tl", ("tgl", "fil"), "Filipino", "Filipino"),
    Language("zh", ("chi", "zho"), "Chinese", "中文"),
    Language("ja", ("jpn",), "Japanese", "日本語"),
    Language("ko", ("kor",), "Korean", "한국어"),
    Language("ca", ("cat",), "Catalan", "Català"),
    Language("eu", ("baq", "eus"), "Basque", "Euskara"),
    Language("gl", ("glg",), "Galician", "Galego"),
    Language("cy", ("wel", "cym"), "Welsh", "Cymraeg"),
    Language("ga", ("gle",), "Irish", "Gaeilge"),
    Language("la", ("lat",), "Latin", "Latina"),
    Language("af", ("afr",), "Afrikaans", "Afrikaans"),
    Language("sw", ("swa",), "Swahili", "Kiswahili"),
)

_BY_CODE: dict[str, Language] = {}
for _lang in _TABLE:
    _BY_CODE[_lang.tag] = _lang
    for _code in _lang.alpha3:
        _BY_CODE[_code] = _lang

# Region subtags people meet in track tags (pt-BR, es-419, zh-Hant is a script).
_REGION_NAMES = {"BR": "Brasil", "PT": "Portugal", "419": "Latinoamérica", "CA": "Canada"}
# Codes that say "no language" rather than naming one.
_NO_LANGUAGE = frozenset({"und", "mis", "mul", "zxx", "xx", "unk", "none"})
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?$")


def lookup(code: str | None) -> Language | None:
    if not code:
        return None
    match = _TAG.match(code.strip())
    return _BY_CODE.get(match.group(1).lower()) if match else None


def language_tag(code: str | None) -> str | None:
    """An RFC 5646 tag for a container's language code; None for unknown or "und".

    ``eng`` -> ``en``, ``fre`` -> ``fr``, ``pt-br`` -> ``pt-BR``; a well-formed code
    we have no name for is kept as it is (``gsw`` stays ``gsw``), lower-cased.
    """
    if not code:
        return None
    match = _TAG.match(code.strip())
    if not match:
        return None
    primary, script, region = match.groups()
    primary = primary.lower()
    if primary in _NO_LANGUAGE:
        return None
    known = _BY_CODE.get(primary)
    parts = [known.tag if known else primary]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)


def language_name(tag: str | None, *, native: bool = True) -> str:
    """What a person reads: "Français", "Português (Brasil)", or the unknown word."""
    known = lookup(tag)
    if known is None:
        return tag if tag and language_tag(tag) else UNKNOWN_LANGUAGE
    name = known.native if native else known.english
    match = _TAG.match(tag or "")
    region = match.group(3) if match else None
    if region and region.upper() in _REGION_NAMES:
        name += f" ({_REGION_NAMES[region.upper()]})"
    return name


def track_label(
    language: str | None,
    *,
    unknown: str = UNKNOWN_LANGUAGE,
    title: str | None = None,
    commentary: bool = False,
    forced: bool = False,
    hearing_impaired: bool = False,
    descriptions: bool = False,
    burned_in: bool = False,
) -> str:
    """A track's human name: "English", "Français (commentary)", "Deutsch (forced)".

    A stream title that already says more than the language ("Director's
    commentary") is kept after the language; a title that only repeats it is not.
    ``unknown`` names a track with no language ("Audio", "Subtitles").
    """
    base = language_name(language) if language_tag(language) else unknown
    flags = [
        TRACK_FLAG_WORDS[key]
        for key, on in (
            ("commentary", commentary),
            ("forced", forced),
            ("sdh", hearing_impaired),
            ("descriptions", descriptions),
            ("burned", burned_in),
        )
        if on
    ]
    extra = (title or "").strip()
    if extra and extra.casefold() not in {
        base.casefold(),
        language_name(language, native=False).casefold(),
    }:
        # "Director's commentary" already says "commentary".
        flags = [f for f in flags if f.casefold() not in extra.casefold()]
        flags.insert(0, extra[:60])
    return f"{base} ({', '.join(flags)})" if flags else base


def unique_labels(labels: list[str]) -> list[str]:
    """NAME must be unique within a rendition group: "English", "English 2", ..."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0) + 1
        seen[label] = count
        out.append(label if count == 1 else f"{label} {count}")
    return out
