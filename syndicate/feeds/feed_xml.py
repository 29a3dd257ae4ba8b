"""One Atom 1.0 and one RSS 2.0 document from a page of entries.

feedgen 1.0.0 writes each document's feed-level part (namespaces, title,
links, generator, dates); an extension registered on the feed adds what
feedgen cannot express: WebSub hub links and RFC 5005 archive links. Atom
extension elements use plain tags: feedgen writes the Atom namespace as a
plain `xmlns` attribute, so namespaced tags would come out as `ns0:`.

The entries are written by syndicate.feeds.entries, not by feedgen: an element
tree per entry was most of the time of a build (the fast path "feed-entries";
its library side, feedgen writing the whole document, is entries_feedgen.py).
feedgen builds the document with no entry, and the entries go where it would
have appended them: they are the last children of `<feed>` (Atom) and
`<channel>` (RSS), so in lxml's pretty-printed output they come right before
the closing `</feed>` or `  </channel>` line; that closing text is checked,
never assumed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from syndicate import __version__
from syndicate.characters import xml_text
from syndicate.errors import DependencyError
from syndicate.feeds.entries import UNTITLED, FeedEntry, SourceInfo, atom_entry, rss_item

__all__ = ["EPOCH", "UNTITLED", "FeedEntry", "FeedPage", "SourceInfo", "atom_document", "rss_document", "xml_text"]

DC = "http://purl.org/dc/elements/1.1/"
CC_RSS = "http://backend.userland.com/creativeCommonsRssModule"
ATOM = "http://www.w3.org/2005/Atom"
FH = "http://purl.org/syndication/history/1.0"
#: a page with no entry was last updated then
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FeedPage:
    title: str
    description: str
    #: where this document is served (Atom id and self link)
    atom_url: str
    rss_url: str
    site_url: str
    rights: str
    language: str
    entries: tuple[FeedEntry, ...]
    hubs: tuple[str, ...] = ()
    #: RFC 5005: an archive page, and its neighbours
    archive: bool = False
    prev_archive: str | None = None
    next_archive: str | None = None
    current: str | None = None
    stylesheet: str | None = None
    updated: dt.datetime = field(default=EPOCH)
    #: the site's RSL 1.0 licence file: a feed-level rel="license" link of type application/rsl+xml
    rsl_license: str | None = None
    #: the page that shows this feed to people (page_html.py): Atom's alternate link (one a type:
    #: it takes the site's place), an atom:link in RSS (whose own <link> stays the site)
    html_url: str | None = None
    #: a document of summaries ([feeds] archive_content = "summary"): entries.shows_content
    summaries: bool = False


class _FeedExtension(BaseExtension):  # type: ignore[misc]
    page: FeedPage

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC, "creativeCommons": CC_RSS, "fh": FH}

    def extend_atom(self, feed: Any) -> Any:
        if self.page.html_url:
            for link in feed.iterfind("link[@rel='alternate'][@type='text/html']"):
                link.set("href", self.page.html_url)
        for attributes in self._links():
            etree.SubElement(feed, "link", **attributes)
        if self.page.archive:
            etree.SubElement(feed, f"{{{FH}}}archive")
        return feed

    def extend_rss(self, feed: Any) -> Any:
        channel = feed[0]
        page = self.page
        if page.html_url and page.html_url != page.site_url:
            etree.SubElement(channel, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=page.html_url)
        for attributes in self._links():
            etree.SubElement(channel, f"{{{ATOM}}}link", **attributes)
        return feed

    def _links(self) -> list[dict[str, str]]:
        page = self.page
        links = [{"rel": "hub", "href": hub} for hub in page.hubs]
        for rel, href in (("current", page.current), ("prev-archive", page.prev_archive)):
            if href:
                links.append({"rel": rel, "href": href})
        if page.next_archive:
            links.append({"rel": "next-archive", "href": page.next_archive})
        if page.rsl_license:
            # RSL 1.0's link to a licence file, as its pages give it; in RSS too (atom:link): RSL's own
            # RSS module is a namespace the W3C validator warns about
            links.append({"rel": "license", "type": "application/rsl+xml", "href": page.rsl_license})
        return links


def feed_generator(page: FeedPage, self_url: str, entry_extension: type[Any] | None = None) -> FeedGenerator:
    """The document with no entry: feedgen's part of it. (`entry_extension`: for entries added with
    feedgen, as entries_feedgen.py, the fast path's library side, adds them.)"""
    fg = FeedGenerator()
    fg.register_extension("syndicate", _FeedExtension, entry_extension)
    fg.syndicate.page = page
    fg.id(self_url)
    title = xml_text(page.title) or UNTITLED
    fg.title(title)
    fg.description(xml_text(page.description) or title)
    fg.subtitle(xml_text(page.description) or title)
    # RSS <link> is the last link() call whatever its rel: self first, alternate last
    self_type = "application/atom+xml" if self_url == page.atom_url else "application/rss+xml"
    fg.link(href=self_url, rel="self", type=self_type)
    fg.link(href=page.site_url, rel="alternate", type="text/html")
    if page.rights:
        fg.rights(xml_text(page.rights))
    if page.language:
        fg.language(page.language)
    fg.generator("syndicate", version=__version__)
    fg.updated(page.updated)
    fg.lastBuildDate(page.updated)
    return fg


def atom_document(page: FeedPage, written: Iterable[bytes] | None = None) -> bytes:
    """The Atom document of `page`; `written`: its entries already written (entries.atom_entry),
    in their order, in place of `page.entries`."""
    head = _plain_references(feed_generator(page, page.atom_url).atom_str(pretty=True, encoding="UTF-8"))
    entries = (atom_entry(e, page.summaries) for e in page.entries) if written is None else written
    return _spliced(head, b"</feed>\n", entries, page.stylesheet)


def rss_document(page: FeedPage, written: Iterable[bytes] | None = None) -> bytes:
    """The RSS document of `page`; `written`: its items already written (entries.rss_item),
    in their order, in place of `page.entries`."""
    head = _plain_references(feed_generator(page, page.rss_url).rss_str(pretty=True, encoding="UTF-8"))
    entries = (rss_item(e, page.summaries) for e in page.entries) if written is None else written
    return _spliced(head, b"  </channel>\n</rss>\n", entries, page.stylesheet)


#: the feed-level elements of plain text (feedgen writes no entry, so RSS's description is the channel's)
_PLAIN_ELEMENTS = re.compile(rb"<(title|subtitle|rights|description|copyright)>([^<]*)</\1>")


def _plain_references(head: bytes) -> bytes:
    """The document's own plain texts (not HTML) with `&` and `<` as hexadecimal character
    references, as entries.py writes the entries' (lxml writes `&amp;` and `&lt;`)."""
    if b"&" not in head:
        return head
    return _PLAIN_ELEMENTS.sub(
        lambda m: b"<%s>%s</%s>" % (m[1], m[2].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;"), m[1]), head
    )


def _spliced(head: bytes, closing: bytes, entries: Iterable[bytes], stylesheet: str | None) -> bytes:
    """`entries` as the last children of the document's feed or channel, where feedgen appends them,
    and the stylesheet's processing instruction after the XML declaration; in one copy of the entries."""
    if not head.endswith(closing):
        raise DependencyError(
            f"feedgen {_feedgen_version()} wrote a feed that does not end with {closing!r}: "
            "syndicate puts the entries there, and would write a broken feed",
            "syndicate is tested with feedgen 1.0: pip install 'feedgen>=1.0,<1.1'",
        )
    declaration, _, rest = head[: -len(closing)].partition(b"\n")
    instruction = f'<?xml-stylesheet type="text/xsl" href="{stylesheet}"?>\n'.encode() if stylesheet else b""
    return b"".join([declaration, b"\n", instruction, rest, *entries, closing])


def _feedgen_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("feedgen")
    except PackageNotFoundError:
        return "(version unknown)"
