"""Property-based tests (hypothesis): whatever the input, findings or a clean result, never an exception.

The article loader takes any bytes and any text; the validator any generated
article file; the importer any scraped text or HTML; the renderer never emits
script, event handlers or javascript:/data:/vbscript: URLs, whatever the
Markdown or raw HTML; every feed written from generated articles is
well-formed XML that feedparser reads without bozo. Examples are bounded so
that the whole module runs in seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from syndicate import redact
from syndicate.articles.article import Article
from syndicate.articles.front_matter import ParsedArticle, parse_article_bytes, parse_article_text
from syndicate.checks.validate import validate_paths
from syndicate.config import load_config
from syndicate.delivery.endpoints.http import MAX_RETRY_AFTER, WITHHELD, printable, retry_after_seconds
from syndicate.feeds.chosen import feed_entry
from syndicate.feeds.generate import build_feed_files, tag_slug
from syndicate.files import contained
from syndicate.importer.drafts import import_html, import_text
from syndicate.licences.gate import decide
from syndicate.licences.profiles import load_registry
from syndicate.render.html_copy import render_copy, render_markdown
from tests.conftest import DEMO
from tests.safety import (
    KNOWN_CODES,
    assert_feed_ok,
    assert_safe_copy,
    assert_safe_html,
)

#: SYNDICATE_FUZZ_EXAMPLES=5000 pytest tests/test_properties.py searches harder
EXAMPLES = int(os.environ.get("SYNDICATE_FUZZ_EXAMPLES", "150"))
PROPS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the repository; a failure prints its example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(PROPS, max_examples=max(1, EXAMPLES * 2 // 5))
REGISTRY = load_registry()
CONFIG = load_config(DEMO / "syndicate.toml")
TODAY = dt.date(2026, 11, 26)

#: what feeds leave out of every text (feed_xml.xml_text)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# --- strategies --------------------------------------------------------------------------------

#: text that breaks things: markup, controls, bidi and zero-width characters, XML-invalid characters
NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&", "&amp;", "&#0;", "]]>", "<!--", "-->",
        "\x00", "\x01", "\x08", "\x0b", "\x1b[31m", "\x7f", "\x85", "\x9b", "\ufeff", "\ufffe", "\uffff",
        "\u202e", "\u2066", "\u200b", "\u200d", "\u2028", "\u2029", "\r", "\r\n", "\t", "'", '"', "\\", "../",
        "/etc/passwd", "con", "javascript:alert(1)", "%00", "\U0001f600", "ﷺ", "עברית", "ÿ", "İ", "ß",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=12)), max_size=8).map("".join)
PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), min_size=1, max_size=40)
YAML_PIECES = st.sampled_from(
    [
        "---\n", "...\n", "title: ", "slug: ", "a", ": ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "&a ", "*a",
        "!!str ", "!!python/object/apply:os.system ", "!foo ", "'", '"', "#", "2024-02-30", "2024-01-01T10:00:00",
        "2024-01-01T10:00:00+99:00", "<<: ", "? ", "|", ">", "\t", "\x00", "\r", "\ufeff", "%YAML 1.1\n",
        "%TAG ! tag:x,2024:\n", "1e999", ".nan", "0x1F", "0o17", "9" * 120, "~", "null", "true", "=", "@", "`",
        "\\u0000", '"\\x1b"', "\xa0", "\u2028",
    ]
)  # fmt: skip
FRONT_MATTER_TEXT = st.lists(st.one_of(YAML_PIECES, st.text(max_size=6)), max_size=40).map(
    lambda parts: "---\n" + "".join(parts) + "\n---\nBody\n"
)
MARKDOWN_PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>", "<SCRIPT SRC=//x.example/x.js></SCRIPT>", "<scr<script>ipt>alert(1)</script>",
        "<img src=x onerror=alert(1)>", "<img src=\"javascript:alert(1)\">", "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>", "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<a href='java\nscript:alert(1)'>x</a>", "<a href=\"java\x00script:alert(1)\">x</a>",
        "[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x](vbscript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)", "![x](javascript:alert(1))", "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)\n", "[x](<javascript:alert(1)>)", "[x](&#106;avascript:alert(1))",
        "<iframe src=\"https://x.example/\"></iframe>", "<iframe srcdoc=\"<script>alert(1)</script>\">",
        "<object data=\"x.swf\"></object>", "<embed src=x>", "<form action=\"javascript:alert(1)\"><input></form>",
        "<button formaction=javascript:alert(1)>x</button>", "<base href=\"javascript:/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", "<link rel=stylesheet href=x>",
        "<style>body{background:url(javascript:alert(1))}</style>", "<p style=\"background:url(x)\">x</p>",
        "<td style=\"text-align:left;background:url(javascript:alert(1))\">x</td>", "<div onclick=alert(1)>x</div>",
        "<p onmouseover='alert(1)'>x</p>", "<a href=x onfocus=alert(1) autofocus>x</a>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", "<!-- <script> -->",
        "<![CDATA[<script>alert(1)</script>]]>", "<template><script>alert(1)</script></template>",
        "<textarea><script>alert(1)</script></textarea>", "<xmp><script>alert(1)</script></xmp>",
        "<a href=\"https://ok.example/\">ok</a>", "[ok](https://ok.example/a?b=1&c=2)", "**bold** _em_",
        "# Heading\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "```html\n<script>alert(1)</script>\n```\n",
        "    <script>indented</script>\n", "> quote\n", "- item\n", "\n\n", "&lt;script&gt;", "`<script>`",
        "<img src=\"https://ok.example/i.png\" alt=x>", "<p>para</p>", "</p>", "<", ">", "\x00", "\u202e",
    ]
)  # fmt: skip
MARKDOWN = st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=10)), max_size=14).map("".join)


@st.composite
def valid_front_matter(draw: st.DrawFn, slug: str | None = None, hostile: bool = True) -> dict[str, Any]:
    """An article that passes the schema and the attribution rules, with any text where text may be."""
    text = TEXT if hostile else PLAIN
    words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
    name = words.filter(lambda s: s.strip() != "")
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2026, 11, 1)))
    data: dict[str, Any] = {
        "title": draw((text if hostile else name).filter(lambda s: s != "")),
        "slug": slug or draw(st.from_regex(r"\A[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}\Z")),
        "authors": [{"name": n} for n in draw(st.lists(name, min_size=1, max_size=3))],
        "published": day.isoformat(),
        "source": {
            "name": draw(name),
            "url": "https://source.example.org/" + draw(st.from_regex(r"\A[a-z0-9/]{0,20}\Z")),
        },
        "copyright": {"holder": draw(name), "year": day.year},
        "license": {"id": "CC-BY-4.0"},
        "status": "ready",
    }
    if draw(st.booleans()):
        data["summary"] = draw(text.filter(lambda s: s != ""))
    tags = draw(st.lists(text.filter(lambda s: s != ""), max_size=5, unique=True))
    if tags:
        data["tags"] = tags
    return data


# --- the article loader ------------------------------------------------------------------------


def check_parsed(parsed: ParsedArticle) -> None:
    """Findings or data: never both missing; codes known; data storable as JSON (run caches it)."""
    assert parsed.data is not None or parsed.findings
    assert parsed.data is None or isinstance(parsed.data, dict)
    for finding in parsed.findings:
        assert finding.code in KNOWN_CODES, finding
        assert finding.line >= 0
        assert "\n" not in finding.message, finding
    stored = json.dumps({"data": parsed.data, "body": parsed.body}, ensure_ascii=False)
    stored.encode("utf-8")  # no lone surrogate can reach the ledger


@PROPS
@given(st.binary(max_size=3000))
@example(b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n")
@example(b"---\ntitle: \xff\xfe\n---\n")
def test_loader_takes_any_bytes(raw: bytes) -> None:
    check_parsed(parse_article_bytes(raw, "a.md"))
    check_parsed(parse_article_bytes(b"---\n" + raw, "a.md"))


@PROPS
@given(st.text(max_size=2000))
@example("---\ntitle: \udcff\n---\n")
@example("---\n" + "[" * 5000 + "\n---\n")
def test_loader_takes_any_text(text: str) -> None:
    check_parsed(parse_article_text(text, "a.md"))
    check_parsed(parse_article_text("---\n" + text, "a.md"))


@PROPS
@given(FRONT_MATTER_TEXT)
@example("---\n<<: 1\n---\n")
@example("---\na: &a [1]\nb: [*a, *a]\n---\n")
def test_loader_takes_any_front_matter(text: str) -> None:
    check_parsed(parse_article_text(text, "a.md"))
    check_parsed(parse_article_bytes(text.encode("utf-8", "surrogatepass"), "a.md"))


# --- the validator -----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["title", "slug", "authors", "published", "updated", "source", "original", "copyright", "license", "status",
     "tags", "regions", "summary", "body_hash", "endpoints", "embargo_until", "canonical_url", "subtitle", "x"]
)  # fmt: skip


@st.composite
def article_files(draw: st.DrawFn) -> bytes:
    """A valid article with some fields replaced by anything, written as YAML or JSON front matter."""
    data: dict[str, Any] = draw(valid_front_matter())
    for key, value in draw(st.dictionaries(FIELDS, JSON_VALUES, max_size=4)).items():
        data[key] = value
    if draw(st.booleans()):
        head = json.dumps(data, ensure_ascii=draw(st.booleans()))
    else:
        head = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    body = draw(MARKDOWN)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = "---\n" + head + "\n---\n" + body
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + text.replace("\n", newline).encode("utf-8", "replace")


@FEW
@given(st.lists(article_files(), min_size=1, max_size=3))
def test_validator_reports_anything_as_findings(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, raw in enumerate(files):
            path = Path(folder) / f"a{index}.md"
            path.write_bytes(raw)
            paths.append(path)
        for config in (None, CONFIG):
            report = validate_paths(paths, config, TODAY)
            for finding in report.findings:
                assert finding.code in KNOWN_CODES, finding
                assert "\n" not in finding.message, finding


@FEW
@given(valid_front_matter(hostile=False), st.text(st.characters(codec="utf-8", categories=("L", "Zs")), max_size=80))
def test_valid_articles_have_no_errors(data: dict[str, Any], body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.md"
        path.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body + "\n", encoding="utf-8")
        report = validate_paths([path], CONFIG, TODAY)
        assert report.errors == [], (data, report.errors)


# --- the importer ------------------------------------------------------------------------------

SCRAPED_PIECES = st.sampled_from(
    [
        "Title Of The Article\n", "By Jane Doe and John Roe\n", "Par Jeanne Dupont et Jean Durand\n",
        "Global Research, July 24, 2017\n", "Region: Europe\n", "Theme: Intelligence\n", "23 juillet 2017\n",
        "The original source of this article is [Defend Democracy Press](#)\n",
        "Copyright © [Jane Doe](#), Defend Democracy Press, 2017\n", "Copyright © Global Research 2024\n",
        "This work is licensed under a Creative Commons Attribution 4.0 International License.\n",
        "licensed under CC BY-NC-ND\n", "Originally published by The Times on 1 May 2024\n", "[link](#)\n",
        "[x](javascript:alert(1))\n", "<script>alert(1)</script>\n", "https://example.org/2024/06/story\n",
        "\n", "\r\n", "\x00", "\u202e", "Comment on Global Research Articles on our Facebook page\n",
        "Become a Member of Global Research\n", "Disclaimer: The contents of this article are of sole responsibility\n",
        "---\n", "title: injected\n", "# Heading\n", "* * *\n",
    ]
)  # fmt: skip
SCRAPED = st.lists(st.one_of(SCRAPED_PIECES, TEXT), max_size=20).map("".join)


def check_import(result: Any) -> None:
    """The draft imports as an article the loader reads back to the same front matter."""
    assert result.front_matter.get("status") == "draft"
    assert result.file_stem and all(c.isascii() and (c.isalnum() or c == "-") for c in result.file_stem)
    markdown = result.to_markdown()
    parsed = parse_article_text(markdown, "imported.md")
    assert parsed.data == result.front_matter, [f.message for f in parsed.findings]
    check_parsed(parsed)


@PROPS
@given(SCRAPED)
@example("By \x85 X\n")
def test_importer_takes_any_scraped_text(text: str) -> None:
    check_import(import_text(text, "scraped.txt"))


@FEW
@given(st.lists(st.one_of(MARKDOWN_PIECES, SCRAPED_PIECES, st.sampled_from(["<article>", "</article>", "<h1>",
                                                                         "</h1>", "<main>", "<p>", "</p>"])),
                max_size=20).map("".join))  # fmt: skip
def test_importer_takes_any_html(page: str) -> None:
    check_import(import_html(page, "saved.html", "https://example.org/2024/06/story"))


# --- the renderer ------------------------------------------------------------------------------


@PROPS
@given(MARKDOWN)
@example('<a href="java&#x0A;script:alert(1)">x</a>')
@example("[x](java\tscript:alert(1))")
def test_renderer_never_emits_active_content(body: str) -> None:
    assert_safe_html(render_markdown(body))


@FEW
@given(valid_front_matter(), MARKDOWN, st.sampled_from(["CC-BY-4.0", "CC-BY-ND-4.0", "all-rights-reserved", None]))
def test_copies_never_carry_active_content(data: dict[str, Any], body: str, license_id: str | None) -> None:
    data["license"] = {"id": license_id or "custom", "url": "javascript:alert(1)"}
    data["authors"].append({"name": "<b onmouseover=alert(1)>x</b>", "url": "javascript:alert(1)"})
    data["source"]["url"] = "data:text/html,<script>alert(1)</script>"
    copy = render_copy(data, body, REGISTRY.get(license_id) if license_id else None)
    assert_safe_html(copy.body_html + copy.attribution_html)
    assert_safe_copy(copy.html)


# --- the feed writer ---------------------------------------------------------------------------


@st.composite
def site_articles(draw: st.DrawFn) -> list[Article]:
    slugs = draw(st.lists(st.from_regex(r"\A[a-z]{1,8}(-[0-9]{1,3})?\Z"), min_size=1, max_size=4, unique=True))
    articles = []
    for slug in slugs:
        data = draw(valid_front_matter(slug=slug))
        body = draw(MARKDOWN)
        articles.append(Article.from_data(Path(f"{slug}.md"), data, body))
    return articles


@FEW
@given(site_articles(), st.integers(1, 3))
def test_every_feed_is_well_formed_and_readable(articles: list[Article], limit: int) -> None:
    profile = REGISTRY.get("CC-BY-4.0")
    assert profile is not None
    entries = []
    for article in sorted(articles, key=lambda a: (a.published, a.slug), reverse=True):
        decision = decide(article.front_matter, profile, CONFIG.site.channel, None, TODAY)
        entries.append(feed_entry(article, profile, decision.grant is not None, CONFIG))
    config = dataclasses.replace(CONFIG, feeds=dataclasses.replace(CONFIG.feeds, limit=limit))
    files = build_feed_files(config, entries)
    with tempfile.TemporaryDirectory() as folder:
        for relative, document in files.items():
            contained(Path(folder), relative)  # every file stays in the feeds folder
            if relative.endswith(".xml"):
                parsed = assert_feed_ok(document, relative)
                for entry in parsed.entries:
                    assert "<script" not in str(entry.get("content", "")).lower()
    for tag in {t for a in articles for t in a.tags}:
        assert tag_slug(tag) and set(tag_slug(tag)) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


# --- what servers say --------------------------------------------------------------------------


RETRY_AFTERS = ["99999999999999999999", "²", "-1", "1e9", "Thu, 32 Foo", "Fri, 31 Dec 9999 23:59:59 GMT",
                "Mon, 01 Jan 0001 00:00:00 GMT", "Sat, 01 Jan 2000 00:00:00 +9999"]  # fmt: skip


@PROPS
@given(st.text(max_size=40) | st.sampled_from(RETRY_AFTERS))
def test_retry_after_is_a_bounded_number_or_nothing(value: str) -> None:
    seconds = retry_after_seconds(value, dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    assert seconds is None or 0 <= seconds <= MAX_RETRY_AFTER


@PROPS
@given(st.text(max_size=400), st.lists(st.text(min_size=1, max_size=10), max_size=3))
def test_server_text_is_printable_short_and_without_secrets(text: str, secrets: list[str]) -> None:
    shown = printable(text + "".join(secrets), 300, secrets)
    assert len(shown) <= 300
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in shown)
    # a secret too short to cut out of a text withholds it whole (so may asterisks that spell a secret)
    assert shown == WITHHELD or not any(s in shown for s in secrets if s)
    if all(len(s) >= redact.SHORT_SECRET and "*" not in s and "…" not in s for s in secrets):
        assert shown != WITHHELD  # secrets long enough are cut out; the rest of the text is shown
