"""The library side of the feed entries' fast path: feedgen 1.0 and lxml write the whole document.

This is how syndicate wrote its feeds before entries.py: every entry an element
tree built by feedgen (with our extension for what feedgen cannot express),
serialised by lxml; well over 100 us an entry. It is kept as what the fast
path is measured against (`SYNDICATE_LIBRARY_ONLY=feed-entries`: generate.py
builds every Atom and RSS document here) and what it is tested against
(tests/test_feed_xml.py: the two write the same bytes). Change it only with a
deliberate change of output, and entries.py with it.

The feed-level part is feed_xml's own (`feed_generator`), as in the fast path.
One deliberate change of output since lxml: plain text (not HTML, ids or URLs)
is written with `&` and `<` as hexadecimal character references (`&#x26;`,
`&#x3C;`), as the RSS Best Practices Profile asks and the W3C validator checks.
lxml cannot be told to, so its serialised plain-text elements are rewritten
(`plain_references`): the same XML, read back.
"""

from __future__ import annotations

import html
import re
from typing import Any

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from syndicate.articles.article import Author
from syndicate.characters import xml_text
from syndicate.feeds.entries import UNTITLED, FeedEntry, shows_content
from syndicate.feeds.feed_xml import CC_RSS, DC, FeedPage, feed_generator


class _EntryExtension(BaseEntryExtension):  # type: ignore[misc]
    entry: FeedEntry
    #: an entry of summaries without content: feedgen was given its alternate link (it refuses such an
    #: entry without one), and its own <link>, which drops the rel (feedgen 1.0), is taken out for ours
    linked_for_feedgen = False

    def _without_feedgens_links(self, node: Any) -> None:
        if self.linked_for_feedgen:
            for link in node.findall("link"):
                node.remove(link)

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC, "creativeCommons": CC_RSS}

    def extend_atom(self, node: Any) -> Any:
        e = self.entry
        self._without_feedgens_links(node)
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
        self._without_feedgens_links(item)
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
    fg = feed_generator(page, self_url, _EntryExtension)
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
        if shows_content(entry, page.summaries):
            fe.content(xml_text(entry.content_html), type="html")
        else:  # description() made the summary Atom's content too: none, as feedgen has no call for it
            fe._FeedEntry__atom_content = None
            fe.link(href=entry.link, rel="alternate")
            fe.syndicate.linked_for_feedgen = True
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
    """The Atom document of `page`, its entries written by feedgen and lxml."""
    written = _generator(page, page.atom_url).atom_str(pretty=True, encoding="UTF-8")
    return _with_stylesheet(plain_references(written, ATOM_PLAIN), page.stylesheet)


def rss_document(page: FeedPage) -> bytes:
    """The RSS document of `page`, its items written by feedgen and lxml."""
    written = _generator(page, page.rss_url).rss_str(pretty=True, encoding="UTF-8")
    # an item's description is HTML; the channel's (before the first item) is plain text
    head, item, items = written.partition(b"<item>")
    document = plain_references(head, (*RSS_PLAIN, b"description")) + item + plain_references(items, RSS_PLAIN)
    return _with_stylesheet(document, page.stylesheet)


#: the elements of plain text the documents have (HTML, ids, URLs and dates are not)
ATOM_PLAIN = (b"title", b"subtitle", b"rights", b"summary", b"name")
RSS_PLAIN = (b"title", b"copyright", b"category", b"dc:creator", b"dc:rights")


def plain_references(document: bytes, names: tuple[bytes, ...]) -> bytes:
    """`document` with `&amp;` and `&lt;` in the text of the elements `names` written `&#x26;` and `&#x3C;`."""
    pattern = re.compile(rb"(<(%s)>)([^<]*)(</\2>)" % b"|".join(map(re.escape, names)))

    def rewritten(found: re.Match[bytes]) -> bytes:
        text = found[3].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return found[1] + text + found[4]

    return pattern.sub(rewritten, document)


def _with_stylesheet(document: bytes, stylesheet: str | None) -> bytes:
    if not stylesheet:
        return document
    declaration, _, rest = document.partition(b"\n")
    instruction = f'<?xml-stylesheet type="text/xsl" href="{stylesheet}"?>'.encode()
    return declaration + b"\n" + instruction + b"\n" + rest
