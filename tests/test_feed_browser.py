"""Feeds in a browser, for a site that keeps the stylesheet ([feeds] xsl = true): feed.xsl shows
atom.xml and rss.xml as a page with every entry, byline and licence (test_feed_pages.py: the HTML pages).

The lxml tests always run. The Chromium tests need Debian's `chromium`: they skip
without it, except under CI (which installs it), where they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.feeds.generate import generate_feeds
from tests.conftest import DEMO
from tests.loopback import folder_server

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
NS = {
    "a": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cc": "http://backend.userland.com/creativeCommonsRssModule",
}
FEEDS = ["atom.xml", "rss.xml", "tags/maritime/rss.xml"]


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    authors: list[str]
    rights: str
    licence: str | None
    licence_name: str


def entries(feed: Path) -> list[Entry]:
    """What the page must show, read from the feed itself."""
    found = []
    for e in etree.parse(str(feed)).xpath("a:entry | channel/item", namespaces=NS):
        licence = e.xpath("string(a:link[@rel='license']/@href | cc:license)", namespaces=NS) or None
        # Atom names the licence in its link title; for RSS the page derives "CC BY-ND 4.0" from the URL
        short = "CC {} {}".format(*licence.split("/")[4:6]).upper() if licence else ""
        title = e.xpath("string(a:link[@rel='license']/@title)", namespaces=NS)
        found.append(
            Entry(
                title=e.xpath("string(a:title | title)", namespaces=NS),
                link=e.xpath("string(a:link[@rel='alternate']/@href | link)", namespaces=NS),
                authors=[str(name) for name in e.xpath("a:author/a:name/text() | dc:creator/text()", namespaces=NS)],
                rights=e.xpath("string(a:rights | dc:rights)", namespaces=NS),
                licence=licence,
                licence_name=title or short,
            )
        )
    return found


def text(node: Any) -> str:
    return " ".join(node.text_content().split())


def assert_page_shows(page: str, feed: Path) -> None:
    doc = html.fromstring(page)
    expected = entries(feed)
    articles = doc.xpath("//article")
    assert articles, f"no entries rendered (does this browser still run XSLT?):\n{page[:2000]}"
    assert [text(a.find(".//h2")) for a in articles] == [e.title for e in expected]
    assert text(doc.find(".//h1")) == etree.parse(str(feed)).xpath("string(a:title | channel/title)", namespaces=NS)
    assert "This is a web feed" in text(doc.find(".//aside"))
    for article, entry in zip(articles, expected, strict=True):
        assert article.xpath(".//h2/a/@href") == [entry.link]
        *others, last = entry.authors
        names = f"{', '.join(others)} and {last}" if others else last
        assert text(article.find(".//*[@class='byline']")) == f"By {names}"
        shown = entry.rights
        if entry.licence:  # named once: by the link below the rights, not again in them
            shown = " ".join(re.sub(rf"Licence: [^(]*\({re.escape(entry.licence)}\)\.", "", shown).split())
            assert text(article).count(entry.licence_name) == 1 and entry.licence not in text(article)
        assert shown and shown in text(article)
        licences = [(a.get("href"), text(a)) for a in article.xpath(".//a[@rel='license']")]
        assert licences == ([(entry.licence, entry.licence_name)] if entry.licence else [])
    # the entries' HTML content is never injected into the page
    assert not doc.xpath("//script | //*[contains(@class, 'syndicate-attribution')]")


@pytest.fixture
def feeds(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(DEMO, site, ignore=shutil.ignore_patterns(".syndicate", "out", "feeds"))
    toml = site / "syndicate.toml"
    toml.write_text(toml.read_text() + "\n[feeds]\nxsl = true\n")
    config = load_config(toml)
    content = load_site(config, NOW.date())
    generate_feeds(config, content.articles, content.checks, config.paths.feeds, NOW)
    return site / "feeds"


@pytest.mark.parametrize("name", [*FEEDS, "tags/maritime/atom.xml"])
def test_stylesheet_renders_feed_with_lxml(feeds: Path, name: str) -> None:
    feed = feeds / name
    instruction = etree.parse(str(feed)).getroot().getprevious()
    assert instruction.target == "xml-stylesheet" and instruction.get("type") == "text/xsl"
    assert (feed.parent / instruction.get("href")).resolve() == (feeds / "feed.xsl").resolve()
    transform = etree.XSLT(etree.parse(str(feeds / "feed.xsl")))
    assert_page_shows(str(transform(etree.parse(str(feed)))), feed)


def test_stylesheet_links_only_web_urls(feeds: Path) -> None:
    atom = feeds / "atom.xml"
    first = entries(atom)[0]
    atom.write_text(atom.read_text().replace(f'href="{first.link}"', 'href="javascript:alert(1)"'))
    page = html.fromstring(str(etree.XSLT(etree.parse(str(feeds / "feed.xsl")))(etree.parse(str(atom)))))
    assert text(page.xpath("//article//h2/a")[0]) == first.title
    assert not page.xpath("//*[@href[contains(., 'javascript')]]")


@pytest.fixture
def served(feeds: Path) -> Iterator[str]:
    """The feeds folder over HTTP on loopback: browsers may refuse XSLT from file:// URLs."""
    with folder_server(feeds) as url:
        yield url


def chromium(tmp_path: Path, *args: str) -> str:
    binary = shutil.which("chromium")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: CI must run `apt-get install -y chromium` first")
        pytest.skip("chromium is not installed (apt-get install -y chromium): feeds not checked in a browser")
    profile = tempfile.mkdtemp(dir=tmp_path)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
    flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    run = subprocess.run(
        [binary, *flags, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


@pytest.mark.parametrize("name", FEEDS)
def test_chromium_renders_feed_as_page(feeds: Path, served: str, tmp_path: Path, name: str) -> None:
    assert_page_shows(chromium(tmp_path, "--dump-dom", served + name), feeds / name)


def test_chromium_screenshot(served: str, tmp_path: Path) -> None:
    shot = tmp_path / "feed.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", served + "atom.xml")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert struct.unpack(">II", data[16:24]) == (1200, 1600)  # IHDR width, height
