"""feed_documents builds from state its workers inherit: a generator left unfinished must not take it from another."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
from pathlib import Path

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.feeds.chosen import LazyEntries, feed_articles
from syndicate.feeds.generate import feed_documents
from tests.conftest import DEMO

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def test_an_abandoned_generator_collected_mid_build_leaves_the_other_whole(tmp_path: Path) -> None:
    site = shutil.copytree(DEMO, tmp_path / "site", ignore=shutil.ignore_patterns(".syndicate", "out", "feeds"))
    config = load_config(site / "syndicate.toml")
    content = load_site(config, NOW.date())
    entries = LazyEntries(feed_articles(content.articles, content.checks, NOW), content.checks)
    abandoned = feed_documents(config, entries, entries.tags())
    next(abandoned), next(abandoned)  # the stylesheet, then the first document: it holds the build state
    current = feed_documents(config, entries, entries.tags())
    next(current), next(current)
    del abandoned
    gc.collect()  # closes it, as the collector did in the middle of another test's run
    rest = [path for path, content, _ in current if content is not None]
    assert "tags/water/atom.xml" in rest
