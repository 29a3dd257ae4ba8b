"""`feeds` with [feeds] archive_content = "summary" makes only the copies its documents show: the
newest entries', and those of entries whose summary does not suffice. The files are those of a
build that made every copy."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

from syndicate.checks.validate import load_site
from syndicate.config import Config, load_config
from syndicate.errors import ContentChangedError
from syndicate.feeds import chosen
from syndicate.feeds.chosen import copies_shown
from syndicate.feeds.generate import generate_feeds
from syndicate.render import html_copy

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
CONTENT = "content"
NEWEST = "eastbrook-council-election-turnout-by-ward"  # in the main feeds: its copy is shown
UNSUMMARISED = "alder-valley-water-board-approves-tiered-rates"  # its summary removed: its copy is shown
SUMMARISED = "harbour-library-digitises-shipping-registers"  # archive and tags only, by its summary


@pytest.fixture(autouse=True)
def _no_copies_made_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process's cache of copies, empty: a copy another test made is not made here."""
    monkeypatch.setattr(html_copy, "_RENDERED", OrderedDict())


def _summaries_site(site: Path) -> Config:
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + '\n[feeds]\nlimit = 1\narchive_content = "summary"\n')
    article = site / CONTENT / f"{UNSUMMARISED}.md"
    lines = article.read_text().splitlines(keepends=True)
    article.write_text("".join(line for line in lines if not line.startswith("summary:")))
    return load_config(config)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _feeds(config: Config, out: Path, **load: Any) -> dict[str, bytes]:
    content = load_site(config, NOW.date(), **load)
    generate_feeds(config, content.articles, content.checks, out, NOW)
    return _files(out)


def test_only_the_copies_shown_are_made_and_the_feeds_are_those_of_every_copy(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _summaries_site(site)
    monkeypatch.setenv("SYNDICATE_WORKERS", "1")  # (the copies counted in this process)
    made: list[str] = []
    render = html_copy.render_copy_uncached

    def counting(front_matter: Any, body: str, *args: Any, **kwargs: Any) -> html_copy.RenderedCopy:
        made.append(front_matter["slug"])
        return render(front_matter, body, *args, **kwargs)

    monkeypatch.setattr(html_copy, "render_copy_uncached", counting)
    monkeypatch.setattr(chosen, "render_copy_uncached", counting)
    shown = _feeds(config, site / "shown", bodies=False, copy_wanted=copies_shown(config))
    assert sorted(made) == sorted([NEWEST, UNSUMMARISED])  # (the newest read again from its file)
    made.clear()
    every = _feeds(config, site / "every")
    assert SUMMARISED in made
    assert shown == every
    assert b"<content" in shown["atom.xml"] and b"<content" in shown[f"tags/{_tag_of(site, UNSUMMARISED)}/atom.xml"]


def _tag_of(site: Path, slug: str) -> str:
    import frontmatter

    from syndicate.feeds.generate import tag_slug

    tags = frontmatter.load(site / CONTENT / f"{slug}.md")["tags"]
    assert isinstance(tags, list)
    return tag_slug(str(tags[0]))


def test_feeds_command_of_summaries_writes_what_a_build_of_every_copy_writes(site: Path, run_cli: Any) -> None:
    config = _summaries_site(site)
    result = run_cli("--config", str(site / "syndicate.toml"), "feeds", "--out", str(site / "by-cli"))
    assert result.status == 0, result.err
    every = _feeds(config, site / "every")
    assert _files(site / "by-cli") == every


def test_a_file_edited_before_its_copy_is_made_is_refused_and_nothing_is_written(site: Path) -> None:
    config = _summaries_site(site)
    content = load_site(config, NOW.date(), bodies=False, copy_wanted=copies_shown(config))
    newest = site / CONTENT / f"{NEWEST}.md"
    newest.write_text(newest.read_text() + "\nA paragraph added after the check.\n")
    out = site / "out-feeds"
    with pytest.raises(ContentChangedError) as raised:
        generate_feeds(config, content.articles, content.checks, out, NOW)
    assert f"{NEWEST}.md: the file changed while syndicate was writing the feeds" in raised.value.message
    assert "run the command again" in raised.value.hint
    assert not out.exists() or _files(out) == {}
