"""The fast path "feed-entries" (syndicate.feeds.entries) against its library (entries_feedgen: feedgen
and lxml write the whole document): one differential test, byte for byte, whatever the input:
hostile text (markup, controls, characters XML forbids, lone surrogates, CR, quotes, astral
characters, very long strings) in any field, ids and URLs included, optional fields present or not,
time zones, archive pages, hubs, stylesheets, and the edge cases of CASES. Where the library refuses
a page (ValueError: a naive date, an empty Atom id, a forbidden character in a URL), so must the
fast path. SYNDICATE_FUZZ_EXAMPLES=5000 searches harder.

Then what a reader of the feeds sees, the seam as a command uses it, and the entries written once
a build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from feedgen.feed import FeedGenerator
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from syndicate.articles.article import Author
from syndicate.errors import DependencyError
from syndicate.feeds import entries_feedgen, feed_xml
from syndicate.feeds.entries import KEEP_BYTES, WrittenEntries, atom_entry, rss_item
from syndicate.feeds.feed_xml import FeedEntry, FeedPage, SourceInfo
from tests.conftest import DEMO
from tests.safety import assert_feed_ok

EXAMPLES = int(os.environ.get("SYNDICATE_FUZZ_EXAMPLES", "150"))
PROPS = settings(
    max_examples=EXAMPLES * 2,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies --------------------------------------------------------------------------------

#: what XML forbids, and what Python's str allows and UTF-8 does not
FORBIDDEN = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ud800", "\udfff", "\ud83d", "\ufffe", "\uffff"]
#: what libxml2 escapes, and other characters that are no trouble to XML but could be to a writer
TRICKY = [
    "<", ">", "&", '"', "'", "]]>", "<![CDATA[x]]>", "&amp;", "&#13;", "<!--", "\r", "\n", "\t", "\r\n", " ", "\x7f",
    "\x85", "\x9b", "\ufeff", "\u2028", "\u202e", "é", "€", "ß", "עברית", "経済", "\U0001f600", "\U0010ffff",
    "\U0001fffe", "<p>Hello &amp; <b>bye</b></p>",
]  # fmt: skip
ALLOWED = st.characters(codec="utf-8", exclude_characters="\ufffe\uffff", exclude_categories=("Cs", "Cc"))
#: text with no character XML forbids: tricky pieces and hypothesis's own, empty, whitespace only, or very long
TEXT = st.one_of(
    st.lists(st.one_of(st.sampled_from(TRICKY), st.text(ALLOWED, max_size=10)), max_size=8).map("".join),
    st.sampled_from(["", " ", "\n", "\r\n\t"]),
    st.builds(lambda piece, n: piece * n, st.sampled_from(TRICKY), st.integers(500, 3000)),
)
#: text with anything in it, forbidden characters too
ANY_TEXT = st.one_of(
    st.lists(st.one_of(st.sampled_from(TRICKY + FORBIDDEN), st.text(max_size=10)), max_size=8).map("".join),
    st.sampled_from(FORBIDDEN),
    st.builds(lambda piece, n: piece * n, st.sampled_from(TRICKY + FORBIDDEN), st.integers(500, 3000)),
)
#: an identifier or URL with no character XML forbids
VALUE = st.one_of(
    st.sampled_from(
        ["https://x.example/a", "tag:x.example,2026:a", "https://x.example/?a=1&b=<2>\"3'", "x\r\ny\tz", ""]
    ),
    st.text(st.one_of(ALLOWED, st.sampled_from("\t\n\r")), min_size=1, max_size=20),
)
OPTIONAL = st.none() | VALUE
ZONES = st.sampled_from(
    [
        dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(-dt.timedelta(hours=11)),
        dt.timezone(dt.timedelta(hours=1, seconds=25, microseconds=7)), dt.timezone(dt.timedelta(hours=-3), "X"),
    ]
)  # fmt: skip
WHEN = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=ZONES)
AUTHORS = st.lists(st.builds(Author, TEXT, st.none() | st.just("") | VALUE, st.none() | TEXT), max_size=3)
#: a source's date is not checked for a time zone (feedgen never sees it): naive ones too
SOURCES = st.none() | st.builds(SourceInfo, VALUE, TEXT, WHEN | st.datetimes(), VALUE, TEXT)
#: where a text goes through xml_text, and where a value is written as it is (an id or URL)
TEXTS = ["title", "summary", "content_html", "rights", "category", "author_name", "source_title", "source_rights"]
VALUES = ["id", "link", "license_url", "license_title", "cc_license", "via", "related", "author_url", "source_id",
          "source_link"]  # fmt: skip


@st.composite
def entries(draw: st.DrawFn) -> FeedEntry:
    """An entry; sometimes with forbidden characters in a field or two: one alone in a text is what
    the writer's check must catch (an entry with them anywhere is written the slow way); in an id or
    URL, the page is refused."""
    entry = FeedEntry(
        id=draw(VALUE),
        title=draw(TEXT),
        link=draw(OPTIONAL),
        summary=draw(TEXT),
        content_html=draw(TEXT),
        authors=tuple(draw(AUTHORS)),
        published=draw(WHEN),
        updated=draw(WHEN),
        categories=tuple(draw(st.lists(TEXT, max_size=3))),
        rights=draw(TEXT),
        license_url=draw(OPTIONAL),
        license_title=draw(VALUE),
        cc_license=draw(OPTIONAL),
        source=draw(SOURCES),
        via=draw(OPTIONAL),
        related=draw(OPTIONAL),
    )
    for name, value in draw(st.lists(st.tuples(st.sampled_from(TEXTS + VALUES), ANY_TEXT), max_size=2)):
        entry = with_value(entry, name, value)
    return entry


@st.composite
def pages(draw: st.DrawFn) -> FeedPage:
    url = st.sampled_from(["https://x.example/feeds/atom.xml", "https://x.example/a?b=1&c=2", ""])
    return FeedPage(
        title=draw(ANY_TEXT | TEXT),
        description=draw(ANY_TEXT | TEXT),
        atom_url=draw(url),
        rss_url=draw(url),
        site_url=draw(st.sampled_from(["https://x.example/", "https://x.example/?a&b"])),
        rights=draw(ANY_TEXT | TEXT),
        language=draw(st.sampled_from(["", "en", "fr-CA"])),
        entries=tuple(draw(st.lists(entries(), max_size=4))),
        hubs=tuple(draw(st.lists(st.sampled_from(["https://hub.example/", "https://h.example/?a&b"]), max_size=2))),
        archive=draw(st.booleans()),
        prev_archive=draw(st.none() | url),
        next_archive=draw(st.none() | url),
        current=draw(st.none() | url),
        stylesheet=draw(st.sampled_from([None, "", "feed.xsl", "../../feed.xsl"])),
        updated=draw(WHEN),
        rsl_license=draw(st.none() | url),
        summaries=draw(st.booleans()),
    )


WHEN_UTC = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
PLAIN_SOURCE = SourceInfo("https://s.example/1", "S", WHEN_UTC, "https://s.example/1", "© S")
PLAIN = FeedEntry(
    "tag:x.example,2026:a", "Title", "https://x.example/a", "Summary", "<p>x</p>", (Author("A", "https://a.example/"),),
    WHEN_UTC, WHEN_UTC, ("t",), "©", "https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0",
    "https://creativecommons.org/licenses/by/4.0/", PLAIN_SOURCE, "https://s.example/1", "https://o.example/1",
)  # fmt: skip
PLAIN_PAGE = FeedPage("T", "D", "https://x.example/a.xml", "https://x.example/r.xml", "https://x.example/", "", "", ())
#: one field at a time: empty, nothing left once cleaned, absent, naive
CASES: list[dict[str, Any]] = [
    {}, {"summary": ""}, {"summary": "\x00"}, {"summary": " "}, {"content_html": ""}, {"content_html": "\x01"},
    {"summary": "", "content_html": ""}, {"title": ""}, {"title": "\x02"}, {"link": None}, {"link": ""},
    {"authors": ()}, {"authors": (Author("\x03"), Author("", ""), Author("N", None, "n@x.example"))},
    {"categories": ("", "\x04", "a&b", 'q"')}, {"rights": ""}, {"rights": "\x05"}, {"license_url": None},
    {"license_title": ""}, {"cc_license": None}, {"source": None}, {"via": None}, {"related": None}, {"id": ""},
    {"source": SourceInfo("", "", dt.datetime(2026, 1, 1), "", "")}, {"published": dt.datetime(2026, 1, 1)},
    {"updated": dt.datetime(2026, 1, 1)}, {"id": "a\x00"}, {"link": "\ud800"}, {"title": "a\ud800b"},
    {"published": dt.datetime(5, 1, 1, tzinfo=dt.UTC), "updated": dt.datetime(2026, 1, 1, 0, 0, 0, 5, dt.UTC)},
    {"summary": "a < b & c > d \r\n ]]>", "rights": "it's \"quoted\"\t"},
]  # fmt: skip


def with_value(entry: FeedEntry, name: str, value: str) -> FeedEntry:
    """`entry` with `value` in field `name` (one of TEXTS or VALUES), or one more category or author."""
    if name == "category":
        return dataclasses.replace(entry, categories=(*entry.categories, value))
    if name.startswith("author_"):
        author = Author(value, "https://a.example/") if name == "author_name" else Author("A", value)
        return dataclasses.replace(entry, authors=(*entry.authors, author))
    if name.startswith("source_"):
        source = entry.source or PLAIN_SOURCE
        changed: dict[str, Any] = {name.removeprefix("source_"): value}
        return dataclasses.replace(entry, source=dataclasses.replace(source, **changed))
    changed = {name: value}
    return dataclasses.replace(entry, **changed)


def outcome(build: Callable[[FeedPage], bytes], page: FeedPage) -> bytes | str:
    """The document, or that it was refused."""
    try:
        return build(page)
    except ValueError:
        return "ValueError"


def edge_page(change: dict[str, Any], archive: bool) -> FeedPage:
    """A page with the plain entry changed by `change` (one of CASES), twice, around a plain one;
    an archive page is one of summaries ([feeds] archive_content = "summary")."""
    entry = dataclasses.replace(PLAIN, **change)
    return FeedPage(
        "T", "D", "https://x.example/a.xml", "https://x.example/r.xml", "https://x.example/", "R", "en",
        (entry, PLAIN, entry), ("https://hub.example/",), archive, "https://x.example/p.xml",
        "https://x.example/n.xml", "https://x.example/c.xml", "../feed.xsl", WHEN_UTC, summaries=archive,
    )  # fmt: skip


def with_edge_cases(test: Callable[[FeedPage], None]) -> Callable[[FeedPage], None]:
    """`test` given, besides hypothesis's pages, each of CASES (on a page, and on an archive page of
    summaries), and a page with no entry."""
    for page in [PLAIN_PAGE, *(edge_page(change, archive) for change in CASES for archive in (False, True))]:
        test = example(page)(test)
    return test


# --- the one differential test -------------------------------------------------------------------


@PROPS
@given(pages())
@with_edge_cases
def test_documents_are_the_librarys_byte_for_byte(page: FeedPage) -> None:
    assert outcome(feed_xml.atom_document, page) == outcome(entries_feedgen.atom_document, page)
    assert outcome(feed_xml.rss_document, page) == outcome(entries_feedgen.rss_document, page)


# --- what a reader sees, and the seam as the command uses it ---------------------------------------


def test_characters_xml_forbids_are_removed_from_texts() -> None:
    entry = dataclasses.replace(PLAIN, title="a\x00b\ud800", summary="\x01", rights="c\uffffd")
    page = dataclasses.replace(PLAIN_PAGE, title="T\x1f", entries=(entry,))
    atom, rss = feed_xml.atom_document(page), feed_xml.rss_document(page)
    for document in (atom, rss):
        assert_feed_ok(document)
        assert b"<title>ab</title>" in document and b"<title>T</title>" in document
    assert b"<rights>cd</rights>" in atom and b"<dc:rights>cd</dc:rights>" in rss


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"link": "https://x.example/\x00"}, "must be XML compatible"),
        ({"id": "tag:x.example,2026:\x0b"}, "must be XML compatible"),
        ({"published": dt.datetime(2026, 1, 1)}, "no timezone"),
    ],
)
def test_values_that_cannot_be_written_are_refused(change: dict[str, Any], message: str) -> None:
    """An id or URL is not changed to fit, nor a date without a time zone guessed: the page is refused."""
    page = dataclasses.replace(PLAIN_PAGE, entries=(dataclasses.replace(PLAIN, **change),))
    for document in (feed_xml.atom_document, feed_xml.rss_document):
        with pytest.raises(ValueError, match=message):
            document(page)


@pytest.mark.parametrize("content", ["full", "summary"])
def test_the_library_alone_writes_the_same_feeds(site: Path, tmp_path: Path, content: str) -> None:
    """SYNDICATE_LIBRARY_ONLY=feed-entries (the seam in generate.py): every file `feeds` writes is
    the same, archive pages, tag feeds (full or summaries) and the stylesheet's link included."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + f'\n[feeds]\nlimit = 1\nxsl = true\narchive_content = "{content}"\n')
    written = {}
    for library_only in ("", "feed-entries"):
        out = tmp_path / f"feeds-{library_only or 'fast'}"
        env = {**os.environ, "SYNDICATE_LIBRARY_ONLY": library_only}
        command = [sys.executable, "-m", "syndicate", "--config", str(config), "feeds", "--out", str(out)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120, env=env)
        assert done.returncode == 0, done.stderr
        written[library_only] = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {"atom.xml", "rss.xml", "archive/atom-1.xml", "feed.xsl", "tags/libraries/rss.xml"} <= set(written[""])
    assert written["feed-entries"] == written[""]


def test_entries_written_apart_are_the_same_document() -> None:
    page = dataclasses.replace(PLAIN_PAGE, entries=(PLAIN, PLAIN))
    written = [atom_entry(PLAIN)] * 2
    assert feed_xml.atom_document(dataclasses.replace(page, entries=()), written) == feed_xml.atom_document(page)
    items = [rss_item(PLAIN)] * 2
    assert feed_xml.rss_document(dataclasses.replace(page, entries=()), items) == feed_xml.rss_document(page)


def test_a_changed_feedgen_document_is_refused_not_spliced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FeedGenerator, "atom_str", lambda *args, **kwargs: b"<feed/>\n")
    with pytest.raises(DependencyError, match="would write a broken feed") as raised:
        feed_xml.atom_document(dataclasses.replace(PLAIN_PAGE, entries=(PLAIN,)))
    assert f"feedgen {version('feedgen')} wrote" in raised.value.message and "pip install" in raised.value.hint


def test_a_changed_feedgen_is_a_clear_error_from_the_command(
    monkeypatch: pytest.MonkeyPatch, run_cli: Any, tmp_path: Path
) -> None:
    monkeypatch.setattr(FeedGenerator, "rss_str", lambda *args, **kwargs: b"<rss/>\n")
    result = run_cli("--config", str(DEMO / "syndicate.toml"), "feeds", "--out", str(tmp_path / "feeds"))
    assert result.status == 2
    assert (
        f"feedgen {version('feedgen')} wrote a feed" in result.err
        and "hint: syndicate is tested with feedgen 1.0" in result.err
    )
    assert "Traceback" not in result.err
    assert not (tmp_path / "feeds" / "rss.xml").exists()


# --- entries written once a build ----------------------------------------------------------------


@PROPS
@given(
    st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["atom", "rss"])), max_size=40),
    st.sampled_from([0, 1500, 4000, 10**6]),
)
def test_written_entries_are_each_entrys_and_are_let_go(uses: list[tuple[int, str]], budget: int) -> None:
    made = Made(
        dataclasses.replace(PLAIN, id=f"tag:x.example,2026:{i}", content_html="<p>x</p>" * 100 * i) for i in range(6)
    )
    written, entries = WrittenEntries(made, uses, budget), list(made)
    for index, form in uses:
        updated, data = written.get(index, form)
        assert updated == entries[index].updated
        assert data == (atom_entry(entries[index]) if form == "atom" else rss_item(entries[index]))
    assert written._kept == {}
    assert written._left == {}
    assert written._room == budget
    if budget == 10**6:  # room for all: each entry made once a format
        assert made.asked == len(set(uses))


class Made(list[FeedEntry]):
    """Entries that count how often they are asked for."""

    asked = 0

    def __getitem__(self, index: Any) -> Any:
        self.asked += 1
        return super().__getitem__(index)


def test_written_entries_keep_nothing_in_a_forked_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker builds only some documents: the parent's use counts would keep its entries forever."""
    made = Made(dataclasses.replace(PLAIN, id=f"tag:x.example,2026:{i}") for i in range(3))
    uses = [(i, "atom") for i in range(3)] * 2  # each entry in two documents
    written = WrittenEntries(made, uses)
    monkeypatch.setattr("syndicate.feeds.entries.os.getpid", lambda: -1)  # as in a forked child
    for index in range(3):  # this worker's one document
        assert written.get(index, "atom")[1] == atom_entry(list(made)[index])
    assert written._kept == {} and written._room == KEEP_BYTES
