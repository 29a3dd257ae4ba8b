"""One feed entry, and its Atom `<entry>` and RSS `<item>` as UTF-8 bytes, written directly.

feedgen and lxml took well over 100 us an entry (an element tree built, then
serialised, for every page that shows the entry); these functions write the
same bytes by joining escaped strings, in a few tens of microseconds, and an
entry several documents show is written once a build (`WrittenEntries`).

The fast path "feed-entries", and what it buys (BENCHMARKS.md, "Fast paths";
SYNDICATE_LIBRARY_ONLY=feed-entries leaves it out, and feedgen writes every
document whole): feeds 10,000 articles: 12.72 s -> 9.38 s (26%), run cold 29%.
Its library side is entries_feedgen.py (feedgen 1.0, hence feedgen's upper
pin), its one differential test tests/test_feed_xml.py.

"The same bytes" are what lxml writes from feedgen 1.0.0 and our extension
(entries_feedgen.py): its element order, pretty-printed indentation (an
entry's children two spaces deeper than it), `<x/>` for an element whose text
was never set but `<x></x>` for an empty one, and libxml2's escaping, but for
one difference: in plain text (titles, names, categories, rights, the Atom
summary; not HTML, ids or URLs) `&` and `<` are written `&#x26;` and `&#x3C;`,
as the RSS Best Practices Profile asks (the W3C validator warns otherwise),
where lxml writes `&amp;` and `&lt;` (entries_feedgen.py rewrites them). Dates
are feedgen's: isoformat for Atom, RFC 822 in the C locale for RSS; a naive
entry date is refused as feedgen refuses it.

Characters XML forbids are removed from texts (`xml_text`); in identifiers and
URLs they are refused with ValueError, as lxml refuses them. Entries nearly
never have any, so an entry is written once as is and checked; only one that
fails the check is written again, cleaning each field.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from syndicate.articles.article import Author
from syndicate.characters import XML_INVALID, xml_text

#: the forbidden characters left to find in UTF-8 (a surrogate does not encode; U+FFFE and U+FFFF are found apart)
_C0 = bytes(c for c in range(32) if c not in b"\t\n\r")
#: what a title or name shows when nothing of it is left once the characters XML forbids are gone
UNTITLED = "(untitled)"
#: what feedgen's entries and lxml say when they refuse a value
_NO_TIMEZONE = "Datetime object has no timezone info"
_INCOMPATIBLE = "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class SourceInfo:
    """Atom `source`: the feed-like description of where the entry came from."""

    id: str
    title: str
    updated: dt.datetime
    link: str
    rights: str


@dataclass(frozen=True)
class PageRights:
    """An entry's rights as the feeds' page shows them: the statement, and the licence apart from it
    (the feeds' rights text names the licence, and the page would name it twice)."""

    statement: str  #: the copyright notice and the terms, without the licence
    licence: str = ""  #: its short name ("CC BY-ND 4.0"); "" when the statement says it all
    licence_url: str | None = None
    licence_title: str = ""  #: its full name


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str | None
    summary: str
    content_html: str
    authors: tuple[Author, ...]
    published: dt.datetime
    updated: dt.datetime
    categories: tuple[str, ...]
    rights: str
    license_url: str | None
    license_title: str
    #: the licence URL when it is a Creative Commons licence (for the CC RSS module)
    cc_license: str | None
    source: SourceInfo | None
    via: str | None
    related: str | None
    #: for the feeds' page (page_html.py); None: it shows `rights` as the statement
    page_rights: PageRights | None = None


#: what a builder applies to a text (`clean`) and to an identifier or URL (`raw`) before writing it
_Field = Callable[[str], str]


class _Forbidden(Exception):
    """A character XML forbids, found on the first writing: write the entry again, field by field."""


def shows_content(entry: FeedEntry, summaries: bool) -> bool:
    """Whether the entry carries its content (the article's HTML): always, but in a document of
    summaries ([feeds] archive_content = "summary": archive pages and tag feeds), where an entry
    with a summary and a link carries those alone (summary_suffices)."""
    return not (summaries and summary_suffices(entry.link, entry.summary))


def summary_suffices(link: str | None, summary: str) -> bool:
    """Whether a document of summaries shows an entry of this link and summary without its content.
    An entry without either keeps its content: an Atom entry without content must link to it
    (RFC 4287, 4.1.1), and a reader needs something to show."""
    return bool(link and xml_text(summary).strip())


def atom_entry(entry: FeedEntry, summaries: bool = False) -> bytes:
    """The `<entry>` feedgen would write into an Atom feed, with its indentation and final newline;
    `summaries`: as a document of summaries shows it (shows_content)."""
    return _written(_atom, entry, shows_content(entry, summaries))


def rss_item(entry: FeedEntry, summaries: bool = False) -> bytes:
    """The `<item>` feedgen would write into an RSS channel, with its indentation and final newline;
    `summaries`: as a document of summaries shows it (shows_content)."""
    return _written(_rss, entry, shows_content(entry, summaries))


def _written(build: Callable[[FeedEntry, _Field, _Field, bool], bytes], entry: FeedEntry, content: bool) -> bytes:
    if entry.published.tzinfo is None or entry.updated.tzinfo is None:
        raise ValueError(_NO_TIMEZONE)
    try:
        written = build(entry, _as_is, _as_is, content)
        if len(written.translate(None, _C0)) == len(written):
            return written
    except (_Forbidden, UnicodeEncodeError):  # a lone surrogate does not encode
        pass
    return build(entry, xml_text, _compatible, content)


def _as_is(value: str) -> str:
    if "\ufffe" in value or "\uffff" in value:
        raise _Forbidden
    return value


def _compatible(value: str) -> str:
    if XML_INVALID.search(value):
        raise ValueError(_INCOMPATIBLE)
    return value


def _text(value: str) -> bytes:
    """Text content as libxml2 escapes it (escaping UTF-8 bytes is several times faster than a str)."""
    data = value.encode()
    return data.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;").replace(b"\r", b"&#13;")


def _plain(value: str) -> bytes:
    """Plain text (a title, a name, rights; not HTML) with `&` and `<` as hexadecimal character
    references, as the RSS Best Practices Profile asks: the W3C validator warns about a title whose
    text reads like markup ("&amp;", "<b") unless they are written so. `>` and CR as in `_text`."""
    data = value.encode()
    return data.replace(b"&", b"&#x26;").replace(b"<", b"&#x3C;").replace(b">", b"&gt;").replace(b"\r", b"&#13;")


def _attribute(value: str) -> bytes:
    """An attribute value as libxml2 escapes it: text's escapes, and quotes and whitespace but spaces."""
    return _text(value).replace(b'"', b"&quot;").replace(b"\n", b"&#10;").replace(b"\t", b"&#9;")


def _element(start: bytes, text: str, end: bytes) -> bytes:
    """An element whose text was set, even to "" (`<x></x>`), on its own line."""
    return start + _text(text) + end


def _plain_element(start: bytes, text: str, end: bytes) -> bytes:
    """`_element`, of plain text."""
    return start + _plain(text) + end


def _atom(e: FeedEntry, clean: _Field, raw: _Field, with_content: bool) -> bytes:
    if not e.id:
        raise ValueError("Required fields not set")  # feedgen's atom_entry
    parts = [
        b"  <entry>\n",
        _element(b"    <id>", raw(e.id), b"</id>\n"),
        _plain_element(b"    <title>", clean(e.title) or UNTITLED, b"</title>\n"),
        _element(b"    <updated>", e.updated.isoformat(), b"</updated>\n"),
    ]
    for author in e.authors:
        parts += (b"    <author>\n", _plain_element(b"      <name>", clean(author.name) or UNTITLED, b"</name>\n"))
        if author.url:
            parts.append(_element(b"      <uri>", raw(author.url), b"</uri>\n"))
        parts.append(b"    </author>\n")
    # feedgen sets the text of content and summary only when it is not empty (`<x/>` else); a summary
    # with nothing left once cleaned is still written
    if with_content:
        content = clean(e.content_html)
        parts.append(
            b'    <content type="html">%s</content>\n' % _text(content) if content else b'    <content type="html"/>\n'
        )
    if e.summary:
        summary = clean(e.summary)
        parts.append(_plain_element(b"    <summary>", summary, b"</summary>\n") if summary else b"    <summary/>\n")
    parts.append(_element(b"    <published>", e.published.isoformat(), b"</published>\n"))
    for rel, href, title in _links(e):
        titled = b' title="%s"' % _attribute(raw(title)) if title else b""
        parts.append(b'    <link rel="%s" href="%s"%s/>\n' % (rel, _attribute(raw(href)), titled))
    parts += (b'    <category term="%s"/>\n' % _attribute(clean(category)) for category in e.categories)
    parts.append(_plain_element(b"    <rights>", clean(e.rights), b"</rights>\n"))
    if e.source is not None:
        source = e.source
        parts += (
            b"    <source>\n",
            _element(b"      <id>", raw(source.id), b"</id>\n"),
            _plain_element(b"      <title>", clean(source.title), b"</title>\n"),
            _element(b"      <updated>", source.updated.isoformat(), b"</updated>\n"),
            b'      <link rel="alternate" href="%s"/>\n' % _attribute(raw(source.link)),
            _plain_element(b"      <rights>", clean(source.rights), b"</rights>\n"),
            b"    </source>\n",
        )
    parts.append(b"  </entry>\n")
    return b"".join(parts)


def _links(e: FeedEntry) -> list[tuple[bytes, str, str]]:
    links = [(b"alternate", e.link, "")] if e.link else []
    if e.license_url:
        links.append((b"license", e.license_url, e.license_title))
    if e.via:
        links.append((b"via", e.via, ""))
    if e.related:
        links.append((b"related", e.related, ""))
    return links


def _rss(e: FeedEntry, clean: _Field, raw: _Field, with_content: bool) -> bytes:
    parts = [b"    <item>\n", _plain_element(b"      <title>", clean(e.title) or UNTITLED, b"</title>\n")]
    # RSS readers take an item's description as HTML: a plain-text summary is escaped for it;
    # with no summary left, feedgen makes the content the description
    description = html.escape(clean(e.summary), quote=False) if e.summary else ""
    content = clean(e.content_html) if with_content else ""
    if description:
        parts.append(_element(b"      <description>", description, b"</description>\n"))
        if with_content:
            parts.append(_element(b"      <content:encoded>", content, b"</content:encoded>\n"))
    else:
        parts.append(_element(b"      <description>", content, b"</description>\n"))
    if e.id:
        parts.append(b'      <guid isPermaLink="false">%s</guid>\n' % _text(raw(e.id)))
    parts.append(_element(b"      <pubDate>", rfc822(e.published), b"</pubDate>\n"))
    if e.link:
        parts.append(_element(b"      <link>", raw(e.link), b"</link>\n"))
    parts += (_plain_element(b"      <dc:creator>", clean(author.name), b"</dc:creator>\n") for author in e.authors)
    parts += (_plain_element(b"      <category>", clean(category), b"</category>\n") for category in e.categories)
    parts.append(_plain_element(b"      <dc:rights>", clean(e.rights), b"</dc:rights>\n"))
    if e.cc_license:
        parts.append(_element(b"      <creativeCommons:license>", raw(e.cc_license), b"</creativeCommons:license>\n"))
    parts.append(b"    </item>\n")
    return b"".join(parts)


def rfc822(when: dt.datetime) -> str:
    """feedgen's formatRFC2822 (strftime in the C locale), without switching the process's locale."""
    return when.strftime(f"{_DAYS[when.weekday()]}, %d {_MONTHS[when.month - 1]} %Y %H:%M:%S %z")


#: how many bytes of written entries a build keeps for the documents that show them again
KEEP_BYTES = 16 * 1024 * 1024


def _summary_of(write: Callable[[FeedEntry, bool], bytes]) -> Callable[[FeedEntry], bytes]:
    return lambda entry: write(entry, True)


#: how each format writes an entry: Atom `<entry>`, RSS `<item>`, each also as a document of summaries
#: shows it ("-summary"; generate.py adds the page's `<article>`)
WRITERS: Mapping[str, Callable[[FeedEntry], bytes]] = {
    "atom": atom_entry,
    "rss": rss_item,
    "atom-summary": _summary_of(atom_entry),
    "rss-summary": _summary_of(rss_item),
}


class WrittenEntries:
    """The entries of one build, each written once per format: an entry that several documents
    show (its archive page, up to five tag feeds, their pages) is kept from its first use to its
    last, within `budget` bytes; the others are written and let go. `uses` are the (index, format)
    of every entry every document will ask for, in any order; `writers` write each format.

    The counts hold only in the process that made them: a forked worker builds some of the
    documents, so it would keep entries whose other uses are another worker's; there each use
    is written and nothing is kept."""

    def __init__(
        self,
        entries: Sequence[FeedEntry],
        uses: Iterable[tuple[int, str]],
        budget: int = KEEP_BYTES,
        writers: Mapping[str, Callable[[FeedEntry], bytes]] = WRITERS,
    ) -> None:
        self._entries, self._writers = entries, writers
        #: uses still to come, of the entries used more than once
        self._left = {use: count for use, count in Counter(uses).items() if count > 1}
        self._kept: dict[tuple[int, str], tuple[dt.datetime, bytes]] = {}
        self._room = budget
        self._pid = os.getpid()

    def get(self, index: int, form: str) -> tuple[dt.datetime, bytes]:
        """Entry `index`'s updated date, and the entry written in format `form` ("atom", "rss", ...)."""
        if os.getpid() != self._pid:
            entry = self._entries[index]
            return entry.updated, self._writers[form](entry)
        key = (index, form)
        left = self._left.pop(key, 1) - 1
        if left > 0:
            self._left[key] = left
        kept = self._kept.get(key) if left > 0 else self._kept.pop(key, None)
        if kept is None:
            entry = self._entries[index]
            kept = entry.updated, self._writers[form](entry)
            if left > 0 and len(kept[1]) <= self._room:
                self._kept[key] = kept
                self._room -= len(kept[1])
        elif left <= 0:
            self._room += len(kept[1])
        return kept
