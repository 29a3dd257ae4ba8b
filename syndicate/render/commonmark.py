"""Markdown to HTML with cmark-gfm: the one parser that copies, feeds and checks share.

CommonMark with GitHub's table and strikethrough (`~~`) extensions; raw HTML
and every URL are let through, because sanitising is one separate step
(`render.sanitise`) that decides alone what a copy may carry. cmark-gfm is
C: about twenty times faster than the pure-Python markdown-it-py it replaced
(BENCHMARKS.md), with the same HTML on CommonMark input except that
strikethrough is written <del> (GitHub's form) instead of <s>.

The fast path: cmark-gfm's C functions called directly (cmarkgfm's private
`_cmark`, hence its upper pin), which frees what cmark allocates; else
cmarkgfm's public `markdown_to_html_with_extensions`, which keeps the document
tree and the HTML of every body. What it buys (BENCHMARKS.md, "Fast paths";
SYNDICATE_LIBRARY_ONLY=cmark leaves it out): over 10,000 articles `validate`
4.58 -> 3.58 s (22%) and 543 -> 74 MB, `feeds` 26% and 766 -> 245 MB (PSS of all
its processes). One differential test: tests/test_commonmark.py.
"""

from __future__ import annotations

import ctypes
import functools
import re
from html import unescape

from cmarkgfm import _cmark, cmark
from cmarkgfm.cmark import Options

from syndicate import fast_paths

_OPTIONS = (
    Options.CMARK_OPT_UNSAFE  # raw HTML and all URLs through: the sanitiser decides
    | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES  # style="text-align: ...", not align=...
    | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE  # ~one~ stays text, as in CommonMark
)
_FIRST_HREF = re.compile(r'<a href="([^"]*)"')

# cmarkgfm's own wrapper never frees the document tree nor the HTML (about 60 KB a body):
# we call the C functions ourselves and free both, with the two functions it does not declare.
# (ctypes, not cffi's cdef: that imports pycparser, 30 ms)
_lib, _ffi = _cmark.lib, _cmark.ffi
_node_free = ctypes.CDLL(_cmark.__file__).cmark_node_free  # the module's own library, already loaded
_node_free.argtypes, _node_free.restype = [ctypes.c_void_p], None
_free = ctypes.CDLL(None).free  # cmark allocates with the C library's malloc
_free.argtypes, _free.restype = [ctypes.c_void_p], None
_lib.cmark_gfm_core_extensions_ensure_registered()
_EXTENSIONS = [_lib.cmark_find_syntax_extension(name) for name in (b"table", b"strikethrough")]


def _address(pointer: object) -> int:
    return int(_ffi.cast("uintptr_t", pointer))


def _render(data: bytes, options: int) -> str:
    parser = _lib.cmark_parser_new(options)
    try:
        for extension in _EXTENSIONS:
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        _lib.cmark_parser_feed(parser, data, len(data))
        root = _lib.cmark_parser_finish(parser)
        try:
            html = _lib.cmark_render_html(root, options, _lib.cmark_parser_get_syntax_extensions(parser))
            try:
                return bytes(_ffi.string(html)).decode("utf-8")
            finally:
                _free(_address(html))
        finally:
            _node_free(_address(root))
    finally:
        _lib.cmark_parser_free(parser)


#: the fast path (below: the library alone, for measuring it)
_FREED = fast_paths.enabled("cmark")


def _render_with_library(markdown: str, options: int) -> str:
    html: str = cmark.markdown_to_html_with_extensions(markdown, options, ["table", "strikethrough"])
    return html


#: the last body rendered: the link check and the copy of one article render the same body in turn
_last: tuple[str, int, str] = ("", 0, "")


def to_html(markdown: str, sourcepos: bool = False) -> str:
    """The HTML of `markdown`, unsanitised; `sourcepos` adds data-sourcepos="LINE:COL-LINE:COL"
    to block elements (1-based lines of `markdown`)."""
    global _last
    options = _OPTIONS | (Options.CMARK_OPT_SOURCEPOS if sourcepos else 0)
    last = _last  # one read: push renders from several threads
    if last[1] == options and last[0] == markdown:  # (the same str object: compared at once)
        return last[2]
    try:
        data = markdown.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: no file can hold them, but a str can
        data = markdown.encode("utf-8", "replace")
    html = _render(data, options) if _FREED else _render_with_library(data.decode("utf-8"), options)
    _last = (markdown, options, html)
    return html


@functools.lru_cache(maxsize=256)
def normalise_link(url: str) -> str:
    """`url` as it appears in an href that cmark wrote (percent-encoded where it must be),
    unescaped: what to compare with the hrefs of rendered HTML."""
    if any(char.isspace() for char in url) or "<" in url or ">" in url:
        return url
    match = _FIRST_HREF.search(to_html(f"[x](<{url}>)"))
    return unescape(match.group(1)) if match else url
