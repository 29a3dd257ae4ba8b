"""A tag feed whose last article is retracted stays, empty, and no folder is left empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser

from tests.w3c import w3c_problems

ALDER = "alder-valley-water-board-approves-tiered-rates"


def _retract(site: Path, slug: str) -> None:
    article = site / "content" / f"{slug}.md"
    article.write_text(article.read_text().replace("status: ready", "status: retracted", 1))


def test_a_tag_feed_emptied_by_a_retraction_stays_valid_and_empty(site: Path, run_cli: Any) -> None:
    config = str(site / "syndicate.toml")
    argv = ["--config", config, "run", "--now"]
    assert run_cli(*argv, "2030-01-01T10:00:00+00:00").status == 0
    water = site / "feeds" / "tags" / "water"
    assert len(feedparser.parse((water / "atom.xml").read_bytes()).entries) == 1
    _retract(site, ALDER)  # the only article tagged Water
    assert run_cli(*argv, "2030-01-01T10:10:00+00:00").status == 0
    for name in ("atom.xml", "rss.xml", "index.html"):
        assert (water / name).is_file(), name
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((water / name).read_bytes())
        assert not parsed.bozo and parsed.entries == []
        assert parsed.feed.title.endswith(": Water")  # the tag's name, not its folder's
        assert w3c_problems(water / name) is None
    stamps = {p: p.stat().st_mtime_ns for p in water.iterdir()}
    # the next runs leave it as it is (and a plain `feeds` keeps it too)
    run_cli(*argv, "2030-01-01T10:20:00+00:00")
    assert run_cli("--config", config, "feeds").status == 0
    assert {p: p.stat().st_mtime_ns for p in water.iterdir()} == stamps
    # the tag back: its feed fills again
    article = site / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace("status: retracted", "status: ready", 1))
    assert run_cli(*argv, "2030-01-01T10:30:00+00:00").status == 0
    assert len(feedparser.parse((water / "atom.xml").read_bytes()).entries) == 1


def test_no_folder_is_left_empty(site: Path, run_cli: Any) -> None:
    config = site / "syndicate.toml"
    assert run_cli("--config", str(config), "feeds").status == 0
    assert (site / "feeds" / "tags" / "water").is_dir()
    # tag feeds turned off: their pages go, and their folders with them
    config.write_text(config.read_text() + "\n[feeds]\ntag_feeds = false\n")
    assert run_cli("--config", str(config), "feeds").status == 0
    assert not (site / "feeds" / "tags").exists()
    empty = [p for p in (site / "feeds").rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert empty == []


def test_a_tag_feeds_title_and_updated_are_read_from_its_head_alone(site: Path, run_cli: Any) -> None:
    """published_tags reads each tag feed up to its first entry: what reading the whole gives."""
    from lxml import etree

    from syndicate.feeds.tag_heads import _feed_head

    assert run_cli("--config", str(site / "syndicate.toml"), "run", "--now", "2030-01-01T10:00:00+00:00").status == 0
    feeds = sorted((site / "feeds" / "tags").glob("*/atom.xml"))
    assert len(feeds) > 3
    atom = "{http://www.w3.org/2005/Atom}"
    for path in feeds:
        root = etree.parse(str(path)).getroot()
        assert _feed_head(path) == (root.findtext(f"{atom}title"), root.findtext(f"{atom}updated"))
    nested = site / "nested.xml"  # an entry's own title and updated are not the feed's
    nested.write_text(
        f'<feed xmlns="{atom[1:-1]}"><entry><title>E</title><updated>2001-01-01</updated></entry>'
        "<title>F</title><updated>2002-02-02</updated></feed>"
    )
    assert _feed_head(nested) == ("", "")
