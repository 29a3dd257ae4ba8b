"""Checks shared by the hostile-input tests: safe HTML, well-formed feeds, known finding codes."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import feedparser
from lxml import etree
from lxml import html as lxml_html

from syndicate.articles.article import Author
from syndicate.feeds import feed_xml
from syndicate.findings import Code

#: every finding code the tool may emit (the loader's file-too-large too, until findings.Code has it)
KNOWN_CODES = frozenset({value for name, value in vars(Code).items() if name.isupper()} | {"file-too-large"})

#: what render.py lets through, and the attribution block's own elements
ALLOWED_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "em", "figcaption", "figure", "h1",
     "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
     "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "footer"}
)  # fmt: skip
ALLOWED_ATTRIBUTES = frozenset({"href", "title", "src", "alt", "width", "height", "start", "colspan", "rowspan",
                                "style", "rel", "class"})  # fmt: skip
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
#: what browsers ignore inside a scheme ("java\tscript:")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _elements(markup: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element with its attributes, as Python's parser and libxml2's HTML parser both see them."""
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    found = list(parser.found)
    if markup.strip():
        for root in lxml_html.fragments_fromstring(markup):
            if isinstance(root, str):
                continue
            for element in root.iter():
                if isinstance(element.tag, str):
                    found.append((element.tag.lower(), [(k.lower(), v) for k, v in element.attrib.items()]))
    return found


def unsafe_url(value: str) -> bool:
    cleaned = _IGNORED_IN_URLS.sub("", value).lower()
    match = _SCHEME.match(cleaned)
    return match is not None and match.group(1) not in SAFE_SCHEMES


def assert_safe_html(markup: str) -> None:
    """No script, no event handler, no style beyond text-align, no URL but http(s), mailto or relative."""
    lowered = markup.lower()
    assert "<script" not in lowered, markup
    assert "<style" not in lowered, markup
    for tag, attrs in _elements(markup):
        assert tag in ALLOWED_TAGS, (tag, markup)
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES, (tag, name, markup)
            assert not name.startswith("on"), (tag, name, markup)
            if name in URL_ATTRIBUTES and value:
                assert not unsafe_url(value), (tag, name, value, markup)
            if name == "style" and value:
                properties = {p.split(":")[0].strip().lower() for p in value.split(";") if p.strip()}
                assert properties <= {"text-align"}, (tag, value, markup)


def assert_safe_copy(markup: str) -> None:
    """A whole copy: safe HTML, and one JSON-LD script that cannot end early."""
    scripts = re.findall(r"<script[^>]*>(.*?)</script>\n?", markup, re.DOTALL | re.IGNORECASE)
    assert len(scripts) == 1, markup
    assert "<" not in scripts[0], scripts[0]
    opening = '<script type="application/ld+json">'
    assert markup.count(opening) == 1
    before, _, rest = markup.partition(opening)
    assert_safe_html(before + rest.partition("</script>")[2])


def assert_feed_ok(document: bytes, name: str = "feed") -> Any:
    """Well-formed XML that feedparser reads without complaint; returns feedparser's result."""
    etree.fromstring(document)
    parsed = feedparser.parse(document)
    assert not parsed.bozo, (name, parsed.get("bozo_exception"))
    return parsed


def entry(title: str) -> feed_xml.FeedEntry:
    """A feed entry with this title and nothing else of note."""
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return feed_xml.FeedEntry(
        "tag:x.example,2026:a", title, "https://x.example/a", "", "<p>x</p>", (Author("A"),), when, when, (), "©",
        None, "", None, None, None, None
    )  # fmt: skip
