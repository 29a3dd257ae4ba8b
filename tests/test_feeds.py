"""Feeds: content and rights of every entry, validity, determinism, archives, tags, hubs."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
import shutil
import urllib.parse
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.feeds.generate import generate_feeds, tag_slug
from tests.conftest import GOLDEN
from tests.loopback import recording_server
from tests.w3c import needs_feedcheck, w3c_problems

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def build(site: Path, now: dt.datetime = NOW) -> Any:
    config = load_config(site / "syndicate.toml")
    content = load_site(config, now.date())
    return generate_feeds(config, content.articles, content.checks, config.paths.feeds, now)


def parse(path: Path) -> Any:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def set_config(site: Path, old: str, new: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace(old, new, 1))


def test_demo_feeds_carry_every_field(site: Path) -> None:
    result = build(site)
    assert result.entries == 3  # the seed is a draft
    atom = parse(site / "feeds" / "atom.xml")
    slugs = [e.id.rsplit(":", 1)[1] for e in atom.entries]
    assert slugs == [
        "eastbrook-council-election-turnout-by-ward",
        "harbour-library-digitises-shipping-registers",
        "alder-valley-water-board-approves-tiered-rates",
    ]  # newest first
    harbour = atom.entries[1]
    assert harbour.id == "tag:review.example.org,2026:harbour-library-digitises-shipping-registers"
    assert [a.name for a in harbour.authors] == ["Owen Farraday", "Priya Lanstead"]
    assert harbour.published == "2026-09-24T00:00:00+00:00"
    assert harbour.updated == "2026-09-29T09:15:00+01:00"
    assert harbour.rights.startswith("© 2026 The Harbour Gazette. Licence: CC BY-NC-ND 4.0")
    assert "syndicate-attribution" in harbour.content[0].value
    assert harbour.summary.startswith("Port Carrow's public library")
    assert {t.term for t in harbour.tags} >= {"Libraries", "Maritime"}
    links = {link.rel: link for link in harbour.links}
    assert links["license"].href == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert links["license"].title == "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International"
    assert links["via"].href.startswith("https://coastal-wire.example.net/")
    assert links["related"].href.startswith("https://harbour-gazette.example.com/")
    assert harbour.source.title == "Coastal Community Wire"
    assert harbour.source.id == links["via"].href
    assert harbour.source.rights == "© 2026 The Harbour Gazette"
    assert harbour.source.updated == "2026-09-26T00:00:00+00:00"  # when the source republished it
    feed_links = {link.rel: link.href for link in atom.feed.links}
    assert feed_links == {
        "self": "https://review.example.org/feeds/atom.xml",
        "alternate": "https://review.example.org/feeds/index.html",  # its page (the page links the site)
    }
    assert atom.feed.rights.startswith("Compilation © Community Review")

    rss = parse(site / "feeds" / "rss.xml")
    item = rss.entries[1]
    assert item.id == harbour.id
    assert item.link == harbour.link
    assert "Port Carrow" in item.content[0].value
    assert item.rights.startswith("© 2026 The Harbour Gazette")
    assert item.license == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert [a.name for a in item.authors] == ["Owen Farraday", "Priya Lanstead"]
    assert rss.entries[0].author == "Eastbrook Observer Data Desk"  # name-only authors survive in RSS
    assert item.published == "Thu, 24 Sep 2026 00:00:00 +0000"


def test_golden_feeds(site: Path) -> None:
    """The demo's feeds byte for byte; after a deliberate change: SYNDICATE_UPDATE_GOLDEN=1."""
    build(site)
    for name in ("atom.xml", "rss.xml"):
        produced = (site / "feeds" / name).read_bytes()
        golden = GOLDEN / "feeds" / name
        if os.environ.get("SYNDICATE_UPDATE_GOLDEN"):
            golden.write_bytes(produced)
        assert produced == golden.read_bytes(), name


def test_a_run_that_changed_nothing_touches_no_file(site: Path, tmp_path: Path) -> None:
    first = build(site)
    assert first.written and not first.unchanged
    stamps = {p: p.stat().st_mtime_ns for p in (site / "feeds").rglob("*.xml")}
    second = build(site, NOW + dt.timedelta(hours=3))
    assert not second.written and not second.removed
    assert {p: p.stat().st_mtime_ns for p in (site / "feeds").rglob("*.xml")} == stamps
    # the same articles elsewhere give byte-identical files
    other = shutil.copytree(site, tmp_path / "elsewhere", ignore=shutil.ignore_patterns("feeds"))
    build(other)
    for path in (site / "feeds").rglob("*.xml"):
        assert (other / "feeds" / path.relative_to(site / "feeds")).read_bytes() == path.read_bytes()


def test_embargoed_articles_wait_for_their_time(site: Path) -> None:
    article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
    article.write_text(
        article.read_text().replace("\nstatus: ready", "\nembargo_until: 2026-12-01T06:00:00+00:00\nstatus: ready")
    )
    assert build(site).entries == 2
    after = build(site, dt.datetime(2026, 12, 1, 6, 0, 1, tzinfo=dt.UTC))
    assert after.entries == 3
    assert (site / "feeds" / "atom.xml").resolve() in after.written


def test_retracted_and_refused_articles_stay_out(site: Path) -> None:
    article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    assert build(site).entries == 2
    set_config(site, 'channel = "community-web"', 'channel = "commercial-web"')
    assert build(site).entries == 0  # the rest are community-web only, and their errors keep them out


def test_archives_reach_the_whole_history(site: Path) -> None:
    (site / "syndicate.toml").write_text((site / "syndicate.toml").read_text() + "\n[feeds]\nlimit = 1\n")
    build(site)
    feeds = site / "feeds"
    current = parse(feeds / "atom.xml")
    assert len(current.entries) == 1
    seen = [current.entries[0].id]
    href = {link.rel: link.href for link in current.feed.links}["prev-archive"]
    pages = 0
    while href:
        page_path = feeds / urllib.parse.urlsplit(href).path.removeprefix("/feeds/")
        page = parse(page_path)
        tree = etree.parse(str(page_path))
        assert tree.find("{http://purl.org/syndication/history/1.0}archive") is not None
        links = {link.rel: link.href for link in page.feed.links}
        assert links["current"] == "https://review.example.org/feeds/atom.xml"
        seen += [e.id for e in page.entries]
        href = links.get("prev-archive", "")
        pages += 1
    assert pages == 2
    assert len(seen) == len(set(seen)) == 3


def test_tag_feeds_stay_inside_their_folder(site: Path) -> None:
    assert tag_slug("../../etc/passwd") == "etc-passwd"
    assert tag_slug("Économie & Société") == "economie-societe"
    assert tag_slug("///") == "tag-" + hashlib.sha256(b"///").hexdigest()[:8]
    assert tag_slug("   ") == "tag"
    assert len({tag_slug("Политика"), tag_slug("Экономика"), tag_slug("経済")}) == 3
    assert tag_slug("Политика").startswith("tag-") and tag_slug("Политика") == tag_slug("Политика")
    article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
    article.write_text(article.read_text().replace("tags:\n", "tags:\n  - ../../escape\n", 1))
    build(site)
    assert (site / "feeds" / "tags" / "escape" / "atom.xml").is_file()
    assert not (site.parent / "escape").exists()
    water = parse(site / "feeds" / "tags" / "water" / "atom.xml")
    assert water.feed.title == "Community Review (demo): Water"
    assert len(water.entries) == 1


def test_tags_that_share_a_folder_share_one_feed_with_each_article_once(site: Path) -> None:
    article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
    article.write_text(article.read_text().replace("tags:\n", "tags:\n  - water\n  - WATER\n", 1))
    build(site)
    for name in ("atom.xml", "rss.xml"):
        water = parse(site / "feeds" / "tags" / "water" / name)
        assert water.feed.title == "Community Review (demo): water / WATER / Water"
        assert len(water.entries) == 1  # once, not three times (RSS: a duplicate guid is an error)
        assert w3c_problems(site / "feeds" / "tags" / "water" / name) is None


def test_xml_invalid_characters_are_removed(site: Path) -> None:
    article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
    text = article.read_text().replace("Here", "Here\x0b", 1)
    text = text.replace("title: ", 'title: "\\x01Bell\\x07" # ', 1)
    article.write_text(text)
    build(site)
    for name in ("atom.xml", "rss.xml"):
        parsed = parse(site / "feeds" / name)
        assert any(e.title.startswith("Bell") for e in parsed.entries)


def test_hubs_are_linked_and_told_only_about_changes(site: Path, run_cli: Any) -> None:
    with recording_server() as hub:
        (site / "syndicate.toml").write_text(
            (site / "syndicate.toml").read_text() + f'\n[feeds]\nhubs = ["{hub.url}"]\ntag_feeds = false\n'
        )
        assert run_cli("-q", "--config", str(site / "syndicate.toml"), "feeds").status == 0
        atom, rss = parse(site / "feeds" / "atom.xml"), parse(site / "feeds" / "rss.xml")
        assert {link.rel: link.href for link in atom.feed.links}["hub"] == hub.url
        assert hub.url in (site / "feeds" / "rss.xml").read_text()
        assert {link.rel: link.href for link in rss.feed.links}.get("hub") == hub.url
        topics = sorted(urllib.parse.parse_qs(r.body.decode())["hub.url"][0] for r in hub.requests)
        assert topics == ["https://review.example.org/feeds/atom.xml", "https://review.example.org/feeds/rss.xml"]
        assert all(urllib.parse.parse_qs(r.body.decode())["hub.mode"] == ["publish"] for r in hub.requests)
        hub.requests.clear()
        assert run_cli("-q", "--config", str(site / "syndicate.toml"), "feeds").status == 0
        assert hub.requests == []
        hub.status = 500
        article = site / "content" / "alder-valley-water-board-approves-tiered-rates.md"
        article.write_text(article.read_text().replace("title: ", "title: Updated ", 1))
        failed = run_cli("-q", "--config", str(site / "syndicate.toml"), "feeds")
        assert failed.status == 1
        # one line per hub and cause, not per feed
        told = "https://review.example.org/feeds/atom.xml and 1 more feed: HTTP 500"
        assert failed.err.count("was not told") == 1 and f"hub {hub.url} was not told about {told}" in failed.err


@needs_feedcheck
@pytest.mark.parametrize("content", ["full", "summary"])
def test_every_feed_passes_the_w3c_validator_strictly(site: Path, content: str) -> None:
    (site / "syndicate.toml").write_text(
        (site / "syndicate.toml").read_text()
        + f'\n[feeds]\nlimit = 1\nhubs = ["https://hub.example.org/"]\narchive_content = "{content}"\n'
    )
    build(site)
    files = sorted((site / "feeds").rglob("*.xml"))
    assert len(files) > 10
    for path in files:
        assert w3c_problems(path) is None


def test_archive_pages_and_tag_feeds_of_summaries(site: Path) -> None:
    """[feeds] archive_content = "summary": archive pages and tag feeds carry each entry's summary and
    link, not its content; the main feed and the pages for people are as with full content."""
    set_config(site, "[site]", '[feeds]\nlimit = 1\narchive_content = "summary"\n\n[site]')
    built = build(site)
    summaries = _files(site / "feeds")
    set_config(site, 'archive_content = "summary"', 'archive_content = "full"')
    build(site)
    fulls = _files(site / "feeds")
    assert built.entries > 1 and set(summaries) == set(fulls) and "archive/atom-1.xml" in fulls
    for name in summaries:
        if name.startswith(("archive/", "tags/")) and name.endswith(".xml"):
            parsed = parse(site / "feeds" / name)  # (the last build: full content)
            assert len(summaries[name]) < len(fulls[name])
            shown = feedparser.parse(summaries[name])
            assert not shown.bozo and len(shown.entries) == len(parsed.entries) > 0
            for entry in shown.entries:
                assert "content" not in entry and entry.summary and entry.link
        else:
            assert summaries[name] == fulls[name], name


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_known_documents_are_not_built_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from syndicate.feeds import generate as feeds

    monkeypatch.setenv("SYNDICATE_WORKERS", "1")  # builds counted in this process
    built: list[str] = []
    build_one = feeds._build

    def counting(document: Any) -> bytes:
        built.append(document.path)
        return build_one(document)

    monkeypatch.setattr(feeds, "_build", counting)
    config = load_config(site / "syndicate.toml")
    out = site / "feeds"
    content = load_site(config)
    first = generate_feeds(config, content.articles, content.checks, out, NOW, known={})
    everything = len(built)
    assert everything == len(first.marks) > 3
    built.clear()
    again = generate_feeds(config, content.articles, content.checks, out, NOW, known=first.marks)
    assert built == [] and again.marks == first.marks and not again.changed

    article = site / "content" / "harbour-library-digitises-shipping-registers.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Changed: ', 1))
    content = load_site(config)
    changed = generate_feeds(config, content.articles, content.checks, out, NOW, known=again.marks)
    assert 0 < len(built) < everything  # the pages that carry it, not every page
    assert all(("Changed: " in (out / path).read_text()) for path in built)
    fresh = site / "fresh"
    generate_feeds(config, content.articles, content.checks, fresh, NOW)
    assert _files(out) == _files(fresh)

    edited = out / "atom.xml"
    edited.write_bytes(edited.read_bytes() + b"\n")  # edited by hand: its mark no longer fits
    built.clear()
    generate_feeds(config, content.articles, content.checks, out, NOW, known=changed.marks)
    assert built == ["atom.xml"]
    assert _files(out) == _files(fresh)


def test_a_plain_text_summary_reads_back_as_written_in_rss_and_atom(site: Path) -> None:
    article = site / "content" / "harbour-library-digitises-shipping-registers.md"
    written = 'summary: "Tom & Jerry <3 <b>not bold</b>: Port Carrow'
    article.write_text(article.read_text().replace('summary: "Port Carrow', written, 1))
    build(site)
    for name in ("rss.xml", "atom.xml"):
        entry = next(e for e in parse(site / "feeds" / name).entries if "Tom" in e.summary)
        if entry.summary_detail.type == "text/html":  # RSS: the text's "<b>" must be text in it, not markup
            assert "<b>" not in entry.summary, (name, entry.summary)
            shown = html.unescape(entry.summary)
        else:  # Atom: a text construct
            assert entry.summary_detail.type == "text/plain"
            shown = entry.summary
        assert shown.startswith("Tom & Jerry <3 <b>not bold</b>: Port Carrow"), (name, shown)


#: headlines with "&" and "<": plain, and reading like markup ("&amp;", "<stdio.h>"), which the W3C
#: validator takes for HTML in a title unless "&" and "<" are hexadecimal references
AMPERSAND_TITLES = {
    "alder-valley-water-board-approves-tiered-rates": "Q&A: AT&T, R&amp;D and x <y",
    "eastbrook-council-election-turnout-by-ward": "Tom &amp Jerry &copy; <stdio.h> &#38;",
    "harbour-library-digitises-shipping-registers": "Fish & Chips < 3 &lt;x",
}


def test_titles_with_ampersands_and_angle_brackets_pass_the_w3c_validator(site: Path) -> None:
    for slug, title in AMPERSAND_TITLES.items():
        article = site / "content" / f"{slug}.md"
        text = article.read_text()
        line = re.search(r"^title: .*$", text, flags=re.M)
        assert line is not None
        text = text.replace(line[0], f'title: "{title}"', 1)
        article.write_text(text.replace("tags:\n", 'tags:\n  - "R&amp;D <x"\n', 1))
    build(site)
    documents = [
        site / "feeds" / folder / name for folder in ("", "tags/r-amp-d-x") for name in ("rss.xml", "atom.xml")
    ]
    for path in documents:
        parsed = parse(path)
        assert sorted(e.title for e in parsed.entries) == sorted(AMPERSAND_TITLES.values()), path
        titles = [line for line in path.read_text().splitlines() if "<title>" in line and "&" in line]
        assert len(titles) >= 3 and not [line for line in titles if "&amp;" in line or "&lt;" in line], titles
    assert parse(documents[2]).feed.title == "Community Review (demo): R&amp;D <x"
    for path in documents:
        assert w3c_problems(path) is None
