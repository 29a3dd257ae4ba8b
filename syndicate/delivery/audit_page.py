"""What a partner's page shows: its main text, every text a reader sees, its links, its JSON-LD.

The main text is what trafilatura (a maintained extractor) takes for the
article, without the site's menus, sidebars and footers. A reader also sees
the rest of the page, and a partner's theme may put the attribution there (a
sidebar, a footer: trafilatura sets aside every `<footer>`, syndicate's own
attribution block among them). So the page's visible text and links are read
too: all of the page but what a reader does not see (the head, scripts,
styles, templates, comments, elements `hidden` or styled `display: none` or
`visibility: hidden`).

Texts are compared folded (fold()): Unicode NFKC, typographic quotes and
dashes as plain ones (WordPress curls quotes), case and whitespace folded.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import trafilatura

# trafilatura says on the logging warning level what it could not extract: the audit reports that itself
logging.getLogger("trafilatura").setLevel(logging.ERROR)

_TYPOGRAPHIC = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
     "«": '"', "»": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
     "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None}
)  # fmt: skip
#: what a reader does not see
_UNSEEN_TAGS = ("head", "script", "style", "template", "noscript", "svg", "iframe", "object", "embed")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: elements that start a new line: their text is not run together with the next
_BLOCKS = frozenset(
    ("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
     "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
     "table", "td", "th", "tr", "ul")
)  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def fold(text: str) -> str:
    """Text as compared: NFKC, plain quotes and dashes, no soft hyphens, case and whitespace folded."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC).split()).casefold()


#: a query parameter that only says where a link was followed from
_TAGGING = re.compile(r"(?:ref|utm_[a-z]+)(?:=|\Z)", re.IGNORECASE)


def normal_url(url: str) -> str:
    """A URL as compared: no scheme (http and https alike), host in lower case without a default
    port, path unquoted and without a trailing slash, no fragment, and none of the query parameters
    that tag a link with where it was followed from (`ref`, which Ghost adds to every outbound link
    by default, and `utm_*`)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    path = unquote(parts.path).rstrip("/")
    query = "&".join(p for p in parts.query.split("&") if p and not _TAGGING.match(p))
    return f"//{host}{path}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class PageContent:
    #: the article as the extractor finds it, folded ("" when it found none)
    main_text: str
    #: every text a reader sees on the page, folded
    visible_text: str
    #: the targets of the links a reader sees (normal_url)
    links: frozenset[str]
    #: the targets of every rel="license" link, <link> in the head too (normal_url)
    licence_links: frozenset[str]
    #: every JSON-LD object of the page (the items of lists and of @graph too)
    json_ld: tuple[dict[str, Any], ...]
    #: the page's HTML as text
    html: str


def decode(body: bytes, charset: str | None) -> str:
    """The page as text: the charset its answer named, else its <meta charset>, else UTF-8."""
    if charset is None:
        found = _META_CHARSET.search(body[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


def read_content(html: str) -> PageContent:
    """What the page shows; an empty page shows nothing (no exception: a page is never trusted to parse)."""
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml takes no str with an encoding declaration
    try:
        document = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return PageContent("", "", frozenset(), frozenset(), (), html)
    licence_links = frozenset(
        normal_url(str(element.get("href")))
        for element in document.iter("a", "link")
        if element.get("href") and "license" in str(element.get("rel", "")).lower().split()
    )
    json_ld = tuple(_json_ld(document))
    _drop_unseen(document)
    links = frozenset(normal_url(str(a.get("href"))) for a in document.iter("a") if a.get("href"))
    for element in document.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = " " + (element.tail or "")
            element.text = " " + (element.text or "")
    visible = fold(document.text_content())
    return PageContent(_main_text(html), visible, links, licence_links, json_ld, html)


def _main_text(html: str) -> str:
    try:
        extracted = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
        )
    except (ValueError, TypeError, RecursionError, lxml.etree.LxmlError):  # a page it chokes on: no main text
        return ""
    return fold(extracted or "")


def _drop_unseen(document: Any) -> None:
    """Removes what a reader does not see: the head, scripts and the like, comments, hidden elements."""
    unseen = [
        element
        for element in document.iter()
        if not isinstance(element.tag, str)  # comments, processing instructions
        or element.tag.lower() in _UNSEEN_TAGS
        or element.get("hidden") is not None
        or _HIDING_STYLE.search(element.get("style") or "")
        or (element.tag.lower() == "input" and (element.get("type") or "").lower() == "hidden")
    ]
    for element in unseen:
        if element.getparent() is not None:
            element.drop_tree()  # (its tail stays: text of its parent, which a reader sees)


def _json_ld(document: Any) -> Iterator[dict[str, Any]]:
    for script in document.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        yield from _objects(data, 0)


def _objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD document: itself, the items of a list, those of @graph."""
    if depth > 10:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"), depth + 1)
