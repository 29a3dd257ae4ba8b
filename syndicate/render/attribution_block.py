"""The attribution block every copy carries, as HTML, Markdown or plain text.

It follows Creative Commons' TASL guidance (Title, Author, Source, Licence),
then says under which terms the copy is republished and whom to ask for more:

    “Title” by Author.
    First published by Original on 23 July 2017.
    Republished from Source.
    © 2017 Holder.
    Licence: CC BY-ND 4.0.                        (linked, rel="license", when it has a URL)
    The source's terms: “...”                     (license.terms, verbatim)
    For other uses, ask: someone@example.org.     (license.contact, a mailto: link)

A licence without a URL and without terms of its own in the front matter shows
its profile's terms in plain words ("Terms: ..."), unless the profile allows no
channel (all rights reserved, custom terms): a copy of such an article exists
by a grant, and the profile's words describe no permission. Every part the
front matter lacks is left out; nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from syndicate.articles.article import join_names
from syndicate.licences.profiles import LicenseProfile

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
#: an email address as a permission contact is written (a leading mailto: allowed)
_EMAIL = re.compile(
    r"^(?:mailto:)?([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)$"
)
#: the attribution block's class attribute (an endpoint may tell its copies by it)
ATTRIBUTION_CLASS = 'class="syndicate-attribution"'


def text(value: Any) -> str | None:
    """A non-blank string, stripped; anything else is treated as missing."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def section(front_matter: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = front_matter.get(key)
    return value if isinstance(value, Mapping) else {}


def http_url(value: Any) -> str | None:
    url = text(value)
    return url if url is not None and _HTTP_URL.match(url) else None


def iso(value: Any) -> str | None:
    if isinstance(value, dt.date):  # also datetimes, should front matter arrive unnormalised
        return value.isoformat()
    return text(value)


def human_date(value: Any) -> str | None:
    """An ISO date or datetime as "23 July 2017": the date part, English month names whatever the locale."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        written = iso(value)
        try:
            value = dt.date.fromisoformat(written[:10]) if written else None
        except ValueError:
            return None
    return None if value is None else f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def authors(front_matter: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(name, url) for each author with a name; a bare string counts as a name."""
    raw = front_matter.get("authors")
    found: list[tuple[str, str | None]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping) and text(item.get("name")):
            found.append((str(text(item["name"])), http_url(item.get("url"))))
        elif text(item):
            found.append((str(text(item)), None))
    return found


def year(copyright_: Mapping[str, Any]) -> int | None:
    value = copyright_.get("year")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def copyright_notice(front_matter: Mapping[str, Any]) -> str | None:
    """ "© 2017 Holder" (no year: "© Holder"); None without a holder."""
    copyright_ = section(front_matter, "copyright")
    holder, when = text(copyright_.get("holder")), year(copyright_)
    if holder is None:
        return None
    return f"© {when} {holder}" if when is not None else f"© {holder}"


@dataclass(frozen=True)
class LicenceTerms:
    """What a copy says of its licence, whom to ask for more, and where."""

    #: how the attribution names the licence ("CC BY-ND 4.0"), and its full name
    name: str | None
    full_name: str | None
    #: the licence deed or terms page (the profile's, else license.url): only an http(s) URL
    url: str | None
    #: the terms a copy shows: license.terms verbatim, else (no URL) the profile's own words
    terms: str | None
    #: whether `terms` are the source's words (license.terms), not the profile's
    verbatim: bool
    #: license.contact as written, and as a link (mailto: for an email address, else an http(s) URL)
    contact: str | None
    contact_url: str | None


def licence_terms(front_matter: Mapping[str, Any], profile: LicenseProfile | None) -> LicenceTerms:
    licence = section(front_matter, "license")
    name: str | None
    full_name: str | None
    if profile is not None:
        name, full_name = profile.short_name, profile.name
        url = http_url(profile.url) or http_url(licence.get("url"))
    else:
        name = full_name = text(licence.get("id"))
        url = http_url(licence.get("url"))
    terms: str | None = text(licence.get("terms"))
    verbatim = True
    if terms is None and url is None and profile is not None and profile.channels:
        terms, verbatim = text(profile.terms), False
    contact = text(licence.get("contact"))
    return LicenceTerms(name, full_name, url, terms, verbatim, contact, contact_link(contact))


def contact_link(contact: str | None) -> str | None:
    """mailto:ADDRESS for an email address, the URL for an http(s) URL, else None."""
    if contact is None:
        return None
    email = _EMAIL.match(contact)
    if email:
        return "mailto:" + quote(email[1], safe="@.!$'*+=^_`{|}~-")
    return http_url(contact)


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    rel: str | None = None


#: one line of the block: plain text and links
Line = tuple[str | Link, ...]


@dataclass(frozen=True)
class BodyFooter:
    """A footer the article's body ends with that already attributes it (render.equivalent_footer)."""

    hrefs: Sequence[str]
    #: its text, whitespace folded, casefolded
    folded: str


def fold(value: str) -> str:
    # str.split() cuts where \s matches and drops the ends: re.sub(r"\s+", " ", text).strip(), but faster
    return " ".join(value.split()).casefold()


def _linked(label: str, url: Any, rel: str | None = None) -> str | Link:
    """A link when `url` is an absolute http(s) URL, else the label alone."""
    target = http_url(url)
    return label if target is None else Link(label, target, rel)


def attribution_lines(
    front_matter: Mapping[str, Any], profile: LicenseProfile | None, footer: BodyFooter | None = None
) -> list[Line]:
    """The block's lines; with the body's own equivalent `footer`, only what that footer lacks
    (the terms and the contact), or nothing."""
    terms = licence_terms(front_matter, profile)
    return (_tasl_lines(front_matter, terms) if footer is None else []) + terms_lines(terms, footer)


def terms_lines(terms: LicenceTerms, footer: BodyFooter | None = None) -> list[Line]:
    """The licence's terms and whom to ask for more, each unless the body's `footer` has it already."""
    lines: list[Line] = []
    if terms.terms and not (footer and fold(terms.terms) in footer.folded):
        lines.append(("The source's terms: “" + terms.terms + "”",) if terms.verbatim else ("Terms: " + terms.terms,))
    if terms.contact and not (footer and (fold(terms.contact) in footer.folded or terms.contact_url in footer.hrefs)):
        contact = Link(terms.contact, terms.contact_url) if terms.contact_url else terms.contact
        lines.append(("For other uses, ask: ", contact, "."))
    return lines


def _tasl_lines(front_matter: Mapping[str, Any], terms: LicenceTerms) -> list[Line]:
    lines: list[Line] = []
    title, named = text(front_matter.get("title")), authors(front_matter)
    byline: list[str | Link] = []
    for index, (name, url) in enumerate(named):
        if index:
            byline.append(" and " if index == len(named) - 1 else ", ")
        byline.append(_linked(name, url))
    if title and byline:
        lines.append((f"“{title}” by ", *byline, "."))
    elif title or byline:
        lines.append((f"“{title}”.",) if title else ("By ", *byline, "."))
    for key, verb in (("original", "First published by"), ("source", "Republished from")):
        part = section(front_matter, key)
        publisher = text(part.get("name")) or http_url(part.get("url"))
        if publisher:
            date = human_date(part.get("published")) if key == "original" else None
            lines.append((f"{verb} ", _linked(publisher, part.get("url")), f" on {date}." if date else "."))
    notice = copyright_notice(front_matter)
    if notice:
        lines.append((notice + ".",))
    if terms.name:
        lines.append(("Licence: ", _linked(terms.name, terms.url, "license"), "."))
    return lines


def html_block(lines: Sequence[Line]) -> str:
    """The block as a `<footer>` of paragraphs; "" for no line."""
    if not lines:
        return ""
    paragraphs = "".join(f"<p>{''.join(map(_html, line))}</p>\n" for line in lines)
    return f"<footer {ATTRIBUTION_CLASS}>\n{paragraphs}</footer>\n"


def _html(part: str | Link) -> str:
    if isinstance(part, str):
        return escape(part, quote=False)
    rel = f' rel="{escape(part.rel)}"' if part.rel else ""
    return f'<a href="{escape(part.url)}"{rel}>{escape(part.text, quote=False)}</a>'


#: what could start Markdown or HTML inside a line of text (each is escaped with a backslash)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&!#|~])")


def markdown_block(lines: Sequence[Line]) -> str:
    """The block as Markdown paragraphs, one a line (for the Markdown twin); "" for no line."""
    return "".join(f"{''.join(map(_markdown, line))}\n\n" for line in lines).removesuffix("\n")


def _markdown(part: str | Link) -> str:
    if isinstance(part, str):
        return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(part.split("\n")).replace("\r", " "))
    # <...> holds any URL but one with "<", ">" or a line break: those are percent-encoded
    url = part.url.replace("<", "%3C").replace(">", "%3E").replace("\n", "%0A").replace("\r", "%0D")
    return f"[{_markdown(part.text)}](<{url}>)"


def plain_text(lines: Sequence[Line]) -> str:
    """The block's lines as one plain-text paragraph (links as their text)."""
    return " ".join("".join(p if isinstance(p, str) else p.text for p in line) for line in lines)


def credit_text(front_matter: Mapping[str, Any]) -> str | None:
    """Whom a copy credits, in one line: "A and B (Original), via Source"."""
    byline = join_names([name for name, _ in authors(front_matter)])
    original = text(section(front_matter, "original").get("name"))
    source = text(section(front_matter, "source").get("name"))
    credit: str | None = byline
    if original and original != byline:
        credit = f"{byline} ({original})" if byline else original
    if source and source not in (byline, original):
        credit = f"{credit}, via {source}" if credit else source
    return credit or None
