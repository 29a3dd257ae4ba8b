"""The oracle for syndicate.feed_xml: the implementation it replaced, every element written by
feedgen 1.0.0 and lxml (well over 100 us an entry). Kept as it was, so that the tests can
compare the fast documents with these byte for byte; change it only with a deliberate change of
output. Its feed-level part (`_FeedExtension`, the head of `_generator`) is a copy of what
syndicate.feed_xml still does, on purpose: the oracle shares no XML-writing code with what it checks.
"""

from __future__ import annotations

import html
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from syndicate import __version__
from syndicate.article import Author
from syndicate.feed_xml import UNTITLED, FeedEntry, FeedPage, xml_text

DC = "http://purl.org/dc/elements/1.1/"
CC_RSS = "http://backend.userland.com/creativeCommonsRssModule"
ATOM = "http://www.w3.org/2005/Atom"
FH = "http://purl.org/syndication/history/1.0"


class _FeedExtension(BaseExtension):  # type: ignore[misc]
    page: FeedPage

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC, "creativeCommons": CC_RSS, "fh": FH}

    def extend_atom(self, feed: Any) -> Any:
        for rel, href in self._links():
            etree.SubElement(feed, "link", rel=rel, href=href)
        if self.page.archive:
            etree.SubElement(feed, f"{{{FH}}}archive")
        return feed

    def extend_rss(self, feed: Any) -> Any:
        channel = feed[0]
        for rel, href in self._links():
            etree.SubElement(channel, f"{{{ATOM}}}link", rel=rel, href=href)
        return feed

    def _links(self) -> list[tuple[str, str]]:
        page = self.page
        links = [("hub", hub) for hub in page.hubs]
        for rel, href in (("current", page.current), ("prev-archive", page.prev_archive)):
            if href:
                links.append((rel, href))
        if page.next_archive:
            links.append(("next-archive", page.next_archive))
        return links


class _EntryExtension(BaseEntryExtension):  # type: ignore[misc]
    entry: FeedEntry

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC, "creativeCommons": CC_RSS}

    def extend_atom(self, node: Any) -> Any:
        e = self.entry
        for rel, href, title in self._links():
            link = etree.SubElement(node, "link", rel=rel, href=href)
            if title:
                link.set("title", title)
        for category in e.categories:
            etree.SubElement(node, "category", term=xml_text(category))
        etree.SubElement(node, "rights").text = xml_text(e.rights)
        if e.source is not None:
            source = etree.SubElement(node, "source")
            etree.SubElement(source, "id").text = e.source.id
            etree.SubElement(source, "title").text = xml_text(e.source.title)
            etree.SubElement(source, "updated").text = e.source.updated.isoformat()
            etree.SubElement(source, "link", rel="alternate", href=e.source.link)
            etree.SubElement(source, "rights").text = xml_text(e.source.rights)
        return node

    def extend_rss(self, item: Any) -> Any:
        e = self.entry
        if e.link:
            etree.SubElement(item, "link").text = e.link
        for author in e.authors:
            etree.SubElement(item, f"{{{DC}}}creator").text = xml_text(author.name)
        for category in e.categories:
            etree.SubElement(item, "category").text = xml_text(category)
        etree.SubElement(item, f"{{{DC}}}rights").text = xml_text(e.rights)
        if e.cc_license:
            etree.SubElement(item, f"{{{CC_RSS}}}license").text = e.cc_license
        return item

    def _links(self) -> list[tuple[str, str, str]]:
        e = self.entry
        links = [("alternate", e.link, "")] if e.link else []
        if e.license_url:
            links.append(("license", e.license_url, e.license_title))
        if e.via:
            links.append(("via", e.via, ""))
        if e.related:
            links.append(("related", e.related, ""))
        return links


def _generator(page: FeedPage, self_url: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("syndicate", _FeedExtension, _EntryExtension)
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
    # feedgen prepends entries: add the oldest first so the newest comes first
    for entry in reversed(page.entries):
        fe = fg.add_entry()
        fe.syndicate.entry = entry
        fe.id(entry.id)
        fe.guid(entry.id, permalink=False)
        fe.title(xml_text(entry.title) or UNTITLED)
        if entry.summary:
            fe.summary(xml_text(entry.summary))
            # RSS readers take an item's description as HTML: a plain-text summary is escaped for it
            fe.description(html.escape(xml_text(entry.summary), quote=False))
        fe.content(xml_text(entry.content_html), type="html")
        for author in entry.authors:
            fe.author(_author(author))
        fe.published(entry.published)
        fe.updated(entry.updated)
    return fg


def _author(author: Author) -> dict[str, str]:
    data = {"name": xml_text(author.name) or UNTITLED}
    if author.url:
        data["uri"] = author.url
    return data


def atom_document(page: FeedPage) -> bytes:
    fg = _generator(page, page.atom_url)
    return _with_stylesheet(fg.atom_str(pretty=True, encoding="UTF-8"), page.stylesheet)


def rss_document(page: FeedPage) -> bytes:
    fg = _generator(page, page.rss_url)
    return _with_stylesheet(fg.rss_str(pretty=True, encoding="UTF-8"), page.stylesheet)


def _with_stylesheet(document: bytes, stylesheet: str | None) -> bytes:
    if not stylesheet:
        return document
    declaration, _, rest = document.partition(b"\n")
    instruction = f'<?xml-stylesheet type="text/xsl" href="{stylesheet}"?>'.encode()
    return declaration + b"\n" + instruction + b"\n" + rest
