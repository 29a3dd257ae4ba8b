"""A run after one change writes exactly the feeds a run without the ledger's cache writes.

The run after a change reads only the changed file again and rebuilds only the feed documents
whose inputs changed (cron/incremental.py, feeds/generate.py); this compares what it leaves
with what a run that knows nothing of the last one (its ledger deleted: every file read and
every document built) leaves, from the same feeds folder, for each kind of change: an edit,
an article added (newest: the archive pages shift), one deleted, a tag added and removed, a
licence changed. With `[feeds] limit = 2` the site has archive pages, tag feeds and pages.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from syndicate.checks import parallel
from tests.conftest import settled

ALDER = "alder-valley-water-board-approves-tiered-rates"
HARBOUR = "harbour-library-digitises-shipping-registers"
EASTBROOK = "eastbrook-council-election-turnout-by-ward"
NOW = "2026-12-01T12:00:00+00:00"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _clone(content: Path, slug: str, published: str) -> Path:
    """A copy of the Alder Valley article under another slug (its source URL too), published then."""
    text = (content / f"{ALDER}.md").read_text(encoding="utf-8").replace(ALDER, slug)
    text = re.sub(r"^published: .*$", f"published: {published}", text, count=1, flags=re.M)
    text = re.sub(r"^  published: .*$", f"  published: {published}", text, count=1, flags=re.M)
    target = content / f"{slug}.md"
    target.write_text(text, encoding="utf-8")
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _settle(content: Path) -> None:
    """The article files written in the last minute, as if written a minute before: a file
    changed within seconds of a run is read again by the next one too (incremental.racy_marked),
    which would then not read it from its record."""
    recent = time.time_ns() - 60 * 10**9
    for path in content.rglob("*.md"):
        if path.stat().st_mtime_ns > recent:
            settled(path)


def _title(content: Path) -> None:
    _edit(content / f"{HARBOUR}.md", 'title: "', 'title: "Changed: ')


def _oldest_title(content: Path) -> None:  # an entry on the first archive page
    _edit(content / "clone-1.md", 'title: "', 'title: "Changed: ')


def _added(content: Path) -> None:  # the newest article: every entry moves down one place
    _clone(content, "added-newest", "2026-11-30")


def _added_old(content: Path) -> None:  # the oldest: every archive page takes another entry
    _clone(content, "added-oldest", "2025-01-01")


def _deleted(content: Path) -> None:
    (content / "clone-2.md").unlink()


def _tag_added(content: Path) -> None:  # a tag no article had: a new tag feed
    _edit(content / f"{HARBOUR}.md", "tags:\n", "tags:\n  - Brand New Tag\n")


def _tag_removed(content: Path) -> None:  # the clones' tags, one fewer on one of them
    _edit(content / "clone-3.md", "  - Water\n", "")


def _licence(content: Path) -> None:  # CC BY-ND to CC BY-NC-ND: another rights line
    _edit(
        content / "clone-4.md",
        "  id: CC-BY-ND-4.0\n  url: https://creativecommons.org/licenses/by-nd/4.0/",
        "  id: CC-BY-NC-ND-4.0\n  url: https://creativecommons.org/licenses/by-nc-nd/4.0/",
    )


def _slug_taken(content: Path) -> None:  # a new file takes an unchanged article's slug: both have errors
    _edit(_clone(content, "copycat", "2026-11-29"), "slug: copycat", f"slug: {HARBOUR}")


def _moved(content: Path) -> None:  # published later: it moves from the archive to the newest entries
    _edit(content / "clone-3.md", "published: 2026-08-03\n", "published: 2026-11-15\n")


def _updated_given(content: Path) -> None:  # a time, where a date alone was shown at its own second
    _edit(content / "clone-2.md", "published: 2026-08-02\n", "published: 2026-08-02\nupdated: 2026-11-20T10:00:00Z\n")


def _first_moment(slug: str, day: str) -> str:
    """The atom:updated a date alone is shown at (feeds/updated.py), as front matter gives a time."""
    import datetime as dt

    from syndicate.feeds.updated import _seconds

    moment = dt.datetime.fromisoformat(f"{day}T00:00:00+00:00") + dt.timedelta(seconds=_seconds(slug))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _meets(content: Path) -> None:  # updated at the moment another's date is shown at: that one moves on
    updated = _first_moment("clone-5", "2026-08-05")
    _edit(content / "clone-4.md", "published: 2026-08-04\n", f"published: 2026-08-04\nupdated: {updated}\n")


def _retracted(content: Path) -> None:  # it leaves the feeds (and its tags' feeds)
    _edit(content / "clone-4.md", "status: ready", "status: retracted")


CHANGES: dict[str, Callable[[Path], None]] = {
    "title edited": _title,
    "title edited on the first archive page": _oldest_title,
    "added, newest": _added,
    "added, oldest": _added_old,
    "deleted": _deleted,
    "tag added": _tag_added,
    "tag removed": _tag_removed,
    "licence changed": _licence,
    "published later": _moved,
    "updated given": _updated_given,
    "updated meets another's moment": _meets,
    "retracted": _retracted,
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_run_after_one_change_writes_what_a_run_without_the_cache_writes(
    site: Path, tmp_path: Path, run_cli: Any, change: str
) -> None:
    _feeds_after_one_change(site, tmp_path, run_cli, change)


@pytest.mark.parametrize("change", ["title edited", "added, oldest"])
def test_on_each_engine_the_records_give_the_same_feeds(
    engine_site: Path, tmp_path: Path, run_cli: Any, change: str
) -> None:
    """The records and rows of a PostgreSQL ledger too (the copy of the site, at other paths,
    reads every file again whichever ledger it shares)."""
    _feeds_after_one_change(engine_site, tmp_path, run_cli, change)


@pytest.mark.parametrize("change", ["title edited", "added, newest", "tag removed", "licence changed"])
def test_without_endpoints_the_records_give_the_same_feeds(
    site: Path, tmp_path: Path, run_cli: Any, change: str
) -> None:
    """A site without endpoints: the bodies of the files read again stay on the workers
    (checks/parallel.py, Article.body_key), the feeds built from their copies and the records."""
    config = site / "syndicate.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("[[endpoints]]")], encoding="utf-8")
    _edit(site / "content" / "eastbrook-council-election-turnout-by-ward.md", "endpoints:\n  - archive\n", "")
    _feeds_after_one_change(site, tmp_path, run_cli, change)


def _feeds_after_one_change(site: Path, tmp_path: Path, run_cli: Any, change: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[feeds]\nlimit = 2\n", encoding="utf-8")
    for n in range(1, 7):
        _clone(site / "content", f"clone-{n}", f"2026-08-0{n}")
    for path in (site / "content").iterdir():  # (the next run takes their records, not them)
        settled(path)
    assert run_cli("--config", str(config), "run", "--now", NOW).status == 0
    before = _files(site / "feeds")
    assert any(path.startswith("archive/") for path in before) and any(path.startswith("tags/") for path in before)

    CHANGES[change](site / "content")
    _settle(site / "content")
    cold = tmp_path / "cold"
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(".syndicate", "out"))
    assert run_cli("--config", str(site / "syndicate.toml"), "run", "--now", NOW).status == 0
    assert run_cli("--config", str(cold / "syndicate.toml"), "run", "--now", NOW).status == 0

    after = _files(site / "feeds")
    assert after != before  # (each change shows in the feeds)
    assert after == _files(cold / "feeds")


def test_change_after_change_each_run_writes_what_a_run_without_the_cache_writes(
    site: Path, tmp_path: Path, run_cli: Any
) -> None:
    """What a run keeps of its feeds for the next (feeds/kept.py) is made by runs after a change
    too: one change after another, each run's feeds are those of a run that knows nothing."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[feeds]\nlimit = 2\n", encoding="utf-8")
    content = site / "content"
    for n in range(1, 7):
        _clone(content, f"clone-{n}", f"2026-08-0{n}")

    def unmet(content: Path) -> None:
        _edit(content / "clone-4.md", f"updated: {_first_moment('clone-5', '2026-08-05')}\n", "")

    def back(content: Path) -> None:
        _edit(content / "clone-4.md", "status: retracted", "status: ready")

    def freed(content: Path) -> None:  # the article whose slug was taken is one again (unchanged)
        (content / "copycat.md").unlink()

    steps = [_meets, _title, _moved, unmet, _retracted, _added_old, back, _slug_taken, freed, _tag_removed]
    steps += [_updated_given, _deleted]
    for step, change in enumerate([lambda _: None, *steps]):
        change(content)
        _settle(content)
        cold = tmp_path / f"cold-{step}"  # (its feeds folder too: a tag feed once out stays)
        shutil.copytree(site, cold, ignore=shutil.ignore_patterns(".syndicate", "out"))
        status = run_cli("--config", str(config), "run", "--now", NOW).status
        assert status == (1 if change is _slug_taken else 0)  # (a slug taken: both files have an error)
        assert run_cli("--config", str(cold / "syndicate.toml"), "run", "--now", NOW).status == status
        assert _files(site / "feeds") == _files(cold / "feeds"), getattr(change, "__name__", step)


# -- the plan, the report and the copies too (the records of unchanged files: cron/records.py) --

LATER = "2026-12-01T15:00:00+00:00"  # the embargo below has passed, the same day
NEXT_DAY = "2026-12-02T12:00:00+00:00"


def _embargoed(content: Path) -> None:  # (the setup's embargoed clone: its time passes, no file changes)
    pass


def _made_invalid(content: Path) -> None:  # a valid article loses its title: an error, its copy stays
    _edit(content / "clone-2.md", 'title: "', 'titel: "')


def _drafted(content: Path) -> None:  # back to draft: its copy comes down, it leaves the feeds
    _edit(content / "clone-5.md", "status: ready", "status: draft")


def _body_edited(content: Path) -> None:  # a no-derivatives body delivered, changed: an error, its copy stays
    _edit(content / "clone-6.md", "\n---\n", "\n---\n\nAn added paragraph.\n")


def _delivered_otherwise(content: Path) -> None:  # the ledger says another copy is out there: updated
    import sqlite3

    _title(content)
    with sqlite3.connect(content.parent / ".syndicate" / "state.db") as db:
        db.execute("UPDATE deliveries SET content_hash = 'sha256:older' WHERE article = 'clone-3'")
    db.close()


def _config_changed(content: Path) -> None:  # everything read and built again
    config = content.parent / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("(demo)", "(demo, renamed)"), encoding="utf-8")


def _nothing(content: Path) -> None:  # (the day changes: the setup's grant to Eastbrook expires)
    pass


#: each change, and when the run after it runs
WHOLE_RUN: dict[str, tuple[Callable[[Path], None], str]] = {
    **{name: (change, NOW) for name, change in CHANGES.items()},
    "an embargo passes": (_embargoed, LATER),
    "the day changes, with an edit": (_title, NEXT_DAY),
    "the day changes, a grant expires": (_nothing, NEXT_DAY),
    "made invalid": (_made_invalid, NOW),
    "slug taken": (_slug_taken, NOW),
    "back to draft": (_drafted, NOW),
    "a delivered no-derivatives body edited": (_body_edited, NOW),
    "a delivered copy not the one the ledger records": (_delivered_otherwise, NOW),
    "config changed": (_config_changed, NOW),
}


def _plan(result: Any) -> list[tuple[object, ...]]:
    """Each action, its reason and the hash of the copy it sends (an unchanged copy is not made
    again for an article read from its record: delivery/plan.py)."""
    return [
        (a.article, a.endpoint, a.action, a.reason, a.copy.content_hash if a.sends and a.copy else None)
        for a in result.plan
    ]


def _findings(result: Any, site: Path) -> list[tuple[object, ...]]:
    def local(text: str) -> str:
        return text.replace(str(site.resolve()), "SITE").replace(str(site), "SITE")

    return [(local(f.path), f.line, f.code, local(f.message), f.severity) for f in result.report.findings]


@pytest.mark.parametrize("change", WHOLE_RUN)
def test_a_run_after_one_change_plans_reports_and_delivers_what_a_run_reading_every_file_does(
    site: Path, tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the demo's folder endpoint, an article with errors from the start (reported every run)
    and one under embargo until 13:00: the run after the change, which reads unchanged files'
    records, and a run of a copy of the site (ledger, copies and feeds included: its files are
    at other paths, so it reads every one again) plan, report, deliver and write the same."""
    import datetime as dt

    from syndicate.config import load_config
    from syndicate.cron.run import run

    config = site / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[feeds]\nlimit = 2\n", encoding="utf-8")
    content = site / "content"
    for n in range(1, 7):
        _clone(content, f"clone-{n}", f"2026-08-0{n}")
    _edit(_clone(content, "broken", "2026-08-09"), "license:\n  id: CC-BY-ND-4.0", "license:\n  id: NO-SUCH-LICENCE")
    embargoed = _clone(content, "embargoed", "2026-08-10")
    _edit(embargoed, "status: ready\n", 'status: ready\nembargo_until: "2026-12-01T13:00:00Z"\n')
    # its grant for the site's channel ends today: its record is the day's alone (records.bound_to_the_day)
    granted = "      date: 2026-10-02\n"
    _edit(content / f"{EASTBROOK}.md", granted, granted + "      expires: 2026-12-01\n")

    def run_at(site_config: Path, when: str) -> Any:
        return run(load_config(site_config), dt.datetime.fromisoformat(when), {})

    for path in content.iterdir():  # (written a minute ago: the next run takes their records, not them)
        settled(path)
    first = run_at(config, NOW)
    assert [f.code for f in first.report.errors] and first.plan
    alter, when = WHOLE_RUN[change]
    alter(content)
    _settle(content)
    cold = tmp_path / "cold"
    shutil.copytree(site, cold)
    read: list[Path] = []
    check_files = parallel.check_files

    def reading(paths: Any, *args: Any, **kwargs: Any) -> Any:
        read.extend(paths)
        return check_files(paths, *args, **kwargs)

    monkeypatch.setattr(parallel, "check_files", reading)
    after = run_at(config, when)
    # (what is compared is a run that takes the records of unchanged files: most files are not read)
    assert change == "config changed" or len(read) <= 2
    read.clear()
    again = run_at(cold / "syndicate.toml", when)
    assert len(read) == len(list(content.iterdir()))

    assert not after.noop and _plan(after) == _plan(again)
    assert _findings(after, site) == _findings(again, cold) and after.report.errors
    assert after.standing_problems() == [line.replace(str(cold), str(site)) for line in again.standing_problems()]
    assert _files(site / "feeds") == _files(cold / "feeds")
    assert _files(site / "out") == _files(cold / "out")


def test_a_clock_set_back_before_an_embargo_ends_takes_the_article_out_of_the_feeds_again(
    site: Path, tmp_path: Path, run_cli: Any
) -> None:
    """What a run kept of its feeds (feeds/kept.py) is not used by a run at an earlier moment: an
    article whose embargo had ended is under embargo again then, as a run that knows nothing finds."""
    config = site / "syndicate.toml"
    _edit(
        site / "content" / f"{EASTBROOK}.md",
        "embargo_until: 2026-10-07T06:00:00+01:00",
        "embargo_until: 2026-12-01T06:00:00Z",
    )
    for path in (site / "content").iterdir():
        settled(path)
    assert run_cli("--config", str(config), "run", "--now", "2026-12-01T07:00:00+00:00").status == 0
    assert EASTBROOK.encode() in (site / "feeds" / "atom.xml").read_bytes()

    _title(site / "content")  # (another article changed: the run is no no-op, it uses what was kept)
    _settle(site / "content")
    cold = tmp_path / "cold"
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(".syndicate", "out"))
    earlier = "2026-12-01T05:00:00+00:00"
    assert run_cli("--config", str(config), "run", "--now", earlier).status == 0
    assert run_cli("--config", str(cold / "syndicate.toml"), "run", "--now", earlier).status == 0
    assert EASTBROOK.encode() not in (cold / "feeds" / "atom.xml").read_bytes()
    assert _files(site / "feeds") == _files(cold / "feeds")


def test_a_run_that_fails_after_storing_its_files_leaves_no_kept_feeds_to_trust(
    site: Path, tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that stored the files it read again (their rows and records) and then failed, before
    it stored their digest (files_digest) or what it keeps of its feeds: the next run takes the
    changed article by its new record, and must not place it as the last feeds knew it."""
    from syndicate.delivery.ledger import Ledger

    config = site / "syndicate.toml"
    for path in (site / "content").iterdir():
        settled(path)
    assert run_cli("--config", str(config), "run", "--now", NOW).status == 0
    assert HARBOUR.encode() in (site / "feeds" / "atom.xml").read_bytes()
    _edit(site / "content" / f"{HARBOUR}.md", "status: ready", "status: retracted")
    _settle(site / "content")
    set_state, killed_at = Ledger.set_state, []

    def killed(self: Ledger, values: dict[str, str]) -> None:  # (the process killed at that moment)
        if "files_digest" in values:
            killed_at.append(values)
            raise KeyboardInterrupt
        set_state(self, values)

    monkeypatch.setattr(Ledger, "set_state", killed)
    assert run_cli("--config", str(config), "run", "--now", NOW).status != 0
    assert killed_at
    monkeypatch.setattr(Ledger, "set_state", set_state)
    cold = tmp_path / "cold"
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(".syndicate", "out"))
    assert run_cli("--config", str(config), "run", "--now", NOW).status == 0
    assert run_cli("--config", str(cold / "syndicate.toml"), "run", "--now", NOW).status == 0
    assert HARBOUR.encode() not in (cold / "feeds" / "atom.xml").read_bytes()
    assert _files(site / "feeds") == _files(cold / "feeds")
