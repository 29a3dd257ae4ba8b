"""syndicate.checks.parallel: checking on several processes gives exactly what one process gives."""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path
from typing import Any

import pytest

from syndicate.checks.article_checks import Checks
from syndicate.checks.parallel import (
    MIN_FILES_PER_WORKER,
    WORKERS_ENV,
    check_files,
    fork_map,
    resident_mb,
    worker_count,
)
from syndicate.checks.validate import collect_article_files, load_site
from syndicate.config import load_config
from syndicate.errors import UsageError


def _many_articles(site: Path, copies: int) -> None:
    """`copies` variants of each demo article (own slugs), some broken, in nested folders."""
    content = site / "content"
    originals = sorted(content.glob("*.md"))
    for index in range(copies):
        for original in originals:
            text = original.read_text(encoding="utf-8")
            text = re.sub(r"^slug: (\S+)$", rf"slug: \1-{index}", text, count=1, flags=re.MULTILINE)
            if index % 7 == 3:
                text = text.replace("license:", "licence:", 1)  # unknown field + missing licence
            folder = content / f"batch-{index % 5}"
            folder.mkdir(exist_ok=True)
            (folder / f"{index}-{original.name}").write_text(text, encoding="utf-8")


def _summary(site: Path, monkeypatch: pytest.MonkeyPatch, workers: str) -> list[Any]:
    monkeypatch.setenv(WORKERS_ENV, workers)
    config = load_config(site / "syndicate.toml")
    files, _ = collect_article_files([config.paths.content])
    checked = list(check_files(files, Checks.for_config(config), config.limits.max_article_bytes))
    return [(c.article.path, c.article.data, c.article.body, c.article.findings, c.sha256) for c in checked]


def test_workers_give_what_one_process_gives(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _many_articles(site, 40)
    serial = _summary(site, monkeypatch, "1")
    assert len(serial) == 164
    assert any(f.code == "unknown-field" for item in serial for f in item[3])
    assert _summary(site, monkeypatch, "3") == serial


def test_site_and_validate_are_the_same_on_workers(site: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any) -> None:
    _many_articles(site, 12)
    outputs = []
    for workers in ("1", "2"):
        monkeypatch.setenv(WORKERS_ENV, workers)
        result = run_cli("--config", str(site / "syndicate.toml"), "validate", "--format", "json")
        loaded = load_site(load_config(site / "syndicate.toml"))
        outputs.append((result.status, result.out, [a.slug for a in loaded.articles], loaded.invalid))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1 and len(outputs[0][2]) > 20


def test_worker_count() -> None:
    assert worker_count(10, {}) == 1  # too few files to pay for a process
    assert worker_count(10_000, {WORKERS_ENV: "1"}) == 1
    assert worker_count(10, {WORKERS_ENV: " 3 "}) == 3
    assert 1 <= worker_count(MIN_FILES_PER_WORKER * 64, {}) <= 64
    for bad in ("0", "two", "-1"):
        with pytest.raises(UsageError, match=WORKERS_ENV):
            worker_count(10, {WORKERS_ENV: bad})


def test_a_bad_worker_setting_is_a_usage_error(site: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any) -> None:
    monkeypatch.setenv(WORKERS_ENV, "many")
    result = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert result.status == 2
    assert "SYNDICATE_WORKERS='many' is not a number of processes" in result.err
    assert "Traceback" not in result.err


def test_feeds_built_on_workers_are_the_same_bytes(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from syndicate.feeds import generate as feeds
    from syndicate.feeds.generate import generate_feeds

    monkeypatch.setattr(feeds, "MAX_PARENT_MB", 1e9)  # the test process is large: fork all the same
    _many_articles(site, 45)
    config = load_config(site / "syndicate.toml")
    outputs = []
    # (without bodies: the articles come back with their copies' keys, as `feeds` loads them)
    for workers, bodies in (("1", True), ("3", True), ("3", False)):
        monkeypatch.setenv(WORKERS_ENV, workers)
        content = load_site(config, bodies=bodies)
        assert all(bool(a.body) is bodies and bool(a.body_key) is not bodies for a in content.articles)
        out = site / f"feeds-{workers}-{bodies}"
        generate_feeds(config, content.articles, content.checks, out, dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1] == outputs[2]
    assert len([name for name in outputs[0] if name.startswith("archive/")]) >= 2


def _pid(item: int) -> int:
    return os.getpid()


def _collecting(item: int) -> tuple[int, bool]:
    return os.getpid(), gc.isenabled()


def test_workers_collect_cycles_while_the_command_has_paused_its_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "2")
    gc.disable()  # as a run does while it reads its cached articles back
    try:
        answers = list(fork_map(_collecting, list(range(40)), per_worker=1))
    finally:
        gc.enable()
    assert {pid for pid, _ in answers} - {os.getpid()}  # (forked)
    assert all(enabled for _, enabled in answers)


def test_fork_map_forks_only_a_small_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "2")
    items = list(range(40))
    assert set(fork_map(_pid, items, per_worker=1, max_parent_mb=0.0)) == {os.getpid()}
    forked = list(fork_map(_pid, items, per_worker=1, max_parent_mb=1e9))
    assert os.getpid() not in forked and len(forked) == 40
    assert 0 < resident_mb() < 1e6


def test_an_unfinished_check_collected_later_leaves_the_next_one_its_job(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generator left unfinished (as a property test leaves one) and collected while the next
    check runs must not clear that check's job: it failed as `_job` None, now and then."""
    monkeypatch.setenv(WORKERS_ENV, "1")
    config = load_config(site / "syndicate.toml")
    files, _ = collect_article_files([config.paths.content])
    checks = Checks.for_config(config)
    left = check_files(files, checks, config.limits.max_article_bytes)
    next(left)
    current = check_files(files, checks, config.limits.max_article_bytes)
    first = next(current)
    del left  # the unfinished generator is collected: its `finally` runs
    assert [Path(item.article.path) for item in [first, *current]] == list(files)
