"""Markdown to HTML with cmark-gfm: the one parser that copies, feeds and checks share.

CommonMark with GitHub's table and strikethrough (`~~`) extensions; raw HTML
and every URL are let through, because sanitising is one separate step
(`render.sanitise`) that decides alone what a copy may carry. cmark-gfm is
C: about twenty times faster than the pure-Python markdown-it-py it replaced
(BENCHMARKS.md), with the same HTML on CommonMark input except that
strikethrough is written <del> (GitHub's form) instead of <s>.
"""

from __future__ import annotations

import functools
import re
from html import unescape

import cmarkgfm
from cmarkgfm.cmark import Options

_OPTIONS = (
    Options.CMARK_OPT_UNSAFE  # raw HTML and all URLs through: the sanitiser decides
    | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES  # style="text-align: ...", not align=...
    | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE  # ~one~ stays text, as in CommonMark
)
_EXTENSIONS = ("table", "strikethrough")
_FIRST_HREF = re.compile(r'<a href="([^"]*)"')


def to_html(markdown: str, sourcepos: bool = False) -> str:
    """The HTML of `markdown`, unsanitised; `sourcepos` adds data-sourcepos="LINE:COL-LINE:COL"
    to block elements (1-based lines of `markdown`)."""
    options = _OPTIONS | (Options.CMARK_OPT_SOURCEPOS if sourcepos else 0)
    try:
        return str(cmarkgfm.markdown_to_html_with_extensions(markdown, options, list(_EXTENSIONS)))
    except UnicodeEncodeError:  # lone surrogates: no file can hold them, but a str can
        text = markdown.encode("utf-8", "replace").decode("utf-8")
        return str(cmarkgfm.markdown_to_html_with_extensions(text, options, list(_EXTENSIONS)))


@functools.lru_cache(maxsize=256)
def normalise_link(url: str) -> str:
    """`url` as it appears in an href that cmark wrote (percent-encoded where it must be),
    unescaped: what to compare with the hrefs of rendered HTML."""
    if any(char.isspace() for char in url) or "<" in url or ">" in url:
        return url
    match = _FIRST_HREF.search(to_html(f"[x](<{url}>)"))
    return unescape(match.group(1)) if match else url
