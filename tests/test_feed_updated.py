"""Issue 25: articles of one day (dates alone) get atom:updated values that tell them apart."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.feeds import generate as feeds
from syndicate.feeds.generate import generate_feeds
from tests.test_feeds import NOW, build
from tests.w3c import needs_feedcheck, w3c_problems

ALDER = "alder-valley-water-board-approves-tiered-rates"
ATOM = "{http://www.w3.org/2005/Atom}"
DAY = "2026-03-02"


def same_day(site: Path, count: int, first: int = 1) -> list[str]:
    """`count` more ready articles published on DAY, a date alone; their slugs."""
    text = (site / "content" / f"{ALDER}.md").read_text()
    slugs = []
    for number in range(first, first + count):
        slug = f"same-day-{number}"
        copy = text.replace(f"slug: {ALDER}", f"slug: {slug}", 1).replace('title: "', f'title: "{number}: ', 1)
        (site / "content" / f"{slug}.md").write_text(copy.replace("published: 2026-09-17", f"published: {DAY}", 1))
        slugs.append(slug)
    return slugs


def updated_by_entry(feeds_folder: Path) -> dict[str, dict[str, str]]:
    """Each Atom document's entries: id -> atom:updated."""
    found = {}
    for path in sorted(feeds_folder.rglob("atom*.xml")):
        entries = etree.parse(str(path)).iter(f"{ATOM}entry")
        found[path.relative_to(feeds_folder).as_posix()] = {
            e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}updated") for e in entries
        }
    return found


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def day_site(site: Path) -> Path:
    """The demo with twelve more articles of one day, and archive pages of five entries."""
    (site / "syndicate.toml").write_text((site / "syndicate.toml").read_text() + "\n[feeds]\nlimit = 5\n")
    same_day(site, 12)
    return site


def test_entries_of_one_day_never_share_an_updated_value(day_site: Path) -> None:
    build(day_site)
    documents = updated_by_entry(day_site / "feeds")
    assert {"atom.xml", "archive/atom-1.xml", "archive/atom-2.xml", "tags/water/atom.xml"} <= set(documents)
    for path, entries in documents.items():
        repeated = [value for value, count in Counter(entries.values()).items() if count > 1]
        assert repeated == [], path
    everywhere = {entry: value for entries in documents.values() for entry, value in entries.items()}
    assert len(set(everywhere.values())) == len(everywhere) == 15  # the same value in every document
    day = [value for entry, value in everywhere.items() if ":same-day-" in entry]
    assert len(day) == 12 and all(value.startswith(f"{DAY}T00:") and value.endswith("+00:00") for value in day)
    tree = etree.parse(str(day_site / "feeds" / "archive" / "atom-1.xml"))
    assert {e.findtext(f"{ATOM}published") for e in tree.iter(f"{ATOM}entry")} >= {f"{DAY}T00:00:00+00:00"}


def test_a_new_article_of_the_day_changes_no_other_entry(day_site: Path, tmp_path: Path) -> None:
    build(day_site)
    before = {e: v for entries in updated_by_entry(day_site / "feeds").values() for e, v in entries.items()}
    [new] = same_day(day_site, 1, first=13)
    build(day_site)
    after = {e: v for entries in updated_by_entry(day_site / "feeds").values() for e, v in entries.items()}
    assert {entry: after[entry] for entry in before} == before
    assert after[f"tag:review.example.org,2026:{new}"] not in before.values()
    fresh = shutil.copytree(day_site, tmp_path / "checkout", ignore=shutil.ignore_patterns("feeds"))
    build(fresh)  # a fresh checkout: the same bytes
    assert _files(fresh / "feeds") == _files(day_site / "feeds")


def test_updated_values_are_the_same_on_workers_and_from_the_cache(
    day_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "MAX_PARENT_MB", 1e9)  # the test process is large: fork all the same
    monkeypatch.setattr(feeds, "DOCUMENTS_PER_WORKER", 1)
    config = load_config(day_site / "syndicate.toml")
    outputs = []
    for workers in ("1", "3"):
        monkeypatch.setenv("SYNDICATE_WORKERS", workers)
        content = load_site(config)
        generate_feeds(config, content.articles, content.checks, day_site / workers, NOW)
        outputs.append(_files(day_site / workers))
    assert outputs[0] == outputs[1]
    content = load_site(config)
    marks = generate_feeds(config, content.articles, content.checks, day_site / "cached", NOW, known={}).marks
    same_day(day_site, 1, first=13)
    content = load_site(config)
    generate_feeds(config, content.articles, content.checks, day_site / "cached", NOW, known=marks)
    generate_feeds(config, content.articles, content.checks, day_site / "fresh", NOW)
    assert _files(day_site / "cached") == _files(day_site / "fresh")


@needs_feedcheck
def test_one_days_feeds_pass_the_w3c_validator_strictly(day_site: Path) -> None:
    build(day_site)
    documents = sorted((day_site / "feeds").rglob("*.xml"))
    assert {"archive", "tags"} <= {p.relative_to(day_site / "feeds").parts[0] for p in documents}
    for path in documents:
        assert w3c_problems(path) is None
