"""Rendering a pushed copy: attribution block, equivalent footers, sanitiser, JSON-LD, determinism."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import OrderedDict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.articles.front_matter import parse_article_bytes
from syndicate.licences.profiles import LicenseProfile, load_registry
from syndicate.render.html_copy import (
    RenderedCopy,
    _fold,
    links_and_text,
    render_copy,
    render_copy_uncached,
    render_markdown,
)
from syndicate.render.json_ld import json_ld_script
from tests.seed import SEED_TERMS

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "demo" / "content" / "turkey-agreed-to-buy-russias-s-400.md"
REGISTRY = load_registry()

SOURCE_URL = "https://coastal-wire.example.net/2026/09/harbour-library-digitises-shipping-registers/"
ORIGINAL_URL = "https://harbour-gazette.example.com/news/2026/09/24/library-digitises-shipping-registers/"
BY_ND = "https://creativecommons.org/licenses/by-nd/4.0/"

ARTICLE: dict[str, Any] = {
    "title": "Port Carrow Library Begins Digitising a Century of Shipping Registers",
    "slug": "harbour-library-digitises-shipping-registers",
    "authors": [{"name": "Owen Farraday", "url": "https://owen.example.org/"}, {"name": "Priya Lanstead"}],
    "published": "2026-09-24",
    "updated": "2026-09-29T09:15:00+01:00",
    "source": {"name": "Coastal Community Wire", "url": SOURCE_URL, "published": "2026-09-26"},
    "original": {"name": "The Harbour Gazette", "url": ORIGINAL_URL, "published": "2026-09-24"},
    "copyright": {"holder": "The Harbour Gazette", "year": 2026},
    "license": {"id": "CC-BY-ND-4.0"},
}
BODY = "Port Carrow's public library has started scanning 212 volumes.\n\nThe first records go online next spring.\n"


def normalise(html: str) -> str:
    """Collapse whitespace between tags, so that line breaks in the markup do not matter."""
    return re.sub(r">\s+<", "><", html.strip())


def profile(license_id: str) -> LicenseProfile:
    found = REGISTRY.get(license_id)
    assert found is not None, license_id
    return found


def seed() -> tuple[dict[str, Any], str]:
    parsed = parse_article_bytes(SEED.read_bytes(), str(SEED))
    assert parsed.data is not None
    return parsed.data, parsed.body


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


# --- the attribution block -------------------------------------------------------------------

SEED_TITLE = (
    "Turkey Has Agreed to Buy Russia's S-400 Advanced Missile-defense System, Leaving NATO Wondering What's Next"
)

ATTRIBUTION_CASES = [
    pytest.param(
        ARTICLE,
        "CC-BY-ND-4.0",
        '<footer class="syndicate-attribution">'
        "<p>“Port Carrow Library Begins Digitising a Century of Shipping Registers” by "
        '<a href="https://owen.example.org/">Owen Farraday</a> and Priya Lanstead.</p>'
        f'<p>First published by <a href="{ORIGINAL_URL}">The Harbour Gazette</a> on 24 September 2026.</p>'
        f'<p>Republished from <a href="{SOURCE_URL}">Coastal Community Wire</a>.</p>'
        "<p>© 2026 The Harbour Gazette.</p>"
        f'<p>Licence: <a href="{BY_ND}" rel="license">CC BY-ND 4.0</a>.</p>'
        "</footer>",
        id="original-source-url-cc-by-nd",
    ),
    pytest.param(
        seed()[0],
        "globalresearch-crosspost",
        '<footer class="syndicate-attribution">'
        f"<p>“{SEED_TITLE}” by Defend Democracy Press.</p>"
        "<p>First published by Defend Democracy Press on 23 July 2017.</p>"
        "<p>Republished from Global Research.</p>"
        "<p>© 2017 Defend Democracy Press.</p>"
        "<p>Licence: Global Research cross-posting permission.</p>"
        f"<p>The source's terms: “{SEED_TERMS}”</p>"
        '<p>For other uses, ask: <a href="mailto:publications@globalresearch.ca">'
        "publications@globalresearch.ca</a>.</p>"
        "</footer>",
        id="seed-draft-without-urls",
    ),
    pytest.param(
        with_(
            ARTICLE,
            authors=[{"name": "A"}, {"name": "B <b>"}, {"name": "C & D"}],
            original={"name": "Gazette", "published": "2017-07-24T10:00:00+00:00"},
            license={"id": "all-rights-reserved"},
        ),
        "all-rights-reserved",
        '<footer class="syndicate-attribution">'
        "<p>“Port Carrow Library Begins Digitising a Century of Shipping Registers” by "
        "A, B &lt;b&gt; and C &amp; D.</p>"
        "<p>First published by Gazette on 24 July 2017.</p>"
        f'<p>Republished from <a href="{SOURCE_URL}">Coastal Community Wire</a>.</p>'
        "<p>© 2026 The Harbour Gazette.</p>"
        "<p>Licence: All rights reserved.</p>"
        "</footer>",
        id="all-rights-reserved-without-url",
    ),
    pytest.param(
        with_(ARTICLE, original=None, license={"id": "site-licence", "url": "javascript:alert(1)"}),
        None,
        '<footer class="syndicate-attribution">'
        "<p>“Port Carrow Library Begins Digitising a Century of Shipping Registers” by "
        '<a href="https://owen.example.org/">Owen Farraday</a> and Priya Lanstead.</p>'
        f'<p>Republished from <a href="{SOURCE_URL}">Coastal Community Wire</a>.</p>'
        "<p>© 2026 The Harbour Gazette.</p>"
        "<p>Licence: site-licence.</p>"
        "</footer>",
        id="no-profile-names-the-licence-id",
    ),
]


@pytest.mark.parametrize(("front_matter", "license_id", "expected"), ATTRIBUTION_CASES)
def test_attribution_block(front_matter: dict[str, Any], license_id: str | None, expected: str) -> None:
    copy = render_copy(front_matter, BODY, profile(license_id) if license_id else None)
    assert normalise(copy.attribution_html) == expected
    assert normalise(copy.html).startswith(normalise(copy.body_html) + expected)


def test_seed_draft_block_links_nothing_but_the_contact() -> None:
    front_matter, body = seed()
    copy = render_copy(front_matter, body, profile("globalresearch-crosspost"))
    assert copy.attribution_html
    assert re.findall(r'<a href="([^"]*)"', copy.attribution_html) == ["mailto:publications@globalresearch.ca"]


@pytest.mark.parametrize(
    "front_matter",
    [
        {},
        {"title": "Only a title", "status": "draft"},
        {"authors": "not a list", "copyright": 5, "source": "Global Research", "license": None},
        {"authors": [{"url": "https://x.example/"}, "Bare Name"], "original": {"url": "https://o.example/a"}},
        {"published": "not a date", "original": {"name": "Gazette", "published": "2017-02-30"}},
    ],
)
def test_missing_and_malformed_fields_render_what_is_there(front_matter: dict[str, Any]) -> None:
    copy = render_copy(front_matter, "Text.", None)
    assert copy.body_html == "<p>Text.</p>\n"
    assert copy.json_ld["@type"] == "NewsArticle"
    if not front_matter:
        assert copy.attribution_html == ""
        assert copy.json_ld == {"@context": "https://schema.org", "@type": "NewsArticle"}


def test_links_only_to_absolute_http_urls() -> None:
    front_matter = {
        "authors": [{"name": "A", "url": "javascript:alert(1)"}],
        "original": {"name": "Gazette", "url": "javascript:alert(1)"},
        "source": {"name": "Wire", "url": "/relative/path"},
        "license": {"id": "x", "url": "data:text/html,x"},
    }
    copy = render_copy(front_matter, "", None)
    assert "<a" not in copy.attribution_html
    assert normalise(copy.attribution_html) == (
        '<footer class="syndicate-attribution"><p>By A.</p><p>First published by Gazette.</p>'
        "<p>Republished from Wire.</p><p>Licence: x.</p></footer>"
    )


def test_partial_front_matter_lines() -> None:
    copy = render_copy({"authors": ["Bare Name"], "copyright": {"holder": "H"}}, "", None)
    assert normalise(copy.attribution_html) == (
        '<footer class="syndicate-attribution"><p>By Bare Name.</p><p>© H.</p></footer>'
    )


# --- "do not repeat an equivalent footer" ----------------------------------------------------

LICENCE_LINE = f"Published under [CC BY-ND 4.0]({BY_ND})."
FOOTER = f"Republished from [Coastal Community Wire]({SOURCE_URL}). © 2026 The Harbour Gazette.\n\n{LICENCE_LINE}"


@pytest.mark.parametrize(
    ("body", "front_matter", "repeated"),
    [
        pytest.param(BODY + "\n" + FOOTER, ARTICLE, False, id="footer-present"),
        pytest.param(BODY + "\n" + FOOTER.replace(SOURCE_URL, "#"), ARTICLE, True, id="placeholder-link"),
        pytest.param(BODY + "\n" + FOOTER.replace(SOURCE_URL, SOURCE_URL + "x"), ARTICLE, True, id="other-url"),
        pytest.param(BODY + "\n" + FOOTER.replace("The Harbour Gazette", "someone"), ARTICLE, True, id="no-holder"),
        pytest.param(BODY + "\n" + FOOTER.replace(LICENCE_LINE, "Thanks."), ARTICLE, True, id="no-licence"),
        pytest.param(BODY + "\n" + FOOTER.replace("© 2026 ", "By "), ARTICLE, True, id="no-copyright-notice"),
        pytest.param(BODY + "\n" + FOOTER + "\n\nOne.\n\nTwo.", ARTICLE, True, id="footer-not-at-the-end"),
        pytest.param(
            BODY + "\n" + FOOTER.replace(LICENCE_LINE, f"[Licence]({BY_ND})"), ARTICLE, False, id="licence-url-only"
        ),
        pytest.param(
            BODY + f'\n<p>From <a href="{SOURCE_URL}">the wire</a>, © the harbour  gazette, licence CC-BY-ND-4.0</p>',
            ARTICLE,
            False,
            id="raw-html-footer-any-case",
        ),
        pytest.param(
            BODY + "\n" + FOOTER,
            with_(ARTICLE, source={"name": "Coastal Community Wire"}),
            True,
            id="no-source-url-never-equivalent",
        ),
    ],
)
def test_equivalent_footer(body: str, front_matter: dict[str, Any], repeated: bool) -> None:
    copy = render_copy(front_matter, body, profile("CC-BY-ND-4.0"))
    assert bool(copy.attribution_html) is repeated
    assert copy.html.startswith(copy.body_html + copy.attribution_html)


def test_seed_footer_with_placeholder_links_is_not_equivalent() -> None:
    front_matter, body = seed()
    front_matter = with_(front_matter, source={**front_matter["source"], "url": "https://www.globalresearch.ca/x"})
    assert render_copy(front_matter, body, profile("globalresearch-crosspost")).attribution_html


# --- the sanitiser -----------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[a](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[a](data:text/html;base64,PHNjcmlwdD4=)",
    "![a](data:image/png;base64,iVBORw0KGgo=)",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '<object data="x.swf"></object><embed src="x.swf"><form action="https://x.example/"><input></form>',
    "<style>body{display:none}</style><math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
]
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("markdown", HOSTILE)
def test_sanitiser_removes_active_content(markdown: str) -> None:
    for html in (render_markdown(markdown), render_copy({}, "Intro.\n\n" + markdown, None).body_html):
        lowered = html.lower()
        assert "<script" not in lowered
        assert not EVENT_ATTRIBUTE.search(html)
        for bad in ("javascript:", "data:", "vbscript:", "<iframe", "<object", "<embed", "<form", "<svg", "<style"):
            assert bad not in lowered, (bad, html)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# Head\n\n*em* **strong** ~~gone~~ H<sub>2</sub>O x<sup>2</sup>", "<em>em</em>"),
        ("# Head", "<h1>Head</h1>"),
        ("~~gone~~", "<del>gone</del>"),
        ("~one~ tilde", "<p>~one~ tilde</p>"),
        ("> quoted", "<blockquote>"),
        ("- one\n- two", "<ul>\n<li>one</li>"),
        ("3. three", '<ol start="3">'),
        ("```\ncode <b>\n```", "<pre><code>code &lt;b&gt;\n</code></pre>"),
        ("|a|b|\n|--:|-|\n|1|2|", '<th style="text-align:right">a</th>'),
        ("[site](https://e.example/ 'T')", '<a href="https://e.example/" title="T" rel="noopener noreferrer">'),
        ("[mail](mailto:a@e.example)", '<a href="mailto:a@e.example" rel="noopener noreferrer">'),
        ("![alt](https://e.example/a.png)", '<img src="https://e.example/a.png" alt="alt">'),
        (
            '<figure><img src="https://e.example/a.png"><figcaption>C</figcaption></figure>',
            "<figcaption>C</figcaption>",
        ),
        ("a\\\nb\n\n---", "<br>"),
        ("---", "<hr>"),
        ("H<sub>2</sub>O x<sup>2</sup>", "<sub>2</sub>O x<sup>2</sup>"),
    ],
)
def test_sanitiser_keeps_article_markup(markdown: str, expected: str) -> None:
    assert expected in render_markdown(markdown)


def test_relative_image_source_is_dropped() -> None:
    assert render_markdown("![alt](/img/a.png)") == '<p><img alt="alt"></p>\n'


# --- JSON-LD -----------------------------------------------------------------------------------


def script_payload(copy: RenderedCopy) -> Any:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', copy.html, re.DOTALL)
    assert match is not None
    return json.loads(match.group(1))


def test_json_ld_fields() -> None:
    copy = render_copy(with_(ARTICLE, canonical_url="https://canon.example/a"), BODY, profile("CC-BY-ND-4.0"))
    assert copy.json_ld == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": ARTICLE["title"],
        "author": [{"name": "Owen Farraday", "url": "https://owen.example.org/"}, {"name": "Priya Lanstead"}],
        "datePublished": "2026-09-24",
        "dateModified": "2026-09-29T09:15:00+01:00",
        "isBasedOn": ORIGINAL_URL,
        "license": BY_ND,
        "acquireLicensePage": BY_ND,
        "copyrightHolder": {"name": "The Harbour Gazette"},
        "copyrightYear": 2026,
        "copyrightNotice": "© 2026 The Harbour Gazette",
        "creditText": "Owen Farraday and Priya Lanstead (The Harbour Gazette), via Coastal Community Wire",
        "url": "https://canon.example/a",
    }
    assert script_payload(copy) == copy.json_ld


@pytest.mark.parametrize(
    ("front_matter", "license_id", "expected", "absent"),
    [
        (with_(ARTICLE, original=None), "CC-BY-ND-4.0", {"isBasedOn": SOURCE_URL, "url": SOURCE_URL}, []),
        (seed()[0], "globalresearch-crosspost", {}, ["isBasedOn", "url", "dateModified"]),
        (ARTICLE, None, {"url": SOURCE_URL, "license": {"@type": "CreativeWork", "name": "CC-BY-ND-4.0"}}, []),
    ],
)
def test_json_ld_fallbacks(
    front_matter: dict[str, Any], license_id: str | None, expected: dict[str, Any], absent: list[str]
) -> None:
    data = render_copy(front_matter, "", profile(license_id) if license_id else None).json_ld
    assert {key: data.get(key) for key in expected} == expected
    assert not set(absent) & set(data)


def test_json_ld_cannot_close_its_script_element() -> None:
    title = "Bad </script><script>alert(1)</script> <!-- title"
    copy = render_copy(with_(ARTICLE, title=title), BODY, profile("CC-BY-ND-4.0"))
    script = copy.html[copy.html.index('<script type="application/ld+json">') :]
    assert script.count("</script>") == 1
    assert script.count("<") == 2  # the element's own start and end tags
    assert "\\u003c/script>" in script
    assert script_payload(copy)["headline"] == title
    assert "“Bad &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- title”" in copy.attribution_html


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='ab<[]"\\/é \n'),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet="ab<[", max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(st.dictionaries(st.text(alphabet="ab<[", max_size=3), _JSON_VALUES, max_size=4))
def test_json_ld_script_escapes_as_every_string_rewritten(data: dict[str, Any]) -> None:
    # the script rewrites string tokens only when a string holds "["; the same text as rewriting every one
    written = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    expected = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: m[0].replace("<", "\\u003c").replace("[", "\\u005b"), written)
    assert json_ld_script(data) == f'<script type="application/ld+json">{expected}</script>\n'


def test_json_ld_keeps_non_ascii_and_sorts_keys() -> None:
    copy = render_copy(with_(ARTICLE, title="Café — “quoted”"), BODY, profile("CC-BY-ND-4.0"))
    assert '"headline":"Café — “quoted”"' in copy.html
    payload = copy.html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert list(json.loads(payload)) == sorted(json.loads(payload))


# --- determinism -------------------------------------------------------------------------------


def test_rendering_is_deterministic() -> None:
    first = render_copy(ARTICLE, BODY, profile("CC-BY-ND-4.0"))
    reordered = dict(reversed(list(ARTICLE.items())))
    for again in (
        render_copy(ARTICLE, BODY, profile("CC-BY-ND-4.0")),
        render_copy(reordered, BODY, profile("CC-BY-ND-4.0")),
    ):
        assert again.html == first.html
        assert again.content_hash == first.content_hash
    assert first.content_hash == hashlib.sha256(first.html.encode("utf-8")).hexdigest()
    assert first.html.startswith(first.body_html + first.attribution_html + '<script type="application/ld+json">')
    assert first.html.endswith("</script>\n")
    assert render_copy(ARTICLE, BODY + "\nMore.", profile("CC-BY-ND-4.0")).content_hash != first.content_hash
    assert render_copy(with_(ARTICLE, updated="2026-10-01"), BODY, profile("CC-BY-ND-4.0")).content_hash != (
        first.content_hash
    )


def test_a_rendered_copy_gives_back_its_parts_and_json_ld() -> None:
    front_matter = dict(ARTICLE) | {"title": "Less </script><!-- than “quoted” & more"}
    copy = render_copy(front_matter, BODY + "\n\nCafé — naïve", load_registry().get("CC-BY-4.0"))
    assert copy.html == copy.body_html + copy.attribution_html + copy.html[len(copy.content_html) :]
    assert copy.content_html == copy.body_html + copy.attribution_html
    assert copy.json_ld["headline"] == "Less </script><!-- than “quoted” & more"
    assert "</script><!--" not in copy.html.split('<script type="application/ld+json">')[1][:-10]
    assert copy.content_hash == hashlib.sha256(copy.html.encode()).hexdigest()
    assert "Café — naïve" in copy.body_html
    assert RenderedCopy.from_bytes(copy.to_bytes()) == copy  # as a ledger keeps it between runs


def test_a_copy_a_ledger_kept_compressed_with_zlib_still_reads() -> None:
    copy = render_copy(dict(ARTICLE), BODY, load_registry().get("CC-BY-4.0"))
    assert copy.packed.startswith(b"\x28\xb5\x2f\xfd")  # zstd now
    old = RenderedCopy(zlib.compress(copy.utf8, 1), copy.body_end, copy.content_end, copy.digest)
    kept = RenderedCopy.from_bytes(old.to_bytes())
    assert (kept.html, kept.content_html, kept.json_ld, kept.content_hash) == (
        copy.html,
        copy.content_html,
        copy.json_ld,
        copy.content_hash,
    )


class _Reference(HTMLParser):
    """What the footer check (equivalent_footer) used before links_and_text: the standard library's parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs.extend(value for name, value in attrs if tag == "a" and name == "href" and value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


_FRAGMENT = st.sampled_from(
    ["[a](https://e.example/?q=1&r=2 'x>y')", "<a title='a>b' href=\"https://e.example/x\">t</a>", "&copy; 2024",
     "<em>co</em>pyright", "**Licence:** CC BY", "<a name=\"n\">anchor</a>", "<https://e.example/auto>", "x &lt;b&gt;",
     "[e](mailto:a@e.example)", "<a href=''>empty</a>", "\n\n", " ", "<span title=\"h&quot;i\">s</span>", "é “q”"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(_FRAGMENT, st.text(max_size=8)), max_size=12).map("".join))
def test_links_and_text_reads_sanitised_html_as_html_parser_does(markdown: str) -> None:
    html = render_markdown(markdown)
    reference = _Reference()
    reference.feed(html)
    reference.close()
    hrefs, text = links_and_text(html)
    assert hrefs == reference.hrefs
    assert _fold(text) == _fold(" ".join(reference.text))


@given(
    st.lists(st.sampled_from(["\n", "\n\n", " \t\n", "\r\n", "\r", " ", "\t", "word", "é", "-", "\n \n"]), max_size=60),
    st.integers(1, 4),
    st.integers(1, 12),
)
def test_the_last_paragraphs_are_those_of_the_whole_body(pieces: list[str], count: int, window: int) -> None:
    from syndicate.render.html_copy import _BLANK_LINES, last_paragraphs

    body = "".join(pieces)
    whole = [p for p in _BLANK_LINES.split(body.replace("\r\n", "\n")) if p.strip()]
    assert last_paragraphs(body, count, window) == whole[-count:]


@given(st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000aB")))
def test_fold_is_what_the_expression_gave(text: str) -> None:
    assert _fold(text) == re.sub(r"\s+", " ", text).strip().casefold()


def test_the_cache_of_rendered_copies_lets_go_of_the_least_recently_used_not_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from syndicate.render import html_copy

    monkeypatch.setattr(html_copy, "_RENDERED", OrderedDict())
    monkeypatch.setattr(html_copy, "_rendered_max", 3)
    copy = RenderedCopy.pack(b"<p>x</p>\n", 9, 9)
    for n in range(3):
        html_copy.remember(bytes([n]), f"body {n}", "CC0-1.0", copy)
    assert html_copy.render_copy({}, "body 0", REGISTRY.get("CC0-1.0"), bytes([0])) is copy  # used: kept
    html_copy.remember(b"\x03", "body 3", "CC0-1.0", copy)  # over the size: the least recently used goes
    assert [key[1] for key in html_copy._RENDERED] == ["body 2", "body 0", "body 3"]
    html_copy.keep_for_site(2)  # never below what it holds room for
    html_copy.keep_for_site(5)  # a larger site: room for all of it
    for n in range(4, 6):
        html_copy.remember(bytes([n]), f"body {n}", "CC0-1.0", copy)
    assert len(html_copy._RENDERED) == 5


def test_a_copy_for_the_feeds_alone_has_the_same_content_and_nothing_to_push() -> None:
    full = render_copy_uncached(ARTICLE, BODY, profile("CC-BY-ND-4.0"))
    feeds_only = render_copy_uncached(ARTICLE, BODY, profile("CC-BY-ND-4.0"), with_json_ld=False)
    assert full.complete and not feeds_only.complete
    assert (feeds_only.content_html, feeds_only.body_html, feeds_only.attribution_html) == (
        full.content_html,
        full.body_html,
        full.attribution_html,
    )
    for what in ("html", "json_ld_script", "json_ld", "content_hash"):
        with pytest.raises(AssertionError, match="never pushed"):
            getattr(feeds_only, what)
    with pytest.raises(AssertionError, match="never pushed"):
        feeds_only.to_bytes()
