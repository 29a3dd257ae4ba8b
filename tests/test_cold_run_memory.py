"""A cold run holds its articles as records and reads each in full only while it is used.

A cold `run` stores every file's row and record first, then keeps of each article only its
record (cron/incremental.py); the feeds read the articles of each document from their rows
just before building it and let them go after (feeds/staging.py, past `staging.BUDGET`
articles). Whatever is let go and read again, the feeds, copies and report are those of a run
that holds every article whole.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.cron.incremental import load_site_cached
from syndicate.cron.records import RecordedArticle
from syndicate.delivery.ledger import Ledger
from syndicate.feeds import chosen, spool, staging
from syndicate.render import html_copy

NOW = "2026-12-01T12:00:00+00:00"
ALDER = "alder-valley-water-board-approves-tiered-rates"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _grown(site: Path, endpoints: bool) -> Path:
    """The demo site with 8 more articles, 2 entries a feed page (archive pages, tag feeds)."""
    config = site / "syndicate.toml"
    text = config.read_text(encoding="utf-8")
    if not endpoints:
        text = text[: text.index("[[endpoints]]")]
        _strip = site / "content" / "eastbrook-council-election-turnout-by-ward.md"
        _strip.write_text(_strip.read_text(encoding="utf-8").replace("endpoints:\n  - archive\n", ""), "utf-8")
    config.write_text(text + "\n[feeds]\nlimit = 2\n", encoding="utf-8")
    original = (site / "content" / f"{ALDER}.md").read_text(encoding="utf-8")
    for n in range(1, 9):
        slug = f"clone-{n}"
        body = original.replace(ALDER, slug)
        body = re.sub(r"^published: .*$", f"published: 2026-08-0{n}", body, count=1, flags=re.M)
        (site / "content" / f"{slug}.md").write_text(body, encoding="utf-8")
    return config


def _outputs(site: Path) -> dict[str, bytes]:
    found = {f"feeds/{k}": v for k, v in _files(site / "feeds").items()}
    if (site / "out").is_dir():
        found |= {f"out/{k}": v for k, v in _files(site / "out").items()}
    return found


@pytest.mark.parametrize("endpoints", [True, False], ids=["a folder endpoint", "no endpoints"])
def test_a_cold_run_reading_its_articles_back_writes_what_one_holding_them_writes(
    site: Path, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, endpoints: bool
) -> None:
    config = _grown(site, endpoints)
    whole = tmp_path / "whole"
    shutil.copytree(site, whole)
    # every article read at once (as a run after a small change reads its few)
    monkeypatch.setattr(staging, "BUDGET", 10**6)
    held = run_cli("--config", str(whole / "syndicate.toml"), "run", "--now", NOW, "--format", "json")
    assert held.status == 0

    made: list[staging.Staged | None] = []

    def spy(*args: Any, **kwargs: Any) -> staging.Staged | None:
        made.append(staging.staged(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(staging, "BUDGET", 2)  # most articles let go and read again
    monkeypatch.setattr(chosen, "staged", spy)
    monkeypatch.setattr(html_copy, "_RENDERED", OrderedDict())
    streamed = run_cli("--config", str(config), "run", "--now", NOW, "--format", "json")
    assert streamed.status == 0

    assert json.loads(streamed.out) == json.loads(held.out)
    assert _outputs(site) == _outputs(whole)
    assert any(path.startswith("feeds/archive/") for path in _outputs(site))
    stage = made[0]
    assert stage is not None and stage.reads > len({i for g in stage._groups for i in g})  # some read twice
    if not endpoints:  # (with endpoints the plan reads them all)
        articles = [a for a in stage._articles if isinstance(a, RecordedArticle)]
        assert len(articles) >= 10 and not any(a.loaded for a in articles)
        assert not html_copy._RENDERED  # no copy kept: each is read back with its row


def _site_articles(site: Path, ledger: Ledger) -> list[Any]:
    config = load_config(_grown(site, endpoints=False))
    return load_site_cached(config, ledger, dt.date(2026, 12, 1), lazy=True).articles


def test_the_articles_a_document_shows_are_read_before_it_and_let_go_after(site: Path) -> None:
    with Ledger(site / ".syndicate" / "state.db") as ledger:
        articles = _site_articles(site, ledger)
        assert all(isinstance(a, RecordedArticle) and not a.loaded for a in articles)
        groups = [[0, 1], [1, 2], [0, 3]]
        seen: list[list[int]] = []

        def build(position: int) -> int:
            seen.append([i for i, a in enumerate(articles) if a.loaded])
            return position

        stage = staging.Staged(articles, groups, budget=1)
        assert list(stage.build(build, [0, 1, 2])) == [0, 1, 2]
        # one kept past its document at most: 0 (shown last) goes first, 1 stays for the next
        assert seen == [[0, 1], [1, 2], [0, 3]]
        assert stage.reads == 5
        assert not any(a.loaded for a in articles)
        # read again, the same article
        full = articles[0].title, articles[0].front_matter, articles[0].body
        assert articles[0].loaded and full[0] and full[2]


def test_a_build_that_fails_lets_its_articles_go(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_copy, "_RENDERED", OrderedDict())
    with Ledger(site / ".syndicate" / "state.db") as ledger:
        articles = _site_articles(site, ledger)

        def build(position: int) -> int:
            if position == 1:
                raise RuntimeError("a document failed")
            return position

        built = staging.Staged(articles, [[0, 1], [2, 3]], budget=4).build(build, [0, 1])
        assert next(built) == 0
        with pytest.raises(RuntimeError):
            next(built)
        assert not any(a.loaded for a in articles)
        assert not html_copy._RENDERED  # (their copies, read with their rows, let go too)


# -- `feeds`: the articles in a spool (feeds/spool.py) --


@pytest.mark.parametrize("content", ["full", "summary"])
def test_feeds_from_the_spool_are_those_of_the_articles_held_whole(
    site: Path, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    from syndicate.checks.validate import load_site
    from syndicate.feeds.chosen import copies_shown
    from syndicate.feeds.generate import generate_feeds

    config_path = _grown(site, endpoints=True)
    if content == "summary":  # (the copies a document of summaries shows made from the spool's bodies)
        config_path.write_text(config_path.read_text("utf-8") + 'archive_content = "summary"\n', "utf-8")
    config = load_config(config_path)
    # every article and copy held (as `feeds` does below SPOOL_FROM files)
    whole = load_site(config, bodies=False, copy_wanted=copies_shown(config))
    now = dt.datetime.now(dt.UTC)
    generate_feeds(config, whole.articles, whole.checks, tmp_path / "whole", now)
    monkeypatch.setattr(staging, "BUDGET", 2)
    monkeypatch.setattr(spool, "SPOOL_FROM", 1)
    monkeypatch.setattr(html_copy, "_RENDERED", OrderedDict())
    assert run_cli("--config", str(config_path), "feeds").status == 0
    assert _files(site / "feeds") == _files(tmp_path / "whole")
    assert not html_copy._RENDERED


def test_a_copy_read_back_from_the_spool_is_the_one_rendered(site: Path) -> None:
    from syndicate.checks.article_checks import Checks
    from syndicate.checks.parallel import CheckedFile
    from syndicate.render.html_copy import render_copy_uncached

    config = load_config(site / "syndicate.toml")
    checks = Checks.for_config(config)
    spooled = spool.Spool(site)
    try:
        data = {"title": "T", "license": {"id": "CC-BY-4.0"}}
        rendered = render_copy_uncached(data, "A *body*.", checks.registry.get("CC-BY-4.0"), with_json_ld=False)
        spooled.put("a", b"row a", spool.copy_bytes(CheckedFile(None, "", rendered)))  # type: ignore[arg-type]
        spooled.put("b", b"row b", None)
        assert spooled.get("b") == (b"row b", None)
        row, copy = spooled.get("a")
        assert row == b"row a" and copy is not None
        assert copy.endswith(rendered.packed)
        assert not [p for p in site.iterdir() if "spool" in p.name]  # (no name of its own in the folder)
    finally:
        spooled.close()


def test_feeds_leave_no_spool_behind_even_when_they_fail(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syndicate.feeds import generate

    config = _grown(site, endpoints=True)
    state = site / ".syndicate"
    state.mkdir(exist_ok=True)
    opened: list[spool.Spool] = []
    made = spool.Spool.__init__

    def spy(self: spool.Spool, folder: Path | None) -> None:
        made(self, folder)
        opened.append(self)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError("the disk is full")

    monkeypatch.setattr(spool.Spool, "__init__", spy)
    assert run_cli("--config", str(config), "feeds").status == 0
    assert not opened  # (a site of fewer than SPOOL_FROM files is held whole)
    monkeypatch.setattr(spool, "SPOOL_FROM", 1)
    assert run_cli("--config", str(config), "feeds").status == 0
    monkeypatch.setattr(generate, "write_feed_files", fail)
    with pytest.raises(OSError, match="the disk is full"):
        run_cli("--config", str(config), "feeds")
    assert len(opened) == 2 and all(s._file.closed for s in opened)
    assert sorted(p.name for p in state.iterdir()) == []  # the spool was never a file there by name


def test_a_short_write_to_the_spool_is_written_on(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.pwrite may write less than it is given (a signal, a disk nearly full): the rest is
    written after it, not lost (a fault a real disk does not show on demand: pwrite made short)."""
    pwrite = os.pwrite

    def short(fd: int, data: bytes, offset: int) -> int:
        return pwrite(fd, bytes(data)[:3], offset)

    spooled = spool.Spool(site)
    try:
        monkeypatch.setattr(os, "pwrite", short)
        spooled.put("a", b"row of a", b"copy of a")
        spooled.put("b", b"row of b", None)
        assert spooled.get("a") == (b"row of a", b"copy of a")
        assert spooled.get("b") == (b"row of b", None)
    finally:
        spooled.close()


def test_a_spool_that_cannot_be_made_is_a_clear_error(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state folder syndicate may not write in (a fault simulated: tests may run as root)."""
    import tempfile

    config = _grown(site, endpoints=True)
    (site / ".syndicate").mkdir(exist_ok=True)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(spool, "SPOOL_FROM", 1)
    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    result = run_cli("--config", str(config), "feeds")
    assert result.status == 2, result.err  # (as any folder syndicate may not write in)
    assert "cannot make the feeds' spool in" in result.err and ".syndicate" in result.err
    assert "Permission denied" in result.err and "Traceback" not in result.err
