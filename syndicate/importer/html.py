"""A saved or fetched HTML page: its article as Markdown, and what its markup states.

The article, with the standard library's html.parser: the first <article>,
else <main>, else <body>; navigation, asides, forms and scripts are left out.
Links and images are made absolute against the page's address, which is what
they mean on the page. The markup's own statements (JSON-LD, Open Graph,
rel="license", ...) are read beside it by metadata.py, with extruct and lxml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from syndicate.importer.metadata import PageFacts, read_metadata

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
class Page:
    markdown: str
    facts: PageFacts
    #: the page's other blocks, outside its <article> (an editor's note "This post originally appeared on X")
    outside: list[str] = field(default_factory=list)
    #: the blocks that were figure captions (<figcaption>): a licence in one is the picture's
    captions: frozenset[str] = frozenset()


def read_html(html: str, base_url: str | None = None) -> Page:
    reader = _Reader(base_url)
    reader.feed(html)
    reader.close()
    reader.flush()
    markdown, outside = reader.article_markdown()
    return Page(markdown, read_metadata(html, base_url), outside, frozenset(reader.captions))


class _Reader(HTMLParser):
    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self.blocks: list[str] = []
        self.inline: list[str] = []
        self.marks: list[tuple[str, int, str]] = []  # (tag, where its content starts in inline, href)
        self.skip: list[str] = []
        self.lists: list[str] = []
        self.quote = 0
        self.pre: list[str] | None = None
        self.scopes: dict[str, list[int]] = {}
        self.open_scopes: list[tuple[str, int]] = []
        self.item_open = False
        self.captions: list[str] = []

    # -- tags --
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k.lower(): v or "" for k, v in attrs}
        self._base(tag, attributes)
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
        if self.skip:
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag in ("a", *_EMPHASIS):
            self._close_mark(tag)
        if tag in _BLOCKS:
            before = len(self.blocks)
            self._end_block(tag)
            if tag == "figcaption" and len(self.blocks) > before:
                self.captions.append(self.blocks[-1].strip())
        for name, start in list(self.open_scopes):
            if name == tag:
                self.flush()
                self.scopes[name] = [start, len(self.blocks)]
                self.open_scopes.remove((name, start))

    def handle_data(self, data: str) -> None:
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
            if marker is None:  # "1986. A season" is not a list: "1986\. A season"
                text = _LINE_START.sub(lambda m: m.group(1) + re.sub(r"^(\d*)", r"\1\\", m.group(2)), text)
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

    def article_markdown(self) -> tuple[str, list[str]]:
        """The article's blocks as Markdown, and the blocks outside it."""
        for name in ("article", "main"):
            if name in self.scopes:
                start, end = self.scopes[name]
                if any(b.strip() for b in self.blocks[start:end]):
                    return "\n\n".join(self.blocks[start:end]), self.blocks[:start] + self.blocks[end:]
        return "\n\n".join(self.blocks), []

    # -- the address links resolve against --
    def _base(self, tag: str, attributes: dict[str, str]) -> None:
        href = attributes.get("href", "")
        rel = set(attributes.get("rel", "").lower().split())
        if self.base is None and (
            (tag == "link" and "canonical" in rel and re.match(r"https?://", href)) or (tag == "base" and href)
        ):
            self.base = href  # a saved page's links mean what they meant at its address


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)
