"""syndicate.checks.body_links: placeholder and relative links, found in the rendered body, with their lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from syndicate.checks.body_links import BadLink, all_links_absolute, bad_links, plainly_absolute
from syndicate.checks.parallel import resident_mb
from syndicate.render.commonmark import normalise_link, to_html


def _found(body: str) -> list[tuple[int, str, str, bool]]:
    return [(link.line, link.text, link.href, link.placeholder) for link in bad_links(body)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("All [good](https://e.example/a) and [mail](mailto:a@e.example).", [], id="absolute"),
        pytest.param("See [below](#notes).", [], id="fragment"),
        pytest.param("Told [reporters](#) so.", [(0, "reporters", "#", True)], id="hash"),
        pytest.param("Said [so]() too.", [(0, "so", "", True)], id="empty"),
        pytest.param("Line one\nand [the report](/r/x.html) here.", [(1, "the report", "/r/x.html", False)], id="line"),
        pytest.param("> quoted\n> [a](../up)\n", [(1, "a", "../up", False)], id="blockquote"),
        pytest.param("- one\n- [two](two.html)\n", [(1, "two", "two.html", False)], id="list"),
        pytest.param("| a |\n|---|\n| [c](#) |\n", [(2, "c", "#", True)], id="table-cell"),
        pytest.param("A [ref][r].\n\n[r]: #\n", [(0, "ref", "#", True)], id="reference"),
        pytest.param('Raw <a href="">here</a>.', [(0, "here", "", True)], id="raw-html-inline"),
        pytest.param('<div>\n<A HREF="/x">up</A>\n</div>\n', [(1, "up", "/x", False)], id="raw-html-block"),
        pytest.param('<a name="top"></a>Anchor only.', [], id="anchor-without-href"),
        pytest.param("<div>\n[text](#)\n</div>\n", [], id="markdown-inside-html-block-is-text"),
        pytest.param("`[code](#)` and\n\n    [indented](#)\n", [], id="code"),
        pytest.param("![image](#)", [], id="image-is-not-a-link"),
        pytest.param("[js](javascript:alert(1))", [(0, "js", "javascript:alert(1)", False)], id="script-url"),
    ],
)
def test_bad_links(body: str, expected: list[tuple[int, str, str, bool]]) -> None:
    assert _found(body) == expected


def test_fast_pass_is_false_for_any_anchor_it_cannot_vouch_for() -> None:
    assert all_links_absolute(to_html("[a](https://e.example/) [b](#c)"))
    for html in ('<a href="#">', '<A HREF="https://e.example/">', "<a name=x>", '<a  href="https://e.example/">'):
        assert not all_links_absolute(html)
    assert all_links_absolute("<abbr>x</abbr> &lt;a href=&quot;#&quot;&gt;")


def test_rendered_html_can_be_passed_in() -> None:
    body = "x [a](#)"
    assert bad_links(body, to_html(body)) == [BadLink(0, "a", "#", True)]
    assert bad_links(body, to_html(body, sourcepos=True)) == [BadLink(0, "a", "#", True)]


def test_normalise_link_matches_what_cmark_writes() -> None:
    assert normalise_link("https://e.example/a b") == "https://e.example/a b"  # no link with a space: unchanged
    assert normalise_link("https://e.example/é?q=[1]") == "https://e.example/%C3%A9?q=%5B1%5D"
    assert normalise_link("https://e.example/a&b") == "https://e.example/a&b"


# The check that cmark replaced: markdown-it's own parse (html off). On Markdown without raw HTML
# both must find the same bad links on the same lines.
_MARKDOWN_IT = MarkdownIt("commonmark")


def _markdown_it_bad(body: str) -> list[tuple[str, str]]:
    found = []
    for block in _MARKDOWN_IT.parse(body):
        children = block.children or []
        for position, token in enumerate(children):
            if token.type != "link_open":
                continue
            href = str(token.attrs.get("href", "")).strip()
            if href.startswith(("http://", "https://", "mailto:")) or (href.startswith("#") and len(href) > 1):
                continue
            text = "".join(t.content for t in children[position + 1 :][:1] if t.type == "text")
            found.append((text, href))
    return found


_WORD = st.text(alphabet="abcxyz", min_size=1, max_size=6)
_HREF = st.sampled_from(["#", "", "#top", "/rel", "../up.html", "page", "https://e.example/x", "mailto:a@e.example"])
_LINK = st.builds(lambda text, href: f"[{text}]({href})", _WORD, _HREF)
_PIECE = st.one_of(_WORD, _LINK, st.sampled_from(["\n", "\n\n", "> ", "- ", "# ", "*", "`", " "]))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_PIECE, max_size=30).map(" ".join))
def test_same_bad_links_as_markdown_it(body: str) -> None:
    assert [(link.text, link.href) for link in bad_links(body)] == _markdown_it_bad(body)


def test_rendering_frees_what_cmark_allocates() -> None:
    body = "\n\n".join(f"Paragraph {i} with [a link](https://e.example/{i}) and *emphasis*." for i in range(100))
    to_html(body)
    before = resident_mb()
    for _ in range(2_000):  # cmarkgfm's own wrapper keeps ~60 KB of each: 120 MB here
        to_html(body, sourcepos=True)
    assert resident_mb() - before < 30


_PIECES = (
    "[", "]", "(", ")", "](", "![", "https://e.example/", "http://", "mailto:a@e.example", "#", "#n", "/rel",
    "rel", "x", " ", "\t", "\n", "\n\n", "]:", "<", ">", "`", "    ", "> ", "- ", "!", "*", "\\", "&#91;", "&#40;",
    '"t"', "| a |\n|---|\n| ", "javascript:", "HTTPS://",
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=24).map("".join))
def test_fast_path_finds_what_cmark_finds(body: str) -> None:
    # the fast path "body-links" passes a body without rendering it only when cmark finds no bad link in it
    assert bad_links(body) == bad_links(body, to_html(body))
    if plainly_absolute(body):
        assert all_links_absolute(to_html(body))


def test_fast_path_renders_what_it_cannot_vouch_for() -> None:
    assert plainly_absolute("A [good](https://e.example/a), [mail](mailto:a@e.example) and [note](#n).\n\n---\n")
    for body in ("[a](#)", "[a]( https://e.example/)", "[a][r]\n\n[r]: https://e.example/", "<https://e.example/>",
                 "[a](HTTPS://e.example/)", "![i](i.png)", "[a](<https://e.example/>)", "a < b"):  # fmt: skip
        assert not plainly_absolute(body)
