"""A content folder that is missing or holds no article is never read as "every article was deleted"."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from syndicate.articles.content_folder import article_files
from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.cron import noop
from syndicate.cron.incremental import load_site_cached
from syndicate.delivery.ledger import Ledger
from syndicate.errors import NoArticlesError

NOW = "2030-01-01T10:00:00+00:00"
LATER = "2030-01-01T11:00:00+00:00"


def retracting(site: Path) -> str:
    """The demo site set to retract the copies of deleted articles: what makes a lost folder dangerous."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + '\n[run]\ndeleted = "retract"\n')
    return str(config)


def snapshot(site: Path) -> dict[str, object]:
    """Everything a run may write: the copies, the feeds and the ledger's rows."""
    files = {
        str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns)
        for folder in ("out", "feeds")
        for p in sorted((site / folder).rglob("*"))
        if p.is_file()
    }
    with Ledger(load_config(site / "syndicate.toml").paths.state) as ledger:
        rows = [(r.article, r.endpoint, r.state, r.content_hash) for r in ledger.all()]
    return {"files": files, "rows": rows}


def first_run(site: Path, run_cli: Any) -> str:
    config = retracting(site)
    done = run_cli("--config", config, "run", "--now", NOW)
    assert done.status == 0, done.err
    assert len(list((site / "out" / "archive").glob("*.html"))) == 3
    return config


def lose_folder(site: Path) -> None:
    (site / "content").rename(site / "content.gone")


def empty_folder(site: Path) -> None:
    lose_folder(site)
    (site / "content").mkdir()
    (site / "content" / "README.txt").write_text("not an article")
    (site / "content" / ".hidden.md").write_text("skipped, as validate skips it")


def file_instead(site: Path) -> None:
    lose_folder(site)
    (site / "content").write_text("a mount point left as a file")


def links_to_nowhere(site: Path) -> None:
    """Articles kept as links into a volume that is not mounted: every link is left, every target gone."""
    lose_folder(site)
    (site / "content").mkdir()
    for article in sorted((site / "content.gone").glob("*.md")):
        (site / "content" / article.name).symlink_to(site / "unmounted" / article.name)


LOSSES = [lose_folder, empty_folder, file_instead, links_to_nowhere]
WHAT = {
    lose_folder: "does not exist",
    empty_folder: "holds no article",
    file_instead: "is not a folder",
    links_to_nowhere: "holds no article",
}


def syndicate(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as cron starts it: through the early no-op answer (__main__.py)."""
    command = [sys.executable, "-m", "syndicate", "--config", str(site / "syndicate.toml"), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: f.__name__)
def test_a_run_on_a_lost_content_folder_exits_2_and_retracts_nothing(site: Path, run_cli: Any, loss: Any) -> None:
    first_run(site, run_cli)
    before = snapshot(site)
    loss(site)
    result = syndicate(site, "-v", "run", "--now", LATER)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    content = site / "content"
    assert result.stderr.startswith(f"syndicate: error: the content folder {content} (paths.content in ")
    assert WHAT[loss] in result.stderr and "nothing was done" in result.stderr
    assert "hint: check paths.content; an unmounted volume or a failed checkout looks like this" in result.stderr
    assert snapshot(site) == before  # no copy deleted, no feed written, no ledger row changed
    # and once the folder is back, the run finds its articles where they were: nothing to retract
    if content.is_dir():
        shutil.rmtree(content)
    else:
        content.unlink(missing_ok=True)
    (site / "content.gone").rename(content)
    back = syndicate(site, "-v", "run", "--now", LATER)
    assert back.returncode == 0, back.stderr
    assert "0 deleted" in back.stderr or "nothing changed" in back.stderr
    assert len(list((site / "out" / "archive").glob("*.html"))) == 3


@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("command", [["feeds"], ["plan"], ["push"], ["push", "--dry-run"]])
def test_feeds_plan_and_push_refuse_a_lost_content_folder(
    site: Path, run_cli: Any, loss: Any, command: list[str]
) -> None:
    config = first_run(site, run_cli)
    before = snapshot(site)
    loss(site)
    result = run_cli("--config", config, *command)
    assert result.status == 2
    assert result.out == ""
    assert WHAT[loss] in result.err and "(paths.content in " in result.err and "hint: check paths.content" in result.err
    assert snapshot(site) == before


def test_a_first_run_without_a_content_folder_writes_nothing(site: Path, run_cli: Any) -> None:
    config = retracting(site)
    shutil.rmtree(site / "content")
    result = run_cli("--config", config, "run")
    assert result.status == 2
    assert "does not exist" in result.err
    assert sorted(p.name for p in site.iterdir()) == ["syndicate.toml"]  # no ledger, no feeds, no copies


def test_validate_without_paths_on_a_missing_content_folder_is_a_config_error(site: Path, run_cli: Any) -> None:
    shutil.rmtree(site / "content")
    result = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert result.status == 2
    assert result.out == ""
    assert f"the content folder {site / 'content'} (paths.content in " in result.err


def test_validate_reports_an_empty_content_folder_as_a_finding(site: Path, run_cli: Any) -> None:
    empty_folder(site)
    result = run_cli("--config", str(site / "syndicate.toml"), "validate", "--format", "json")
    assert result.status == 1
    assert [f["code"] for f in json.loads(result.out)] == ["no-articles"]


def test_the_early_answer_never_says_nothing_changed_without_articles(site: Path, run_cli: Any) -> None:
    config = first_run(site, run_cli)
    argv = ["--config", config, "run", "--now", LATER]
    assert noop.answer_noop(argv, {}) is not None
    lose_folder(site)
    assert noop.answer_noop(argv, {}) is None
    (site / "content").mkdir()
    # a ledger whose last run saw no article (as an older version let it) is not taken at its word
    with Ledger(load_config(site / "syndicate.toml").paths.state) as ledger:
        ledger.set_state({"files_digest": noop.files_digest({})})
    assert noop.answer_noop(argv, {}) is None
    assert run_cli(*argv).status == 2


def test_the_library_refuses_a_folder_that_empties_after_the_run_looked(site: Path) -> None:
    """load_site and load_site_cached check what they read, not only what run checked before the lock."""
    config = load_config(site / "syndicate.toml")
    for article in (site / "content").glob("*.md"):
        article.unlink()
    with pytest.raises(NoArticlesError):
        load_site(config)
    with Ledger(config.paths.state) as ledger, pytest.raises(NoArticlesError):
        load_site_cached(config, ledger, dt.date(2030, 1, 1))


def test_a_lock_file_that_cannot_be_opened_is_one_line_and_exit_2_on_the_early_path(site: Path, run_cli: Any) -> None:
    config = first_run(site, run_cli)
    lock = load_config(Path(config)).paths.state.with_name("state.db.lock")
    lock.unlink()
    lock.mkdir()  # as a lock left unusable (a folder, or another user's file)
    done = syndicate(site, "run")  # through answer_noop, which takes the lock before the command line loads
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "cannot open the ledger" in done.stderr


def test_article_files_are_in_the_order_of_their_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # sorted as texts split at "/": "a/z.md" comes before "a-b/a.md", as Paths order them (as texts, "-" < "/")
    names = ["a/z.md", "a-b/a.md", "a.b/c.md", "a/b/c.md", "a/b.md", "a b/c.md", "A/x.md", "é/x.md", "z.md", "a0.md"]
    for name in names:
        (tmp_path / "tree" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "tree" / name).write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for root in (Path("tree"), tmp_path / "tree"):
        assert article_files(root) == sorted(root / name for name in names)
