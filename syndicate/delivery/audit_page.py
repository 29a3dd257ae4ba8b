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

import functools
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

# trafilatura says on the logging warning level what it could not extract: the audit reports that itself
logging.getLogger("trafilatura").setLevel(logging.ERROR)

TYPOGRAPHIC = str.maketrans(
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
#: found by XPath, in C: a Python walk over every element was a third of reading a page (the HTML
#: parser gives tag names in lower case)
_BLOCK_ELEMENTS = lxml.etree.XPath("|".join(f"//{tag}" for tag in sorted(_BLOCKS)))
_UNSEEN = lxml.etree.XPath(
    "|".join(f"//{tag}" for tag in _UNSEEN_TAGS)
    + "|//comment()|//processing-instruction()|//*[@hidden]|//*[@style]"
    + "|//input[translate(@type, 'HIDEN', 'hiden') = 'hidden']"
)
#: what sets blocks apart while the text is taken (U+2029, PARAGRAPH SEPARATOR)
_BLOCK_END = "\u2029"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def fold(text: str) -> str:
    """Text as compared: NFKC, plain quotes and dashes, no soft hyphens, case and whitespace folded."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(TYPOGRAPHIC).split()).casefold()


#: a query parameter that only says where a link was followed from
_TAGGING = re.compile(r"(?:ref|utm_[a-z]+)(?:=|\Z)", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)  # (a theme's links repeat on every page of a site)
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
    #: the targets of the absolute links a reader sees (normal_url; a relative link, to the page's own
    #: site, is never the original's or the licence's)
    links: frozenset[str]
    #: the targets of every rel="license" link, <link> in the head too (normal_url)
    licence_links: frozenset[str]
    #: every JSON-LD object of the page (the items of lists and of @graph too)
    json_ld: tuple[dict[str, Any], ...]
    #: the page's HTML as text
    html: str
    #: the blocks (paragraphs, headings, items) a reader sees, unfolded
    blocks: tuple[str, ...] = ()
    #: the targets of the `<link rel="canonical">` of the head, absolute (search engines read no other)
    canonical: tuple[str, ...] = ()
    #: the directives of the head's robots meta elements (name robots or googlebot), folded
    robots: tuple[str, ...] = ()

    @functools.cached_property
    def main_lines(self) -> tuple[str, ...]:
        """The blocks that are the article's: those in the extractor's main text (all when it found
        none), unfolded: audit_body.py compares them with the article's (worked out only there)."""
        return tuple(block for block in self.blocks if not self.main_text or fold(block) in self.main_text)


def decode(body: bytes, charset: str | None) -> str:
    """The page as text: the charset its answer named, else its <meta charset>, else UTF-8."""
    if charset is None:
        found = _META_CHARSET.search(body[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


def read_content(html: str, base: str = "") -> PageContent:
    """What the page shows; an empty page shows nothing (no exception: a page is never trusted to parse).
    `base`: the page's address, against which a relative canonical link is read."""
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
    canonical, robots = _head(document, base)
    json_ld = tuple(_json_ld(document))
    _drop_unseen(document)
    hrefs = {str(a.get("href")).strip() for a in document.iter("a") if a.get("href")}
    links = frozenset(normal_url(href) for href in hrefs if "//" in href)
    blocks = tuple(_blocks(document))
    main = fold(_extracted(html))
    return PageContent(main, fold(" ".join(blocks)), links, licence_links, json_ld, html, blocks, canonical, robots)


def block_lines(html: str) -> list[str]:
    """The text of an HTML fragment, one line per block (paragraph, heading, list item ...)."""
    try:
        document = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    except (lxml.etree.ParserError, ValueError):
        return []
    _drop_unseen(document)
    return _blocks(document)


def _blocks(document: Any) -> list[str]:
    """The document's text, one item per block, whitespace folded."""
    for element in _BLOCK_ELEMENTS(document):
        element.tail = _BLOCK_END + (element.tail or "")
        element.text = _BLOCK_END + (element.text or "")
    blocks = (" ".join(block.split()) for block in str(document.text_content()).split(_BLOCK_END))
    return [block for block in blocks if block]


def _head(document: Any, base: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The canonical links and robots directives of the page's head."""
    head = document.find("head")
    if head is None:
        return (), ()
    canonical = tuple(
        urljoin(base, str(link.get("href")).strip())[:500]
        for link in head.iter("link")
        if link.get("href") and "canonical" in str(link.get("rel", "")).lower().split()
    )
    robots = tuple(
        fold(str(meta.get("content", "")))
        for meta in head.iter("meta")
        if str(meta.get("name", "")).strip().lower() in ("robots", "googlebot")
    )
    return canonical, robots


def _extracted(html: str) -> str:
    try:
        extracted = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
        )
    except (ValueError, TypeError, RecursionError, lxml.etree.LxmlError):  # a page it chokes on: no main text
        return ""
    return extracted or ""


def _drop_unseen(document: Any) -> None:
    """Removes what a reader does not see: the head, scripts and the like, comments, hidden elements."""
    unseen = [
        element
        for element in _UNSEEN(document)
        if not isinstance(element.tag, str) or element.get("style") is None  # (matched for more than a style)
        or element.tag in _UNSEEN_TAGS or element.get("hidden") is not None or element.tag == "input"
        or _HIDING_STYLE.search(element.get("style") or "")
    ]  # fmt: skip
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
