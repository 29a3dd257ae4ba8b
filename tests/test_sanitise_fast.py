"""The sanitiser's fast path gives nh3's HTML byte for byte, or declines (None).

Markdown comes from a grammar of what articles hold (and of what attackers
write): prose, emphasis, code, quotes, lists, tables, links and images with
every kind of URL, entities, escapes, control characters, raw HTML. Whenever
`fast_sanitise` answers for cmark's HTML of it, the answer must be the nh3
Cleaner's; so must its answer for token soups in cmark's own spelling, whose
nesting only the recogniser's check can vouch for. And it must answer for plain
prose with links, or these tests would pass with a fast path that never runs.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from syndicate.render import commonmark
from syndicate.render.html_copy import _cleaner, render_markdown, sanitise
from syndicate.render.sanitise_fast import fast_sanitise

#: SYNDICATE_FUZZ_EXAMPLES=20000 pytest tests/test_sanitise_fast.py searches harder
EXAMPLES = int(os.environ.get("SYNDICATE_FUZZ_EXAMPLES", "400"))
PROPS = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def nh3(html: str) -> str:
    return _cleaner().clean(html)


# --- a grammar of Markdown -----------------------------------------------------------------------------

ODD_CHARACTERS = ["\xa0", "\x00", "\x01", "\x0b", "\x0c", "\r", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffe", "\ud7ff"]
WORDS = st.sampled_from(
    ["the", "council", "said", "Ünïcödé", "naïve", "’quoted’", "“so”", "😀", "𝔘", "a\xa0b", "AT&T", "x<y", "y>x",
     '"q"', "it's", "50%", "a_b_", "*", "_", "~", "~~", "`", "\\*", "\\<", "\\[", "\\&", "&amp;", "&copy;", "&#39;",
     "&nbsp;", "&#0;", "&#x1F600;", "&bogus;", "&", "&#", "#", "|", "[", "]", "(", ")", "!", "1.", "-", "+"]
)  # fmt: skip


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.one_of(WORDS, st.sampled_from(ODD_CHARACTERS), st.text(max_size=4)), max_size=8))
    return " ".join(words) or "x"


SCHEMES = ["https://", "http://", "HTTPS://", "mailto:", "MailTo:", "javascript:", "JavaScript:", "ftp://", "data:",
           "tel:", "mailto://", "http:", "https:/", "//", "/", "./", "#", "?", "", "x-y.z+1:", "1a:"]  # fmt: skip
HOSTS = [
    "example.org",
    "e.example.org",
    "sub-d.example.org",
    "EXAMPLE.ORG",
    "localhost",
    "xn--p1ai.example",
    "a.xn--p1ai",
    "ab--cd.example",
    "a-.example",
    "ex.123",
    "ex.0x1f",
    "1.2.3.4",
    "1.2.3.999",
    "ex_ample.org",
    "example.org:8080",
    "example.org:99999",
    "example.org:",
    "user@example.org",
    "[::1]",
    "exämple.org",
    "",
]
PATHS = ["", "/", "/a/b", "/a b", "/it's", '/say"hi"', "/a&b=c", "/%20", "/%zz", "/é", "?q=1&r=2", "#frag", "/(x)",
         "/a<b>", "/\\x", "/~u/[1]", "/a\xa0b"]  # fmt: skip


@st.composite
def urls(draw: st.DrawFn) -> str:
    url = draw(st.sampled_from(SCHEMES)) + draw(st.sampled_from(HOSTS)) + draw(st.sampled_from(PATHS))
    if draw(st.booleans()):
        url = draw(st.sampled_from(["data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", "a@b.example"]))
    # spaces and brackets need the <...> form; a title may follow, in either quotes
    target = f"<{url}>" if any(c in url for c in " <>()") or draw(st.booleans()) else url
    title = draw(st.sampled_from(["", ' "T"', " 'it''s'", ' "a & b < c"', " 'say \"hi\"'", ' "x\xa0y"', ' "l1\nl2"']))
    return target.replace("<<", "<").replace(">>", ">") + title


@st.composite
def inlines(draw: st.DrawFn, depth: int = 2) -> str:
    text = draw(texts())
    inner = draw(inlines(depth - 1)) if depth > 0 else text
    kind = draw(st.sampled_from(
        ["text", "em", "strong", "strike", "code", "link", "image", "autolink", "break", "softbreak", "html"]
    ))  # fmt: skip
    match kind:
        case "em":
            return f"*{inner}*"
        case "strong":
            return f"**{inner}** and __{text}__"
        case "strike":
            return f"~~{inner}~~ ~one~"
        case "code":
            return f"`{text}` ``a ` b``"
        case "link":
            return f"[{inner}]({draw(urls())})"
        case "image":
            return f"![{inner}]({draw(urls())})"
        case "autolink":
            return f"<{draw(st.sampled_from(['https://e.example/a?b=1&c=2', 'mailto:a@e.example', 'a@e.example']))}>"
        case "break":
            return f"{text}  \n{inner}\\\nx"
        case "softbreak":
            return f"{text}\n{inner}"
        case "html":
            return draw(st.sampled_from(RAW_INLINE))
    return text


RAW_INLINE = [
    "<em>x</em>",
    "<em>open",
    "</em>",
    "<strong><em>x</strong></em>",
    "<b>b</b>",
    "<sub>2</sub>",
    '<a href="https://e.example/">x</a>',
    '<a href="javascript:x">x</a>',
    "<a>",
    "</a>",
    "<span>s</span>",
    "<script>alert(1)</script>",
    "<!-- c -->",
    '<img src="https://e.example/a.png" alt="a" />',
    "<img src=x onerror=alert(1)>",
    "<br>",
    "<br />",
    "<p>",
    "</p>",
    "<li>",
    "</li>",
    "<code>c</code>",
]
RAW_BLOCKS = [
    "<div>\nx\n</div>",
    "<p>para</p>",
    "<ul>\n<li>x</li>\n</ul>",
    "<li>stray</li>",
    "</blockquote>",
    "<blockquote>",
    "<!-- comment -->",
    "<script>\nalert(1)\n</script>",
    "<table><tr><td>x</td></tr></table>",
    "<pre>\nx\n</pre>",
    "<hr />",
    "<em>\n\nx",
    "<h2>h</h2>",
    '<ol start="3">\n<li>x</li>\n</ol>',
]


def blocks(leaves: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def contain(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        items = st.lists(inner, min_size=1, max_size=3)
        return st.one_of(
            inner.map(lambda block: "\n".join("> " + line for line in block.split("\n"))),
            st.tuples(st.sampled_from(["-", "*", "+"]), items, st.booleans()).map(
                lambda t: ("\n\n" if t[2] else "\n").join(f"{t[0]} " + i.replace("\n", "\n  ") for i in t[1])
            ),
            st.tuples(st.integers(0, 12), items).map(
                lambda t: "\n".join(f"{t[0] + n}. " + i.replace("\n", "\n    ") for n, i in enumerate(t[1]))
            ),
        )

    return st.recursive(leaves, contain, max_leaves=6)


@st.composite
def leaf_blocks(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["para", "para", "para", "heading", "fence", "indented", "table", "hr", "html"]))
    line = draw(inlines())
    match kind:
        case "heading":
            return f"{'#' * draw(st.integers(1, 6))} {line}"
        case "fence":
            info = draw(st.sampled_from(["", "python", 'x"y', "a&b", "c<d", "é", "{.cls}"]))
            return f"```{info}\n{draw(texts())}\n\n{draw(texts())}\n```"
        case "indented":
            return f"    {draw(texts())}\n    <b>x</b> &amp;"
        case "table":
            aligns = draw(st.lists(st.sampled_from(["---", ":--", ":-:", "--:"]), min_size=1, max_size=3))
            rows = draw(st.lists(st.lists(inlines(1), min_size=len(aligns), max_size=len(aligns)), max_size=3))
            cells = [[c.replace("|", "\\|").replace("\n", " ") for c in row] for row in [["h"] * len(aligns), *rows]]
            return "\n".join("| " + " | ".join(row) + " |" for row in [cells[0], aligns, *cells[1:]])
        case "hr":
            return "---"
        case "html":
            return draw(st.sampled_from(RAW_BLOCKS))
    return line


MARKDOWN = st.lists(blocks(leaf_blocks()), min_size=1, max_size=5).map("\n\n".join)


# --- the fast path is nh3 ------------------------------------------------------------------------------


@PROPS
@given(MARKDOWN)
@example('[a](https://e.example/it\'s?a=1&b=2 "t") ![i](https://e.example/a.png) ![r](/a.png) <https://e.example>')
@example("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n```py x\ncode\n```\n\n1. one\n\n3) three\n\n> - q\n>   1. r\n---")
@example("x\xa0&nbsp;&copy;&#0;\x01 [j](javascript:x) [m](mailto:a@b) [f](ftp://x) [d](data:x) [rel](a/b)")
def test_fast_path_is_nh3(markdown: str) -> None:
    html = commonmark.to_html(markdown)
    expected = nh3(html)
    fast = fast_sanitise(html)
    event("fast" if fast is not None else "nh3")
    if fast is not None:
        assert fast == expected
    if "<" not in markdown:
        trusted = fast_sanitise(html, no_raw_html=True)
        event("fast, no raw HTML" if trusted is not None else "nh3, no raw HTML")
        if trusted is not None:
            assert trusted == expected
    assert render_markdown(markdown) == expected
    assert sanitise(html) == expected


#: tags as cmark writes them, to be put together in any order: raw HTML could
SOUP = [
    "<p>",
    "</p>",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<del>",
    "</del>",
    "<code>",
    "</code>",
    '<a href="https://e.example/">',
    '<a href="javascript:x" title="t">',
    "</a>",
    "<ul>",
    "</ul>",
    "<ol>",
    '<ol start="7">',
    "</ol>",
    "<li>",
    "</li>",
    "<blockquote>",
    "</blockquote>",
    "<h2>",
    "</h2>",
    "<hr />",
    "<br />",
    '<img src="https://e.example/i.png" alt="i" />',
    "\n",
    "text",
    "&quot;q&quot;",
    "\xa0",
    '<pre><code class="language-x">c\n</code></pre>',
    '<table>\n<thead>\n<tr>\n<th style="text-align: center">h</th>\n</tr>\n</thead>\n</table>',
    "<table>\n<thead>\n<tr>\n<th>h</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>",
    "</td>\n</tr>\n</tbody>\n</table>",
]


ELEMENTS = ["p", "em", "strong", "del", "code", "a", "ul", "ol", "li", "blockquote", "h2", "pre"]


def element(tag: str, children: list[str]) -> str:
    start = {"a": '<a href="https://e.example/">', "ol": '<ol start="2">'}.get(tag, f"<{tag}>")
    return f"{start}{''.join(children)}</{tag}>"


#: well-formed trees of cmark's elements, each anywhere: only the content rules stand between them and nh3
TREES = st.recursive(
    st.sampled_from(["text", "\n", "<br />", "<hr />", "&amp;"]),
    lambda inner: st.builds(element, st.sampled_from(ELEMENTS), st.lists(inner, max_size=3)),
    max_leaves=12,
)


@settings(PROPS, max_examples=EXAMPLES * 3)
@given(st.one_of(st.lists(st.sampled_from(SOUP), max_size=24).map("".join), TREES))
@example("<p><em>a</p></em>")
@example("<ul>\n<li>a<li>b</li>\n</ul>")
@example('<p><a href="https://e.example/">a<a href="https://e.example/">b</a></a></p>')
@example("<p>a<p>b</p></p>")
def test_fast_path_is_nh3_for_any_nesting(html: str) -> None:
    fast = fast_sanitise(html)
    event("fast" if fast is not None else "nh3")
    if fast is not None:
        assert fast == nh3(html)


# --- and is taken ----------------------------------------------------------------------------------------

PROSE_URLS = st.sampled_from(
    ["https://e.example/a", "http://news.example.org/2024/01/x-y/?page=2&q=a#top", "/about", "mailto:desk@e.example"]
)
PROSE = st.lists(
    st.tuples(
        st.lists(st.sampled_from(["The", "council", "said", "it’s", "€5", '"late"', "&"]), min_size=1), PROSE_URLS
    ),
    min_size=1,
    max_size=6,
).map(lambda paragraphs: "\n\n".join(f"{' '.join(words)} [*the report*]({url})." for words, url in paragraphs))


@PROPS
@given(PROSE)
def test_plain_prose_with_links_takes_the_fast_path(markdown: str) -> None:
    html = commonmark.to_html(markdown)
    for fast in (fast_sanitise(html), fast_sanitise(html, no_raw_html=True)):
        assert fast is not None, html
        assert fast == nh3(html)


def test_what_the_fast_path_declines() -> None:
    declined = ["<p>x</p><!-- c -->", "<div>x</div>", "<p>\x01</p>", "<p>a\r\nb</p>", "<p>&copy;</p>",
                '<p><a href="http://ex.123/">x</a></p>', '<p><a href="mailto://x">x</a></p>',
                "<p>x", "<p><em>x</p></em>", "<li>x</li>", '<p><a href="x" class="y">x</a></p>']  # fmt: skip
    for html in declined:
        assert fast_sanitise(html) is None, html
