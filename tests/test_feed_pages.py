"""The feeds' HTML pages (index.html beside the main feed and each tag feed), for readers without XSLT.

The Chromium tests need Debian's `chromium`: they skip without it, except under CI, where they fail.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree, html

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.errors import WriteError
from syndicate.feeds.generate import generate_feeds
from syndicate.feeds.writing import FeedsResult
from tests.loopback import folder_server
from tests.test_feed_browser import NS, chromium, entries, text
from tests.test_feed_files import add_articles
from tests.test_feeds import NOW, build, set_config
from tests.w3c import needs_feedcheck, w3c_problems

BASE = "https://review.example.org/feeds/"
#: a page, the feed whose entries it must show, and where that feed is served
PAGES = [("index.html", "atom.xml"), ("tags/maritime/index.html", "tags/maritime/atom.xml")]


def licence_name(url: str) -> str:
    """The short name a page gives a Creative Commons licence ("CC BY-ND 4.0")."""
    return "CC {} {}".format(*url.split("/")[4:6]).upper()


def assert_page_shows(page: str, feed: Path, folder: str) -> None:
    """Every entry of `feed` once, with its title, byline, source link and licence (once), and the feed's
    autodiscovery links, address, language; no script, no raw XML, no XSLT."""
    doc = html.fromstring(page)
    expected = entries(feed)
    parsed = etree.parse(str(feed))
    articles = doc.xpath("//article")
    assert [text(a.find(".//h2")) for a in articles] == [e.title for e in expected]
    assert text(doc.find(".//h1")) == parsed.xpath("string(a:title)", namespaces=NS)
    assert doc.get("lang") == "en"
    assert doc.xpath("//head/link[@rel='alternate']/@type") == ["application/atom+xml", "application/rss+xml"]
    assert doc.xpath("//head/link[@rel='alternate']/@href") == [BASE + folder + "atom.xml", BASE + folder + "rss.xml"]
    note = text(doc.find(".//aside"))
    assert "This is a web feed" in note and "feed reader" in note
    assert doc.xpath("//aside//code/text()") == [BASE + folder + "atom.xml", BASE + folder + "rss.xml"]
    assert doc.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    sources = parsed.xpath("a:entry/a:link[@rel='via']/@href", namespaces=NS)
    for article, entry, source in zip(articles, expected, sources, strict=True):
        assert article.xpath(".//h2/a/@href") == [entry.link]
        *others, last = entry.authors
        names = f"{', '.join(others)} and {last}" if others else last
        assert text(article.find(".//*[@class='byline']")) == f"By {names}"
        assert article.xpath(".//*[@class='credit']/a[1]/@href") == [source]
        shown = text(article)
        licences = [(a.get("href"), text(a), a.get("title")) for a in article.xpath(".//a[@rel='license']")]
        if entry.licence:
            name = licence_name(entry.licence)
            assert licences == [(entry.licence, name, entry.licence_name)]
            assert shown.count(name) == 1 and entry.licence not in shown  # the licence once, as a link
            statement = entry.rights.split(" Licence: ")[0]
            assert text(article.find(".//*[@class='rights']/p")) == statement
        else:
            assert licences == [] and entry.rights in shown
    assert not doc.xpath("//script | //*[@on] | //*[contains(@class, 'syndicate-attribution')]")
    assert "XSLT" not in page and "<?xml" not in page and "does not appear to have any style" not in page


@pytest.fixture
def feeds(site: Path) -> Path:
    build(site)
    return site / "feeds"


@pytest.mark.parametrize(("page", "feed"), PAGES)
def test_each_feed_has_a_page_with_every_entry_once(feeds: Path, page: str, feed: str) -> None:
    assert_page_shows((feeds / page).read_text(), feeds / feed, page.removesuffix("index.html"))


def test_a_page_beside_the_main_feed_and_every_tag_feed_but_no_archive(site: Path) -> None:
    set_config(site, "[paths]", "[feeds]\nlimit = 1\n\n[paths]")
    build(site)
    feeds = site / "feeds"
    assert (feeds / "archive").is_dir() and not list((feeds / "archive").glob("*.html"))
    assert (feeds / "index.html").is_file()
    tags = [folder for folder in (feeds / "tags").iterdir() if (folder / "atom.xml").is_file()]
    assert tags and all((folder / "index.html").is_file() for folder in tags)


def test_feeds_link_their_page(feeds: Path) -> None:
    for folder in ("", "tags/water/"):
        atom = etree.parse(str(feeds / folder / "atom.xml"))
        assert atom.xpath("a:link[@rel='alternate']/@href", namespaces=NS) == [BASE + folder + "index.html"]
        rss = etree.parse(str(feeds / folder / "rss.xml"))
        assert rss.xpath("channel/a:link[@rel='alternate'][@type='text/html']/@href", namespaces=NS) == [
            BASE + folder + "index.html"
        ]
        assert rss.xpath("string(channel/link)") == "https://review.example.org/"  # RSS's own link: the site
        for document in (atom, rss):  # no stylesheet unless the site asks for it
            assert not [node for node in document.getroot().itersiblings(preceding=True) if node.tag is etree.PI]
    assert not (feeds / "feed.xsl").exists()


def test_archive_pages_keep_the_site_as_their_link(site: Path) -> None:
    set_config(site, "[paths]", "[feeds]\nlimit = 1\n\n[paths]")
    build(site)
    archive = etree.parse(str(site / "feeds" / "archive" / "atom-1.xml"))
    assert archive.xpath("a:link[@rel='alternate']/@href", namespaces=NS) == ["https://review.example.org/"]


def test_the_stylesheet_is_an_option(site: Path) -> None:
    set_config(site, "[paths]", "[feeds]\nxsl = true\n\n[paths]")
    build(site)
    feeds = site / "feeds"
    assert (feeds / "feed.xsl").is_file()
    assert (feeds / "tags" / "water" / "rss.xml").read_text().splitlines()[1] == (
        '<?xml-stylesheet type="text/xsl" href="../../feed.xsl"?>'
    )
    assert (feeds / "index.html").is_file()  # the pages too
    set_config(site, "xsl = true", "xsl = false")
    result = build(site)
    assert not (feeds / "feed.xsl").exists() and feeds / "feed.xsl" in result.removed
    assert "xml-stylesheet" not in (feeds / "atom.xml").read_text()


def build_as_run(site: Path, known: dict[str, str]) -> FeedsResult:
    """The feeds as `run` builds them: a document whose inputs are as they were is not built again."""
    config = load_config(site / "syndicate.toml")
    content = load_site(config, NOW.date())
    return generate_feeds(config, content.articles, content.checks, config.paths.feeds, NOW, known)


def test_a_page_is_written_again_only_when_its_feed_changes(site: Path) -> None:
    first = build_as_run(site, {})
    again = build_as_run(site, first.marks)
    assert again.written == [] and len(again.unchanged) == len(first.written)
    # an article of the water tag: the main feed and the water feeds change, the maritime ones do not
    article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Now: ', 1))
    changed = build_as_run(site, again.marks)
    written = {p.relative_to(site / "feeds").as_posix() for p in changed.written}
    assert {"index.html", "atom.xml", "tags/water/index.html", "tags/water/atom.xml"} <= written
    assert not [p for p in written if p.startswith("tags/maritime/")]
    assert "Now: Alder Valley" in (site / "feeds" / "tags" / "water" / "index.html").read_text()


def test_the_page_of_a_tag_that_is_gone_stays_with_no_entry(site: Path) -> None:
    build(site)
    article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
    assert "Alder Valley" in (site / "feeds" / "tags" / "water" / "index.html").read_text()
    article.write_text(re.sub(r"\n  - Water\n", "\n", article.read_text(), count=1))
    result = build(site)
    # kept, as the tag's feeds are (see test_tag_feeds_kept.py), with the article gone from it
    assert site / "feeds" / "tags" / "water" / "index.html" in result.written and not result.removed
    assert "Alder Valley" not in (site / "feeds" / "tags" / "water" / "index.html").read_text()


def test_a_page_that_cannot_be_written_changes_no_feed(site: Path) -> None:
    """The pages are staged with the feeds, and renamed only once every file is written."""
    build(site)
    feeds = site / "feeds"
    before = {p: p.read_bytes() for p in feeds.rglob("*.xml")}
    add_articles(site, 1)
    (feeds / "index.html").unlink()
    (feeds / "index.html").mkdir()  # the main page cannot be put in place
    with pytest.raises(WriteError, match=r"index\.html"):
        build(site)
    assert {p: p.read_bytes() for p in feeds.rglob("*.xml")} == before
    assert not [p for p in feeds.rglob("*") if p.name.startswith(".")]  # no temporary file left


@needs_feedcheck
def test_feeds_that_link_their_page_pass_the_w3c_validator_strictly(feeds: Path) -> None:
    for name in ("atom.xml", "rss.xml", "tags/maritime/atom.xml", "tags/maritime/rss.xml"):
        assert w3c_problems(feeds / name) is None


# --- in a browser ---------------------------------------------------------------------------------


@pytest.fixture
def served(feeds: Path) -> Iterator[str]:
    """The feeds folder over HTTP on loopback, as a site serves it, with JavaScript off."""
    with folder_server(feeds, scripts=False) as url:
        yield url


@pytest.mark.parametrize(("page", "feed"), PAGES)
def test_chromium_shows_the_page_with_javascript_off(
    feeds: Path, served: str, tmp_path: Path, page: str, feed: str
) -> None:
    dom = chromium(tmp_path, "--dump-dom", served + page)
    assert_page_shows(dom, feeds / feed, page.removesuffix("index.html"))


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("page", [page for page, _ in PAGES])
def test_chromium_screenshots_at_phone_and_desktop_widths(served: str, tmp_path: Path, page: str, width: int) -> None:
    shot = tmp_path / f"{page.replace('/', '-')}-{width}.png"
    chromium(tmp_path, "--hide-scrollbars", f"--screenshot={shot}", f"--window-size={width},2400", served + page)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert struct.unpack(">II", data[16:24]) == (width, 2400)  # IHDR width, height
