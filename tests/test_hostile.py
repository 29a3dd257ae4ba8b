"""A catalogue of hostile articles, each with the findings it must give, and what the tool writes for them.

Alias bombs and deep nesting are refused fast in little memory; a file over
the size limit is refused from its size; byte-order marks and every line
ending are read; NUL bytes, invalid UTF-8 and control characters are
findings; right-to-left and zero-width characters are kept in titles and
refused in slugs; slugs and tags that look like paths never make the folder
endpoint or the feeds write outside their folder; HTML in titles is escaped
in feeds, copies and the feeds' browser page.
"""

from __future__ import annotations

import dataclasses
import json
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from syndicate.articles.article import Article
from syndicate.articles.front_matter import MAX_FILE_BYTES, parse_article_bytes, parse_article_text, read_article_file
from syndicate.characters import XML_INVALID
from syndicate.config import MAX_ARTICLE_BYTES, Endpoint, load_config
from syndicate.delivery.endpoints.directory import DirectoryEndpoint
from syndicate.errors import DeliveryError, UsageError
from syndicate.feeds import feed_xml
from syndicate.files import contained
from syndicate.importer import drafts as importer
from syndicate.licences.profiles import load_registry
from syndicate.render.copies import make_copy
from tests.conftest import GOLDEN
from tests.safety import (
    assert_feed_ok,
    assert_safe_copy,
    assert_safe_html,
    entry,
)

MINIMAL = (GOLDEN / "valid" / "minimal.md").read_bytes()
TITLE = b'title: "Minimal valid article"'
NOW = "2026-11-26T12:00:00+00:00"
ALDER = "alder-valley-water-board-approves-tiered-rates"


def with_(old: bytes, new: bytes, base: bytes = MINIMAL) -> bytes:
    assert old in base
    return base.replace(old, new, 1)


def front(yaml_text: bytes) -> bytes:
    return b"---\n" + yaml_text + b"---\n"


def laughs(levels: int = 10, width: int = 10) -> bytes:
    """The billion laughs: each level `width` aliases of the one before."""
    lines = [b'l0: &l0 ["lol"' + b', "lol"' * (width - 1) + b"]"]
    for n in range(1, levels):
        lines.append(b"l%d: &l%d [" % (n, n) + b", ".join([b"*l%d" % (n - 1)] * width) + b"]")
    return b"---\n" + b"\n".join(lines) + b"\n---\nBody\n"


def merge_bomb(levels: int = 30) -> bytes:
    lines = [b"m0: &m0 {a: 1}"]
    for n in range(1, levels):
        lines.append(b"m%d: &m%d {<<: [*m%d, *m%d], k%d: 1}" % (n, n, n - 1, n - 1, n))
    return b"---\n" + b"\n".join(lines) + b"\n---\nBody\n"


#: name -> (file bytes, [(line, code), ...] that `syndicate validate` reports)
CATALOGUE: dict[str, tuple[bytes, list[tuple[int, str]]]] = {
    "billion-laughs": (laughs(), [(2, "yaml-too-complex")]),
    "merge-key-bomb": (merge_bomb(), [(5, "yaml-too-complex")]),
    "100k-keys": (front(b"".join(b"k%d: 1\n" % i for i in range(100_000))), [(10_001, "yaml-too-complex")]),
    "2m-item-flow-list": (b"---\nx: [" + b"1," * 2_000_000 + b"1]\n---\n", [(2, "yaml-too-complex")]),
    "nested-50-flow": (b"---\ntitle: " + b"[" * 50 + b"]" * 50 + b"\n---\n", [(2, "yaml-too-complex")]),
    "nested-100k-flow": (b"---\ntitle: " + b"[" * 100_000 + b"\n---\n", [(2, "yaml-syntax")]),
    "nested-60-block": (front(b"".join(b" " * i + b"k:\n" for i in range(60))), [(43, "yaml-too-complex")]),
    "bom": (b"\xef\xbb\xbf" + MINIMAL, []),
    "crlf": (MINIMAL.replace(b"\n", b"\r\n"), []),
    "cr": (MINIMAL.replace(b"\n", b"\r"), []),
    "bom-crlf": (b"\xef\xbb\xbf" + MINIMAL.replace(b"\n", b"\r\n"), []),
    "mixed-line-endings": (MINIMAL.replace(b"\n", b"\r\n", 3).replace(b"\n", b"\r", 2), []),
    "nul-in-front-matter": (with_(b'"Minimal', b'"Min\x00imal'), [(2, "yaml-syntax")]),
    "nul-in-body": (MINIMAL + b"\x00\x00 after the NULs\n", []),
    "invalid-utf8": (with_(b"Body text.", b"Body \xc3\x28 text."), [(10, "not-utf8")]),
    "latin-1": (with_(b"Minimal valid", "Minimal válid".encode("latin-1")), [(2, "not-utf8")]),
    "utf-16": (MINIMAL.decode().encode("utf-16"), [(1, "not-utf8")]),
    "escape-control-in-title": (with_(TITLE, b'title: "Minimal \\x1b[2J valid \\x07"'), [(2, "control-character")]),
    "xml-invalid-in-title": (with_(TITLE, b'title: "\\uFFFE\\x0b title"'), [(2, "control-character")]),
    # (removed as it is read: nothing of the tag is left)
    "nul-escape-in-tag": (
        with_(b"---\nBody", b'tags: ["ok", "\\0"]\n---\nBody'), [(9, "control-character"), (9, "invalid-value")]
    ),
    "rtl-zero-width-title": (with_(TITLE, "title: \"\u202eelcitra\u202c \u200bzero\u200dwidth עברית\"".encode()), []),
    "rtl-slug": (with_(b"slug: minimal", "slug: \"mini\u202emal\"".encode()), [(3, "invalid-format")]),
    "zero-width-slug": (with_(b"slug: minimal", "slug: \"mini\u200bmal\"".encode()), [(3, "invalid-format")]),
    "dotdot-slug": (with_(b"slug: minimal", b"slug: ../../etc/passwd"), [(3, "invalid-format")]),
    "absolute-slug": (with_(b"slug: minimal", b"slug: /abs/path"), [(3, "invalid-format")]),
    "windows-device-slug": (with_(b"slug: minimal", b"slug: con"), []),
    "500-character-slug": (with_(b"slug: minimal", b"slug: " + b"a" * 500), [(3, "invalid-value")]),
    "html-title": (with_(TITLE, b"title: '<script>alert(1)</script> & <img src=x onerror=alert(1)>'"), []),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_catalogue_findings(name: str, run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, expected = CATALOGUE[name]
    (tmp_path / f"{name}.md").write_bytes(raw)
    monkeypatch.chdir(tmp_path)
    result = run_cli("-q", "validate", "--format", "json", f"{name}.md")
    findings = json.loads(result.out)
    assert [(f["line"], f["code"]) for f in findings] == expected, findings
    # control characters are a warning: the article publishes without them
    assert all((f["severity"] == "warning") == (f["code"] == "control-character") for f in findings)
    assert result.status == (1 if any(f["severity"] == "error" for f in findings) else 0)
    for finding in findings:
        assert finding["message"].isprintable() and finding["hint"].isprintable(), finding


@contextmanager
def bounded(megabytes: float) -> Iterator[None]:
    """The block must allocate at most `megabytes` (Python's allocations). Work that blows up shows
    in memory; speed is the benchmarks' business, never a test's (a loaded machine fails timings)."""
    tracemalloc.start()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < megabytes * 1e6, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.parametrize(
    ("name", "megabytes"),
    [("billion-laughs", 5), ("merge-key-bomb", 5), ("100k-keys", 15), ("2m-item-flow-list", 15),
     ("nested-100k-flow", 5)],
)  # fmt: skip
def test_bombs_are_refused_fast_in_little_memory(name: str, megabytes: float) -> None:
    raw, expected = CATALOGUE[name]
    with bounded(megabytes=megabytes + 3 * len(raw) / 1e6):  # the text itself, decoded and split
        parsed = parse_article_bytes(raw, "bomb.md")
    assert parsed.data is None
    assert [(f.line, f.code) for f in parsed.findings] == expected


# --- size limit -----------------------------------------------------------------------------------


def test_the_size_limit_defaults_agree() -> None:
    assert MAX_FILE_BYTES == MAX_ARTICLE_BYTES == 4 * 1024 * 1024


def test_a_huge_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:  # sparse: 2 GiB on paper, nothing on disk
        handle.truncate(2 * 1024**3)
    with bounded(megabytes=1):
        parsed, raw = read_article_file(huge, "huge.md")
    assert raw == b""
    assert [(f.line, f.code) for f in parsed.findings] == [(0, "file-too-large")]
    assert "4,194,304 bytes" in parsed.findings[0].message and "[limits] max_article_bytes" in parsed.findings[0].hint


def test_a_device_is_never_read_past_the_limit() -> None:
    with bounded(megabytes=3 * 1024 / 1e3):
        parsed, raw = read_article_file(Path("/dev/zero"), "zero.md", max_bytes=1024 * 1024)
    assert raw == b"" and [f.code for f in parsed.findings] == ["file-too-large"]


def test_the_limit_is_a_parameter_and_bytes_are_checked_too(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_bytes(MINIMAL)
    assert read_article_file(article, "a.md", max_bytes=len(MINIMAL))[0].findings == []
    assert [f.code for f in read_article_file(article, "a.md", max_bytes=len(MINIMAL) - 1)[0].findings] == [
        "file-too-large"
    ]
    assert [f.code for f in parse_article_bytes(MINIMAL, "a.md", max_bytes=10).findings] == ["file-too-large"]
    missing = read_article_file(tmp_path / "gone.md", "gone.md")[0]
    assert [(f.line, f.code) for f in missing.findings] == [(0, "unreadable")]


def test_validate_refuses_a_file_over_the_default_limit(run_cli: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(MINIMAL + b"word " * (MAX_FILE_BYTES // 5))
    result = run_cli("-q", "validate", "--format", "json", str(big))
    assert [(f["line"], f["code"]) for f in json.loads(result.out)] == [(0, "file-too-large")]
    assert result.status == 1


def test_validate_never_reads_a_huge_file(run_cli: Any, tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:
        handle.truncate(512 * 1024**2)
    with bounded(megabytes=64):
        result = run_cli("-q", "validate", "--format", "json", str(huge))
    assert [f["code"] for f in json.loads(result.out)] == ["file-too-large"]


def set_config(site: Path, text: str) -> str:
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + text)
    return str(config)


def test_the_limit_is_configured_in_syndicate_toml(run_cli: Any, site: Path) -> None:
    config = set_config(site, "\n[limits]\nmax_article_bytes = 4096\n")
    assert load_config(Path(config)).limits.max_article_bytes == 4096
    result = run_cli("-q", "--config", config, "validate", "--format", "json")
    large = {f["path"] for f in json.loads(result.out) if f["code"] == "file-too-large"}
    assert {Path(p).name for p in large} == {p.name for p in (site / "content").glob("*.md") if p.stat().st_size > 4096}


def test_run_reports_a_file_over_the_limit(run_cli: Any, site: Path) -> None:
    (site / "content" / "big.md").write_bytes(MINIMAL + b"x" * (MAX_FILE_BYTES + 1))
    result = run_cli("--config", str(site / "syndicate.toml"), "run", "--now", NOW)
    assert result.status == 1
    assert "big.md:0: file-too-large" in result.err


# --- what the tool writes for hostile articles -------------------------------------------------------


def walk(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if not p.is_dir()}


def hostile_site(site: Path, title: str, tags: list[str]) -> None:
    article = site / "content" / f"{ALDER}.md"
    text = article.read_text()
    start, end = text.index("tags:\n"), text.index("regions:")
    listed = "".join(f"  - {json.dumps(t)}\n" for t in tags)
    text = text[:start] + "tags:\n" + listed + text[end:]
    text = text.replace(
        text[text.index("title: ") : text.index("\n", text.index("title: "))], f"title: {json.dumps(title)}"
    )
    # the body changes: a licence that allows it
    text = text.replace("id: CC-BY-ND-4.0\n  url: https://creativecommons.org/licenses/by-nd/4.0/", "id: CC-BY-4.0", 1)
    text = text[: text.index("body_hash:")] + text[text.index("\n", text.index("body_hash:")) + 1 :]
    article.write_text(text + "\n\x00 a NUL in the body, and <script>alert(2)</script>\n")


HOSTILE_TITLE = "<script>alert(1)</script> & <img src=x onerror=alert(1)> \u202eevil\u202c"
HOSTILE_TAGS = [
    "../../etc/passwd",
    "/abs/path",
    "..",
    "con",
    "a" * 500,
    "\u202e\u200b",
    "日本",
    "Ünïcödé",
    "x/../../y",
    "bell\x07\x00",
    "\x1b[2J",
]


def test_hostile_titles_and_tags_stay_escaped_and_inside_their_folders(run_cli: Any, site: Path) -> None:
    hostile_site(site, HOSTILE_TITLE, HOSTILE_TAGS)
    config = str(site / "syndicate.toml")
    before = walk(site.parent)
    assert run_cli("--config", config, "validate").status == 0
    assert run_cli("--config", config, "feeds").status == 0
    assert run_cli("--config", config, "push").status == 0
    written = walk(site.parent) - before
    allowed = [site / "feeds", site / "out" / "archive", site / ".syndicate"]
    assert all(any(p.resolve().is_relative_to(a) for a in allowed) for p in written), sorted(written)
    tags = sorted(p.name for p in (site / "feeds" / "tags").iterdir())
    assert all(set(t) <= set("abcdefghijklmnopqrstuvwxyz0123456789-") and len(t) <= 80 for t in tags), tags

    # feeds: well-formed, the title as text, no active content
    for feed in (site / "feeds").rglob("*.xml"):
        parsed = assert_feed_ok(feed.read_bytes(), str(feed))
        for item in parsed.entries:
            assert "<script" not in item.get("content", [{}])[0].get("value", "").lower()
    atom = feedparser.parse((site / "feeds" / "atom.xml").read_bytes())
    entry = next(e for e in atom.entries if e.id.endswith(ALDER))
    assert entry.title == HOSTILE_TITLE
    rss = etree.parse(str(site / "feeds" / "rss.xml"))
    assert HOSTILE_TITLE in rss.xpath("//item/title/text()")

    # the feeds' pages: the title and the tags shown as text, nothing active
    for name in ("index.html", "tags/con/index.html"):
        document = lxml_html.fromstring((site / "feeds" / name).read_bytes())
        assert not document.xpath("//script | //img | //iframe | //@*[starts-with(name(), 'on')]")
        assert HOSTILE_TITLE in [h.text_content() for h in document.xpath("//h2")]
        assert "../../etc/passwd" in document.xpath(
            "string(//article[.//h2[. = $t]]//*[@class='tags'])", t=HOSTILE_TITLE
        )

    # copies: the page's title as text; the body and attribution without active content
    page = (site / "out" / "archive" / f"{ALDER}.html").read_text()
    document = lxml_html.fromstring(page)
    assert document.findtext(".//title") == HOSTILE_TITLE
    assert document.find(".//h1").text_content() == HOSTILE_TITLE
    article_html = page[page.index("<article>") + len("<article>") : page.index("</article>")]
    assert_safe_copy(article_html.split("</h1>\n", 1)[1])
    twin = parse_article_text((site / "out" / "archive" / f"{ALDER}.md").read_text(), "twin.md")
    assert twin.data is not None and twin.data["title"] == HOSTILE_TITLE


def test_folder_endpoint_writes_only_inside_its_folder(tmp_path: Path) -> None:
    registry = load_registry()
    profile = registry.get("CC-BY-4.0")
    assert profile is not None
    parsed = parse_article_bytes(MINIMAL, "minimal.md")
    assert parsed.data is not None
    copy = make_copy(Article.from_data(Path("minimal.md"), parsed.data, parsed.body), profile)
    (tmp_path / "site").mkdir()
    endpoint = DirectoryEndpoint(
        Endpoint("folder", "directory", "community-web", settings={"path": "out"}), tmp_path / "site", {}
    )
    before = walk(tmp_path)
    for slug in ["../../etc/passwd", "/abs/path", "../out-sibling", "a/../../b", "a" * 300, "a\nb", "a\x00b"]:
        with pytest.raises(DeliveryError) as refused:
            endpoint.create(dataclasses.replace(copy, slug=slug), "k")
        assert "outside" in refused.value.message or "not a safe file name" in refused.value.message
    remote = endpoint.create(dataclasses.replace(copy, slug="con"), "k")  # an ordinary name but on Windows
    assert remote.url.endswith("/out/con.html")
    endpoint.create(dataclasses.replace(copy, slug="a" * 200), "k")
    endpoint.create(dataclasses.replace(copy, slug=".."), "k")  # "...html": odd, but inside
    written = walk(tmp_path) - before
    assert all(p.resolve().is_relative_to((tmp_path / "site" / "out").resolve()) for p in written), written
    link = tmp_path / "site" / "out" / "linked.html"
    link.symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(DeliveryError):
        endpoint.create(dataclasses.replace(copy, slug="linked"), "k")
    assert not (tmp_path / "elsewhere.html").exists()


@pytest.mark.parametrize(
    "relative", ["../x", "/etc/x", "a/../../x", "", ".", "a\x00b", "a\nb", "x" * 256, "ü" * 128, "tags/\x1b/atom.xml"]
)
def test_contained_refuses_what_would_leave_or_break_the_folder(tmp_path: Path, relative: str) -> None:
    with pytest.raises(UsageError):
        contained(tmp_path, relative)


def test_contained_names_windows_devices_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert contained(tmp_path, "con.html").name == "con.html"
    monkeypatch.setattr("syndicate.files.os.name", "nt")
    for name in ("con.html", "tags/aux/atom.xml", "COM1.md", "nul"):
        with pytest.raises(UsageError):
            contained(tmp_path, name)
    assert contained(tmp_path, "console.html").name == "console.html"


# --- waiting for changes elsewhere ------------------------------------------------------------------


def test_thousands_of_tags_are_refused(run_cli: Any, tmp_path: Path) -> None:
    tags = b"tags: [" + b", ".join(b"t%d" % i for i in range(3000)) + b"]\n"
    (tmp_path / "tags.md").write_bytes(with_(b"---\nBody", tags + b"---\nBody"))
    result = run_cli("-q", "validate", "--format", "json", str(tmp_path / "tags.md"))
    findings = json.loads(result.out)
    assert [(f["pointer"], f["code"]) for f in findings] == [("/tags", "invalid-value")]
    assert len(findings[0]["message"]) < 200


def test_a_slug_with_a_trailing_newline_is_refused(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "newline.md").write_bytes(with_(b"slug: minimal", b'slug: "minimal\\n"'))
    findings = json.loads(run_cli("-q", "validate", "--format", "json", str(tmp_path / "newline.md")).out)
    assert [(f["line"], f["code"]) for f in findings] == [(3, "invalid-format")]


def test_feeds_survive_text_that_is_only_invalid_characters() -> None:
    page = feed_xml.FeedPage("\x00", "", "https://x.example/a.xml", "https://x.example/r.xml", "https://x.example/",
                             "", "", (entry("\x01\x02"),))  # fmt: skip
    assert_feed_ok(feed_xml.atom_document(page))
    assert_feed_ok(feed_xml.rss_document(page))


@pytest.mark.parametrize("text", ["Some text that ends mid-sentence \x80", "Words\ufffe and more", "x\x9b2J"])
def test_an_imported_draft_always_reads_back(text: str) -> None:
    result = importer.import_text(text, "scraped\x85name.txt")
    parsed = parse_article_text(result.to_markdown(), "draft.md")
    assert parsed.data == result.front_matter, [f.message for f in parsed.findings]


# --- the checks themselves --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    ["<script>x</script>", '<a href="javascript:x">a</a>', '<a href="java\tscript:x">a</a>', "<img src=x onerror=x>",
     '<a href=" DATA:text/html,x">a</a>', '<p style="color:red">x</p>', "<iframe></iframe>", "<svg></svg>",
     '<a href="vbscript:x">a</a>', "<STYLE>x</STYLE>"],
)  # fmt: skip
def test_the_safety_check_catches_active_content(markup: str) -> None:
    with pytest.raises(AssertionError):
        assert_safe_html(markup)


def test_the_safety_check_passes_ordinary_markup() -> None:
    assert_safe_html('<p><a href="https://x.example/?a=1&amp;b=2" rel="noopener noreferrer">x</a> <em>y</em></p>')
    assert_safe_html('<td style="text-align: left">x</td><a href="mailto:a@x.example">m</a><a href="#top">t</a>')


def test_control_characters_in_a_body_reach_no_copy(tmp_path: Path) -> None:
    """Removed as from front matter and feeds: the characters XML forbids (a terminal escape's ESC,
    a bell, a NUL) are in neither the HTML copy nor the folder's Markdown twin; the text around them stays."""
    body = b"Bell\x07 rings; \x1b[2Jthe screen\x0b stays, a NUL\x00 too.\n"
    parsed = parse_article_bytes(with_(b"Body text.\n", body), "controls.md")
    assert parsed.data is not None
    article = Article.from_data(Path("controls.md"), parsed.data, parsed.body)
    profile = load_registry().get("CC-BY-4.0")
    assert profile is not None
    copy = make_copy(article, profile)
    config = Endpoint("folder", "directory", "community-web", settings={"path": "out"})
    DirectoryEndpoint(config, tmp_path, {}).create(copy, "k")
    for written in (
        copy.html,
        (tmp_path / "out" / "minimal.html").read_text(),
        (tmp_path / "out" / "minimal.md").read_text(),
    ):
        assert not XML_INVALID.search(written), repr(written)
        assert "Bell rings; [2Jthe screen stays, a NUL" in written
