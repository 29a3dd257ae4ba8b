"""Bylines and copyright notices: who wrote the article and who holds its copyright.

"By X and Y", "By X, Y and Z", "Par X et Y", "By X – Outlet" (the outlet is
named, not taken as an author); "Copyright © X, Outlet, 2017", "© 2024 X. All
rights reserved.", "(c) X 2020". Names keep the spelling of the text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from syndicate.importer import wordings
from syndicate.importer.licensing import EMAIL, OBFUSCATED
from syndicate.importer.markdown import LINK, is_absolute, plain
from syndicate.importer.wordings import alternatives

#: "By X", "by X" (a name follows: capitalised, or a link), "Par X", "Por X", "Von X", "Door X", "Author: X"
BYLINE = re.compile(
    r"^\s*(?:\*\*|\*|_)?(?:(?:By|BY|by|Par|PAR|par|Por|POR|por|Von|VON|von|Door|DOOR|door"
    r"|(?:Article |Story |Text )?[Ww]ritten by|Words by|Geschrieben von|Escrito por|[ÉE]crit par)\s*:?"
    r"|(?:Authors?|Auteurs?|Autor(?:es|a|as)?|Byline)\s*:)"
    r"(?:\*\*|\*|_)?\s+(?P<value>(?:\[|\*|_)*[A-ZÀ-Ý\[].*)$"
)
#: "The original source of this article is X", "republished from X": a publisher it came through
VIA = re.compile(r"(?:" + alternatives(wordings.VIA) + r")\s*(?P<rest>.+)", re.I)
#: "originally published by/in/on X", "first appeared on X", "publié initialement par X": the first publisher
FIRST = re.compile(r"(?:" + alternatives(wordings.FIRST) + r")\s*(?P<rest>.+)", re.I)
#: between names: "and" in English, French, Spanish, German, Portuguese, Dutch
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|&|\band\b|\bet\b|\by\b|\bund\b|\be\b|\ben\b)\s*")
_OUTLET_DASH = re.compile(r"\s+[–—-]\s+")
_SUFFIXES = frozenset({"phd", "ph.d.", "md", "jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "mba", "esq."})
NOTICE = re.compile(
    r"^\s*(?:\*\*|\*|_)?(?:copyright\b\s*(?:©|\(c\))?|©|\(c\)|droits? d['’]auteur\s*:?\s*©?)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d\s*[-–—/]\s*(?:(?:1[6-9]|20)\d\d|present|aujourd'hui)", re.I)
_RESERVED = re.compile(r"\s*\b(?:all rights reserved|tous droits réservés)\b\.?", re.I)
#: a company's dotted suffix ends its name ("L.P.", "L.L.C.", "S.A.", "N.V.", "A.G.")
_COMPANY = re.compile(r"\s(?:L\.P|L\.L\.C|S\.A|N\.V|A\.G|P\.L\.C|S\.L)$")
#: a company's abbreviated suffix, whose dot the notice wrote ("CQ-Roll Call, Inc.")
_COMPANY_WORDS = frozenset({"inc", "ltd", "corp", "co"})
_ABBREVIATIONS = frozenset({"prof", "dr", "mr", "mrs", "ms", "st", "inc", "ltd", "co", "corp", "jr", "sr", "no"})
_IMAGE_CREDIT = re.compile(
    r"\b(?:photos?|images?|illustrations?|pictures?|cartoons?|maps?|graphics?|crédits?|credits?|featured)\b", re.I
)
#: a month (with its day) before the year: "Project Syndicate, mai 2002" is dated, the month is no holder
_MONTH = re.compile(r"(?:\d{1,2}\.?\s+)?(?:" + "|".join(wordings.MONTHS) + r")\.?(?:\s+\d{1,2})?", re.I)
_SITE = re.compile(r"\b(?:this (?:web)?site|website|site web|ce site)\b", re.I)


@dataclass
class Byline:
    authors: list[dict[str, Any]] = field(default_factory=list)
    #: "X – Outlet": the outlet the byline names beside its authors
    outlet: str | None = None
    #: names whose link was lost in scraping
    lost_links: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_byline(value: str) -> Byline:
    """The authors named by a byline's value (the text after "By", "Par", ...)."""
    byline = Byline()
    protected: list[str] = []

    def protect(match: re.Match[str]) -> str:
        protected.append(match.group(0))
        return f"\x00{len(protected) - 1}\x00"

    text = LINK.sub(protect, value.strip().strip("*_ "))
    if OBFUSCATED.search(text):
        byline.notes.append("an author's email is obfuscated in the text ('[email protected]'): not an address")
        text = re.sub(r"\s*[(<]?\s*" + OBFUSCATED.pattern + r"\s*[)>]?", "", text, flags=re.I)
    parts = _OUTLET_DASH.split(text)
    if len(parts) == 2:
        text, outlet = parts
        byline.outlet = plain(_restore(outlet, protected)) or None
    for segment in _LIST_SEPARATOR.split(text):
        email_match = EMAIL.search(segment)
        email = email_match.group(0) if email_match else None
        if email_match:
            segment = segment.replace(email_match.group(0), "").replace("()", "").replace("<>", "")
        markdown = _restore(segment, protected)
        name = plain(markdown).strip(" .:|")
        if not name:
            continue
        if name.lower() in _SUFFIXES and byline.authors:
            byline.authors[-1]["name"] += f", {name}"
            if email:
                byline.authors[-1]["email"] = email
            continue
        author: dict[str, Any] = {"name": name}
        link = LINK.search(markdown)
        if link and is_absolute(link.group("href")):
            author["url"] = link.group("href")
        elif link and link.group("href").strip() in ("", "#"):
            byline.lost_links.append(name)
        if email:
            author["email"] = email
        byline.authors.append(author)
    return byline


def _restore(text: str, protected: list[str]) -> str:
    return re.sub("\x00(\\d+)\x00", lambda m: protected[int(m.group(1))], text)


@dataclass(frozen=True)
class Notice:
    """One copyright notice as written."""

    text: str
    holder: str | None
    year: int | None
    all_rights_reserved: bool
    #: a span of years (2005–2024) or words such as "this website": the site's notice, not the article's
    site_wide: bool
    image_credit: bool


def read_notice(line: str) -> Notice | None:
    """The notice a line starts with ("Copyright ©", "©", "(c)"), else None."""
    opening = NOTICE.match(line)
    if opening is None:
        return None
    text = plain(line)
    rest = html.unescape(plain(line[opening.end() :]))  # a scrape may leave "kv&#283;ten" undecoded
    symbol = re.search(r"©|\(c\)", opening.group(0), re.I) is not None
    if len(text) > 300 or not (symbol or _YEAR.search(_first_sentence(rest))):
        return None  # "Copyright law ..." in prose, not a notice
    reserved = _RESERVED.search(rest) is not None
    site_wide = _YEAR_RANGE.search(rest) is not None or _SITE.search(rest) is not None
    rest = _first_sentence(_RESERVED.sub("", rest))
    years = [int(y) for y in _YEAR.findall(rest)]
    names: list[str] = []
    for part in re.split(r"\s*,\s*", _YEAR.sub(",", rest)):
        name = part.strip(" .;:-–—*_")
        dotted = part.rstrip(" ;:-–—*_").endswith(".") and name.rsplit(" ", 1)[-1].lower() in _COMPANY_WORDS
        name += "." if _COMPANY.search(" " + name) or dotted else ""  # "Bloomberg L.P.", "X, Inc." keep the dot
        if name and not _MONTH.fullmatch(name) and name.lower() not in (n.lower() for n in names):
            names.append(name)
    holder = ", ".join(names) or None
    credit = _IMAGE_CREDIT.search(text[: opening.end() + 40]) is not None or "![" in line
    return Notice(text, holder, years[0] if len(set(years)) == 1 else None, reserved, site_wide, credit)


def _first_sentence(text: str) -> str:
    for match in re.finditer(r"\.\s+(?=[A-ZÀ-Ý])", text):
        if _COMPANY.search(text[: match.start()]):  # "Bloomberg L.P. Visit bloomberg.com": the name ends there
            return text[: match.start() + 1]
        word = re.search(r"(\w+)$", text[: match.start()])
        if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        return text[: match.start()]
    return text
