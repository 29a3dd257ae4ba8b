"""A saved or fetched HTML page: its article as Markdown, and what its markup states.

Only the standard library's html.parser. The article is the first <article>,
else <main>, else <body>; navigation, asides, forms and scripts are left out.
Links and images are made absolute against the page's address, which is what
they mean on the page. The markup's own statements are collected beside it:
<link rel="canonical">, rel="license", Open Graph and article meta tags, and
schema.org JSON-LD (headline, author, dates, publisher, licence, copyright).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "nav", "aside", "form", "button", "iframe",
                   "select", "head", "title", "object", "canvas", "dialog"})  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_BLOCKS = frozenset({"p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
                     "h6", "li", "blockquote", "pre", "figure", "figcaption", "table", "tr", "dl", "dt", "dd",
                     "ul", "ol", "address", "hr", "body"})  # fmt: skip
_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**"}
_ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle",
                            "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "ScholarlyArticle",
                            "TechArticle", "Report", "SocialMediaPosting", "LiveBlogPosting"})  # fmt: skip
_ESCAPE = re.compile(r"([\\`*_\[\]<])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


@dataclass
class PageFacts:
    """What the page's markup states, each with where it said it (for the report)."""

    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def put(self, key: str, value: Any, where: str) -> None:
        if value not in (None, "", []) and key not in self.values:
            self.values[key] = value
            self.where[key] = where


@dataclass
class Page:
    markdown: str
    facts: PageFacts


def read_html(html: str, base_url: str | None = None) -> Page:
    reader = _Reader(base_url)
    reader.feed(html)
    reader.close()
    reader.flush()
    facts = reader.facts
    for raw in reader.json_ld:
        _read_json_ld(raw, facts)
    return Page(reader.article_markdown(), facts)


class _Reader(HTMLParser):
    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self.facts = PageFacts()
        self.json_ld: list[str] = []
        self.blocks: list[str] = []
        self.inline: list[str] = []
        self.marks: list[tuple[str, int, str]] = []  # (tag, where its content starts in inline, href)
        self.skip: list[str] = []
        self.lists: list[str] = []
        self.quote = 0
        self.pre: list[str] | None = None
        self.script_type = ""
        self.script: list[str] = []
        self.scopes: dict[str, list[int]] = {}
        self.open_scopes: list[tuple[str, int]] = []
        self.title: list[str] | None = None
        self.item_open = False

    # -- tags --
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k.lower(): v or "" for k, v in attrs}
        self._facts(tag, attributes)
        if tag == "script":
            self.script_type, self.script = attributes.get("type", "").lower(), []
        if tag == "title" and self.title is None:
            self.title = []
        if self.skip or tag in _SKIP:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in ("article", "main") and tag not in self.scopes:
            self.flush()
            self.open_scopes.append((tag, len(self.blocks)))
        if tag in _BLOCKS or tag == "br":
            self._start_block(tag)
        if tag == "a":
            self.marks.append(("a", len(self.inline), self._absolute(attributes.get("href", ""))))
        elif tag in _EMPHASIS:
            self.marks.append((tag, len(self.inline), ""))
        elif tag == "img":
            src = self._absolute(attributes.get("src", ""))
            if src and not src.startswith("data:"):
                self.inline.append(f"![{_escape(attributes.get('alt', '').strip())}]({src})")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script_type == "application/ld+json":
            self.json_ld.append("".join(self.script))
            self.script_type = ""
        if tag == "title" and self.title is not None:
            self.facts.put("page_title", " ".join("".join(self.title).split()), "<title>")
        if self.skip:
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag in ("a", *_EMPHASIS):
            self._close_mark(tag)
        if tag in _BLOCKS:
            self._end_block(tag)
        for name, start in list(self.open_scopes):
            if name == tag:
                self.flush()
                self.scopes[name] = [start, len(self.blocks)]
                self.open_scopes.remove((name, start))

    def handle_data(self, data: str) -> None:
        if self.script_type:
            self.script.append(data)
        if self.title is not None and "page_title" not in self.facts.values:
            self.title.append(data)
        if self.skip:
            return
        if self.pre is not None:
            self.pre.append(data)
        else:
            self.inline.append(_escape(re.sub(r"\s+", " ", data)))

    # -- blocks --
    def _start_block(self, tag: str) -> None:
        if tag == "br":
            self.inline.append("  \n")
            return
        self.flush()
        if tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre = []
        elif tag == "hr":
            self._add("---")
        if tag in ("ul", "ol") and len(self.lists) == 1:
            self.item_open = False
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.inline.append("#" * int(tag[1]) + " ")
        elif tag == "li":
            depth = max(len(self.lists) - 1, 0)
            self.inline.append("  " * depth + ("1. " if self.lists and self.lists[-1] == "ol" else "- "))

    def _end_block(self, tag: str) -> None:
        if tag == "pre" and self.pre is not None:
            code, self.pre = "".join(self.pre).strip("\n"), None
            self._add(f"```\n{code}\n```")
            return
        self.flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)

    def flush(self) -> None:
        while self.marks:  # an element left open at a block's end
            self._close_mark(self.marks[-1][0])
        text = "".join(self.inline)
        self.inline = []
        lines = [line.strip() for line in text.split("  \n")]
        text = "  \n".join(line for line in lines if line)
        if text.strip("#-0123456789. ").strip():
            marker = re.match(r"^(#{1,6} |\s*- |\s*1\. )", text)
            if marker is None:
                text = _LINE_START.sub(r"\1\\\2", text)
            self._add(text, item=marker is not None and not marker.group(1).startswith("#"))

    def _add(self, block: str, item: bool = False) -> None:
        if self.quote:
            block = "\n".join("> " * self.quote + line for line in block.split("\n"))
        if item and self.item_open and self.blocks:
            self.blocks[-1] += "\n" + block  # items of one list stay one tight list
        else:
            self.blocks.append(block)
        self.item_open = item

    def _close_mark(self, tag: str) -> None:
        for index in range(len(self.marks) - 1, -1, -1):
            if self.marks[index][0] == tag:
                name, start, href = self.marks.pop(index)
                content = "".join(self.inline[start:])
                stripped = content.strip()
                lead, trail = content[: len(content) - len(content.lstrip())], content[len(content.rstrip()) :]
                if name == "a":
                    wrapped = f"[{stripped}]({href})" if href and stripped else stripped
                else:
                    mark = _EMPHASIS[name]
                    wrapped = f"{mark}{stripped}{mark}" if stripped else ""
                self.inline[start:] = [lead + wrapped + trail]
                return

    def _absolute(self, href: str) -> str:
        href = href.strip()
        if not href or href.lower().startswith("javascript:"):
            return ""  # the text stays, without a link
        if href.startswith("#"):
            return href
        return urljoin(self.base, href) if self.base else href

    def article_markdown(self) -> str:
        for name in ("article", "main"):
            if name in self.scopes:
                start, end = self.scopes[name]
                if any(b.strip() for b in self.blocks[start:end]):
                    return "\n\n".join(self.blocks[start:end])
        return "\n\n".join(self.blocks)

    # -- what the markup states --
    def _facts(self, tag: str, attributes: dict[str, str]) -> None:
        rel = set(attributes.get("rel", "").lower().split())
        href = attributes.get("href", "")
        if tag == "link" and "canonical" in rel:
            self.facts.put("canonical", self._absolute(href), '<link rel="canonical">')
            if self.base is None and re.match(r"https?://", href):
                self.base = href  # a saved page's links mean what they meant at its address
        if tag == "base" and href and self.base is None:
            self.base = href
        if tag in ("link", "a") and "license" in rel and href:
            self.facts.put("license_url", self._absolute(href), f'<{tag} rel="license">')
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or "").lower()
            content = attributes.get("content", "").strip()
            where = f'<meta {"property" if "property" in attributes else "name"}="{key}">'
            target = _META.get(key)
            if target:
                self.facts.put(target, content, where)


_META = {
    "og:title": "title",
    "og:site_name": "site_name",
    "og:url": "url",
    "og:description": "description",
    "description": "description",
    "article:published_time": "published",
    "article:modified_time": "modified",
    "author": "author",
    "dc.creator": "author",
    "dc.rights": "rights",
    "dcterms.license": "license_url",
}


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _read_json_ld(raw: str, facts: PageFacts) -> None:
    try:
        data = json.loads(raw)
    except ValueError:
        facts.notes.append("a schema.org JSON-LD block is not valid JSON: not read")
        return
    for item in _items(data):
        types = item.get("@type")
        type_set = {types} if isinstance(types, str) else set(types) if isinstance(types, list) else set()
        if not type_set & _ARTICLE_TYPES:
            continue
        where = f"schema.org {sorted(type_set & _ARTICLE_TYPES)[0]}"
        facts.put("title", _text(item.get("headline")), f"{where} headline")
        facts.put("subtitle", _text(item.get("alternativeHeadline")), f"{where} alternativeHeadline")
        facts.put("authors", _people(item.get("author")), f"{where} author")
        facts.put("published", _text(item.get("datePublished")), f"{where} datePublished")
        facts.put("modified", _text(item.get("dateModified")), f"{where} dateModified")
        facts.put("site_name", _name(item.get("publisher")), f"{where} publisher")
        facts.put("license_url", _name(item.get("license")) or _text(item.get("license")), f"{where} license")
        facts.put("copyright_holder", _name(item.get("copyrightHolder")), f"{where} copyrightHolder")
        year = item.get("copyrightYear")
        if isinstance(year, int | str) and str(year).isdigit():
            facts.put("copyright_year", int(year), f"{where} copyrightYear")
        facts.put("json_ld_url", _text(item.get("url")), f"{where} url")


def _items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [i for d in data for i in _items(d)]
    if isinstance(data, dict):
        return [data, *_items(data.get("@graph", []))]
    return []


def _text(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("url")) or _text(value.get("@id"))
    return _text(value)


def _people(value: Any) -> list[dict[str, str]]:
    people: list[dict[str, str]] = []
    for item in value if isinstance(value, list) else [value]:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if not name or re.match(r"https?://", name):
            continue
        person = {"name": name}
        url = _text(item.get("url")) if isinstance(item, dict) else None
        if url and re.match(r"https?://[^\s/?#]+", url):
            person["url"] = url
        people.append(person)
    return people
