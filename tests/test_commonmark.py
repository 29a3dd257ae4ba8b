"""commonmark's fast path (cmark-gfm's C functions called directly, freeing what they allocate)
renders as cmarkgfm's public API does: one differential test."""

from __future__ import annotations

from cmarkgfm import cmark
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.render import commonmark

_PIECES = st.sampled_from(
    ["word", "Ünï", "😀", "\n", "\n\n", "# ", "> ", "- ", "1. ", "*", "_", "~~", "`", "```\n", "<b>", "</b>",
     "<!-- c -->", "[a](https://e.example/x)", "![i](/p.png)", "&amp;", "&#0;", "\\", "|a|b|\n|-|:-:|\n|1|2|\n",
     "    code", "\t", "\r\n", "\x00", "\ud800", "https://www.e.example", "<https://e.example>", "---"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=40).map("".join), st.booleans())
def test_the_fast_path_renders_as_cmarkgfm(markdown: str, sourcepos: bool) -> None:
    options = commonmark._OPTIONS | (cmark.Options.CMARK_OPT_SOURCEPOS if sourcepos else 0)
    data = markdown.encode("utf-8", "replace")  # (lone surrogates, as to_html encodes them)
    library = cmark.markdown_to_html_with_extensions(data.decode("utf-8"), options, ["table", "strikethrough"])
    assert commonmark._render(data, options) == library
