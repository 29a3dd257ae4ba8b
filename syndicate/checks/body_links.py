"""Links in an article body that break in a copy: placeholders ("#", "") and relative addresses.

The body is checked as a copy will carry it: rendered by cmark-gfm, so that
Markdown links, reference links, autolinks and raw HTML <a href> elements are
all seen (and a Markdown-looking link inside a raw HTML block, which renders
as text, is not). Two passes, because nearly every article passes: a regular
expression over the HTML says whether every link is absolute; only when one
is not is the HTML parsed, with source positions, to name each bad link and
the line it is written on.

The fast path ("body-links"): a body that cmark cannot give a bad link is
passed without rendering it (`plainly_absolute`): no "<" (raw HTML,
autolinks), no "]:" (reference definitions), and every "](" (where an inline
link's address starts) followed at once by https://, http://, mailto: or
"#" and a name. Anything else is rendered as above. What it buys
(BENCHMARKS.md, "Fast paths"; SYNDICATE_LIBRARY_ONLY=body-links leaves it out):
cmark's render and the two passes over its HTML in `validate`, which renders
no copy; `feeds` and `run` render each body for the copy anyway. One
differential test: tests/test_body_links.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from syndicate import fast_paths
from syndicate.render.commonmark import to_html

#: every <a ...> opening, however written (raw HTML may say <A HREF=...>)
_ANCHOR = re.compile(r"<a[\s>/]", re.IGNORECASE)
#: an opening as cmark writes a good link: absolute, mail, or a fragment within the page
_GOOD_ANCHOR = re.compile(r'<a href="(?:https?://|mailto:|#[^"])')
_SOURCEPOS = re.compile(r"^(\d+):\d+-(\d+):\d+$")
_ANYWHERE = 1 << 30
#: where an inline link's (or image's) address starts: "](" and what follows it at once
_INLINE_ADDRESS = re.compile(r"\]\((?!https?://|mailto:|#[\w-])")
#: the fast path (below: cmark alone, for measuring it)
_FAST = fast_paths.enabled("body-links")


@dataclass(frozen=True)
class BadLink:
    """A link whose address breaks in a copy."""

    line: int  #: 0-based line of the body where it is written (else where its block starts)
    text: str  #: the link's text
    href: str  #: its address as rendered
    #: "" or "#": the address was lost (placeholder-link); else it is relative (relative-link)
    placeholder: bool


def all_links_absolute(html: str) -> bool:
    """True when every <a> of `html` (cmark's output) is an absolute, mailto or #fragment link."""
    return len(_ANCHOR.findall(html)) == len(_GOOD_ANCHOR.findall(html))


def plainly_absolute(body: str) -> bool:
    """True when no link cmark makes of `body` can be a placeholder or relative, as read from
    the Markdown alone; False when it cannot tell (then the body is rendered and looked at).

    CommonMark makes an <a href> of raw HTML and autolinks (both need "<"), of a reference
    with its definition ("[label]:", the colon right after the bracket) and of an inline link,
    whose "](" is followed by optional whitespace and its address: here it must be followed at
    once by an absolute address or a "#name". (GitHub's autolink extension, which links bare
    www. addresses, is not used: commonmark.py.)
    """
    return "<" not in body and "]:" not in body and _INLINE_ADDRESS.search(body) is None


def bad_links(body: str, html: str | None = None) -> list[BadLink]:
    """Every link of `body` that is a placeholder or relative, in document order.

    `html` is the body already rendered by `commonmark.to_html(body)`, if at hand.
    """
    if html is None and _FAST and plainly_absolute(body):
        return []
    if html is None:
        html = to_html(body)  # as the copy renders it: the same HTML serves both
    if all_links_absolute(html):
        return []
    if "data-sourcepos" not in html:
        html = to_html(body, sourcepos=True)
    parser = _Anchors()
    parser.feed(html)
    parser.close()
    lines = body.split("\n")
    found = []
    for href, text, block in parser.anchors:
        href = href.strip()
        if href.startswith(("http://", "https://", "mailto:")) or (href.startswith("#") and len(href) > 1):
            continue
        found.append(BadLink(_line_in(lines, block, text, href), text, href, href in ("", "#")))
    return found


def _line_in(lines: list[str], block: tuple[int, int], text: str, href: str) -> int:
    """The line, within a block, where the link is written; else the block's first line."""
    start, end = block[0], min(block[1] + 1, len(lines))
    for needle in (f"[{text}]({href}", f"]({href}", f'href="{href}"', f"href='{href}'"):
        for index in range(start, end):
            if needle.casefold() in lines[index].casefold():  # raw HTML may say HREF
                return index
    return start


class _Anchors(HTMLParser):
    """(href, text, (first line, last line) of the enclosing block) of every <a href>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str, tuple[int, int]]] = []
        self._blocks: list[tuple[str, tuple[int, int]]] = []
        self._open: tuple[str, list[str], tuple[int, int]] | None = None

    def _block(self) -> tuple[int, int]:
        # raw HTML has no source position: then the link may be anywhere in the body
        return self._blocks[-1][1] if self._blocks else (0, _ANYWHERE)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        position = _SOURCEPOS.match(values.get("data-sourcepos") or "")
        if position is not None:
            self._blocks.append((tag, (int(position.group(1)) - 1, int(position.group(2)) - 1)))
        if tag == "a" and values.get("href") is not None:
            self._close_anchor()  # an <a> inside an <a>: HTML closes the first
            self._open = (str(values["href"]), [], self._block())

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close_anchor()
        if self._blocks and self._blocks[-1][0] == tag:
            self._blocks.pop()

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)

    def close(self) -> None:
        super().close()
        self._close_anchor()

    def _close_anchor(self) -> None:
        if self._open is not None:
            href, text, block = self._open
            self.anchors.append((href, "".join(text), block))
            self._open = None
