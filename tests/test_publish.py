"""Publishing through the CLI and the library: ledger, plan, push, folder and webhook endpoints."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_migrations import MIGRATIONS
from syndicate.delivery.lock import run_lock
from tests.loopback import Recorder, recording_server

HARBOUR = "harbour-library-digitises-shipping-registers"
ALDER = "alder-valley-water-board-approves-tiered-rates"
EASTBROOK = "eastbrook-council-election-turnout-by-ward"
READY = sorted([HARBOUR, ALDER, EASTBROOK])
#: the eastbrook article names only the archive endpoint
TO_HOOK = sorted([HARBOUR, ALDER])


def add_endpoint(site: Path, text: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + "\n[[endpoints]]\n" + text)


def edit(site: Path, slug: str, old: str, new: str) -> None:
    path = site / "content" / f"{slug}.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def rows(site: Path) -> dict[tuple[str, str], Any]:
    with Ledger(load_config(site / "syndicate.toml").paths.state) as ledger:
        return {(d.article, d.endpoint): d for d in ledger.all()}


def test_push_twice_creates_each_copy_once(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    first = run_cli("--config", config, "push")
    assert first.status == 0
    assert sorted(line.split()[1] for line in first.out.splitlines()) == READY
    archive = site / "out" / "archive"
    assert sorted(p.name for p in archive.iterdir()) == sorted(
        [f"{s}.html" for s in READY] + [f"{s}.md" for s in READY]
    )
    second = run_cli("--config", config, "push")
    assert second.status == 0
    assert second.out == ""
    assert all(d.state == "delivered" and d.attempts == 0 for d in rows(site).values())
    plan = run_cli("--config", config, "plan")
    assert plan.out.count("unchanged") == 3
    assert "skipped    turkey-agreed-to-buy-russias-s-400" in plan.out


def test_copy_carries_attribution_and_json_ld(run_cli: Any, site: Path) -> None:
    run_cli("--config", str(site / "syndicate.toml"), "push")
    page = (site / "out" / "archive" / f"{HARBOUR}.html").read_text()
    assert '<footer class="syndicate-attribution">' in page
    assert '<script type="application/ld+json">' in page
    twin = (site / "out" / "archive" / f"{HARBOUR}.md").read_text()
    assert twin.startswith("---\ntitle:")
    assert "license:\n  id: CC-BY-NC-ND-4.0" in twin


def test_edit_updates_in_place_and_retraction_removes(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    run_cli("--config", config, "push")
    before = rows(site)[(ALDER, "archive")]
    edit(site, ALDER, 'title: "', 'title: "Updated ')
    assert "update     alder-valley" in run_cli("--config", config, "plan").out
    assert run_cli("--config", config, "push").out.startswith(f"updated {ALDER} -> archive")
    after = rows(site)[(ALDER, "archive")]
    assert after.content_hash != before.content_hash
    assert after.remote_id == before.remote_id
    assert "Updated " in (site / "out" / "archive" / f"{ALDER}.html").read_text()
    edit(site, ALDER, "status: ready", "status: retracted")
    assert run_cli("--config", config, "push").out == f"deleted {ALDER} -> archive: deleted\n"
    assert not (site / "out" / "archive" / f"{ALDER}.html").exists()
    assert rows(site)[(ALDER, "archive")].state == "retracted"
    assert run_cli("--config", config, "push").out == ""


def test_licence_keeps_a_copy_from_a_channel(run_cli: Any, site: Path) -> None:
    add_endpoint(site, 'name = "paper"\ntype = "directory"\nchannel = "print"\npath = "out/paper"\n')
    config = str(site / "syndicate.toml")
    plan = run_cli("--config", config, "plan", "--format", "json")
    actions = {(a["article"], a["endpoint"]): a for a in json.loads(plan.out)}
    refused = {a["article"]: a["reason"] for a in actions.values() if a["action"] == "refused"}
    assert set(refused) == {HARBOUR}
    assert "CC-BY-NC-ND-4.0 does not allow print" in refused[HARBOUR]
    assert "ask the copyright holder (The Harbour Gazette)" in refused[HARBOUR]
    assert actions[(EASTBROOK, "paper")]["reason"] == "not named in the article's endpoints"
    assert run_cli("--config", config, "push").status == 0
    assert sorted(p.name for p in (site / "out" / "paper").iterdir()) == [f"{ALDER}.html", f"{ALDER}.md"]
    assert rows(site)[(HARBOUR, "paper")].state == "refused"


def test_endpoint_filter_and_dry_run(run_cli: Any, site: Path) -> None:
    add_endpoint(site, 'name = "paper"\ntype = "directory"\nchannel = "print"\npath = "out/paper"\n')
    config = str(site / "syndicate.toml")
    dry = run_cli("--config", config, "push", "--dry-run")
    assert dry.out.count("create") == 4
    assert not (site / "out").exists()
    assert rows(site) == {}
    run_cli("--config", config, "push", "--endpoint", "paper")
    assert not (site / "out" / "archive").exists()
    assert (site / "out" / "paper" / f"{ALDER}.html").exists()
    unknown = run_cli("--config", config, "push", "--endpoint", "nope")
    assert unknown.status == 2
    assert "configured endpoints: archive, paper" in unknown.err


def test_push_and_retry_do_nothing_while_a_run_holds_the_lock(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    with run_lock(load_config(site / "syndicate.toml").paths.state):
        held = run_cli("--config", config, "push")
        assert held.status == 75
        assert held.out == ""
        assert f"holds the lock {site}/.syndicate/state.db.lock (pid {os.getpid()}); nothing done" in held.err
        assert "hint: wait for it to finish" in held.err
        assert not (site / "out").exists()
        assert rows(site) == {}
        # --dry-run sends and records nothing: it may look while a run delivers
        dry = run_cli("--config", config, "push", "--dry-run")
        assert (dry.status, dry.out.count("create")) == (0, 3)
        assert run_cli("--config", config, "retry", "--all").status == 75
    free = run_cli("--config", config, "push")
    assert free.status == 0
    assert sorted(line.split()[1] for line in free.out.splitlines()) == READY
    assert run_cli("--config", config, "retry", "--all").status == 0


def webhook(site: Path, hub: Recorder, secret: bool = True) -> None:
    add_endpoint(
        site,
        f'name = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hub.url}"\nconcurrency = 1\n'
        + ('secret_env = "TEST_HOOK_SECRET"\n' if secret else ""),
    )


def test_webhook_posts_signed_json_with_idempotency_keys(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_HOOK_SECRET", "s3cret-value")
    with recording_server() as hook:
        webhook(site, hook)
        config = str(site / "syndicate.toml")
        assert run_cli("--config", config, "push", "--endpoint", "hook").status == 0
        assert len(hook.requests) == 2
        for received in hook.requests:
            expected = hmac.new(b"s3cret-value", received.body, hashlib.sha256).hexdigest()
            assert received.headers["X-Syndicate-Signature"] == f"sha256={expected}"
            assert received.headers["X-Syndicate-Event"] == "create"
            assert len(received.headers["Idempotency-Key"]) == 32
            payload = json.loads(received.body)
            assert payload["event"] == "create"
            assert payload["copy"]["license"]["id"] in ("CC-BY-ND-4.0", "CC-BY-NC-ND-4.0", "all-rights-reserved")
            assert "syndicate-attribution" in payload["copy"]["html"]
        assert len({r.headers["Idempotency-Key"] for r in hook.requests}) == 2
        edit(site, ALDER, "status: ready", "status: retracted")
        run_cli("--config", config, "push", "--endpoint", "hook")
        last = json.loads(hook.requests[-1].body)
        assert last == {"event": "delete", "article": ALDER}


def test_webhook_transient_failure_is_retried_and_permanent_one_recorded(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("syndicate.delivery.push.BACKOFF_BASE", 0.01)
    with recording_server() as hook:
        webhook(site, hook, secret=False)
        config = str(site / "syndicate.toml")
        hook.script = [503]
        add_endpoint(site, "")  # a bare table header must be a config error, not a crash
        bad = run_cli("--config", config, "push")
        assert bad.status == 2
        text = (site / "syndicate.toml").read_text()
        (site / "syndicate.toml").write_text(text[: text.rindex("[[endpoints]]")])
        ok = run_cli("--config", config, "push", "--endpoint", "hook")
        assert ok.status == 0
        assert len(hook.requests) == 3  # one 503, then two creates
        edit(site, ALDER, 'title: "', 'title: "Changed ')
        hook.script = [422]
        failed = run_cli("--config", config, "push", "--endpoint", "hook")
        assert failed.status == 1
        assert f"update {ALDER} -> hook failed: endpoint 'hook': POST {hook.url} answered HTTP 422" in failed.err
        row = rows(site)[(ALDER, "hook")]
        assert row.state == "failed" and row.next_attempt_at is None and "HTTP 422" in row.last_error
        plan = run_cli("--config", config, "plan", "--endpoint", "hook").out
        assert f"update     {ALDER}" in plan and "an earlier update failed" in plan  # (not "interrupted")
        assert run_cli("--config", config, "push", "--endpoint", "hook").status == 0
        assert rows(site)[(ALDER, "hook")].state == "delivered"


def test_an_html_page_for_an_answer_is_named_not_printed(run_cli: Any, site: Path) -> None:
    with recording_server() as hook:
        webhook(site, hook, secret=False)
        hook.status = 501
        hook.headers = {"Content-Type": "text/html"}
        hook.answer = (
            b"<!DOCTYPE HTML>\n<html lang='en'><head><title>Not Implemented</title></head><body>...</body></html>"
        )
        failed = run_cli("--config", str(site / "syndicate.toml"), "push", "--endpoint", "hook")
    assert failed.status == 1
    assert 'answered HTTP 501: an HTML page ("Not Implemented"), not the API\'s JSON' in failed.err
    assert "<html" not in failed.err.lower()


def test_missing_secret_is_one_line_and_nothing_recorded_there(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_HOOK_SECRET", raising=False)
    config = str(site / "syndicate.toml")
    with recording_server() as hook:
        webhook(site, hook)
        plan = run_cli("--config", config, "plan")
        assert plan.status == 0 and f"create     {ALDER}" in plan.out
        warning = "endpoint 'hook': the environment variable TEST_HOOK_SECRET is not set"
        assert plan.err == f"syndicate: warning: {warning}: push and run will send nothing there\n"
        dry = run_cli("--config", config, "push", "--dry-run")
        assert dry.status == 2
        assert dry.err.count(warning) == 1 and "push would send nothing there" in dry.err
        result = run_cli("--config", config, "push")
        assert result.status == 2
        # one line for the endpoint (and its hint), not one failure per article
        assert result.err.count("TEST_HOOK_SECRET") == 2
        assert f"syndicate: error: {warning}: 2 copies not sent, nothing recorded\n" in result.err
        assert hook.requests == []
        assert (site / "out" / "archive" / f"{ALDER}.html").exists()  # other endpoints still delivered
        assert not [key for key in rows(site) if key[1] == "hook"]
        monkeypatch.setenv("TEST_HOOK_SECRET", "s" * 32)
        assert run_cli("--config", config, "plan").err == ""
        assert run_cli("--config", config, "push").status == 0
        assert len(hook.requests) == 2


def test_interrupted_create_is_looked_up_not_duplicated(run_cli: Any, site: Path) -> None:
    config = load_config(site / "syndicate.toml")
    run_cli("--config", str(site / "syndicate.toml"), "push")
    # as if a run had sent a copy and died before recording it
    with Ledger(config.paths.state) as ledger:
        ledger._db.execute("DELETE FROM deliveries WHERE article = ?", (ALDER,))
        ledger.begin_attempt(ALDER, "archive", "create", "k" * 32)
    plan = run_cli("--config", str(site / "syndicate.toml"), "plan").out
    assert f"create     {ALDER}" in plan and "interrupted" in plan
    run_cli("--config", str(site / "syndicate.toml"), "push")
    assert rows(site)[(ALDER, "archive")].state == "delivered"
    assert len(list((site / "out" / "archive").glob(f"{ALDER}*"))) == 2


def test_ledger_migrations_are_named_and_applied_once(tmp_path: Path) -> None:
    with Ledger(tmp_path / "state.db") as ledger:
        assert ledger.applied_migrations() == [name for name, _ in MIGRATIONS]
    with Ledger(tmp_path / "state.db") as ledger:
        assert ledger.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert ledger._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_kill_9_mid_push_then_push_again_loses_and_duplicates_nothing(site: Path) -> None:
    """A real process killed while a webhook delivery is in flight; the receiver dedups by Idempotency-Key."""
    with recording_server() as hook:
        webhook(site, hook, secret=False)
        hook.delay = 1.0
        command = [sys.executable, "-m", "syndicate", "-q", "--config", str(site / "syndicate.toml"), "push"]
        process = subprocess.Popen(command, start_new_session=True, env={**os.environ})
        deadline = time.monotonic() + 20
        while len(hook.requests) < 2 and time.monotonic() < deadline:  # the second is in flight
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert len(hook.requests) == 2  # the second was in flight
        hook.delay = 0
        again = subprocess.run(command, capture_output=True, text=True, check=False)
        assert again.returncode == 0, again.stderr
        by_article: dict[str, set[str]] = {}
        for received in hook.requests:
            by_article.setdefault(json.loads(received.body)["article"], set()).add(received.headers["Idempotency-Key"])
        assert sorted(by_article) == TO_HOOK  # nothing lost
        assert all(len(keys) == 1 for keys in by_article.values())  # a resend reuses its key: no duplicate
        assert {d.state for d in rows(site).values()} == {"delivered"}


def test_the_attempt_is_committed_before_the_copy_is_sent(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection (a process started after a crash) sees the pending row and its key before anything is sent."""
    from syndicate.delivery.endpoints.directory import DirectoryEndpoint

    state = load_config(site / "syndicate.toml").paths.state
    seen: list[tuple[str, str, str]] = []
    create = DirectoryEndpoint.create

    def checking(endpoint: DirectoryEndpoint, copy: Any, key: str) -> Any:
        with contextlib.closing(sqlite3.connect(state)) as other:
            row = other.execute(
                "SELECT state, idempotency_key FROM deliveries WHERE article = ? AND endpoint = 'archive'", (copy.slug,)
            ).fetchone()
        seen.append((copy.slug, row[0], "same key" if row[1] == key else row[1]))
        return create(endpoint, copy, key)

    monkeypatch.setattr(DirectoryEndpoint, "create", checking)
    assert run_cli("--config", str(site / "syndicate.toml"), "push").status == 0
    assert sorted(seen) == [(slug, "pending", "same key") for slug in READY]
    assert {(d.state, d.attempts) for d in rows(site).values()} == {("delivered", 0)}


def test_a_crash_between_sending_and_recording_is_recovered_without_a_duplicate(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy reached the webhook, then the outcome was never written: the next push resends the same key."""
    import datetime as dt

    from syndicate.checks.validate import load_site
    from syndicate.delivery.plan import iter_plan
    from syndicate.delivery.push import push

    with recording_server() as hook:
        webhook(site, hook, secret=False)
        config = load_config(site / "syndicate.toml")
        delivered = Ledger.delivered

        def crash(ledger: Ledger, article: str, *args: Any) -> None:
            if article == ALDER:
                raise RuntimeError("the process died here")
            delivered(ledger, article, *args)

        monkeypatch.setattr(Ledger, "delivered", crash)
        with Ledger(config.paths.state) as ledger, pytest.raises(RuntimeError, match="died"):
            plan = iter_plan(load_site(config), config, ledger.all(), dt.datetime.now(dt.UTC), "hook")
            push(plan, config, ledger, os.environ)
        assert rows(site)[(ALDER, "hook")].state == "pending"
        assert rows(site)[(HARBOUR, "hook")].state == "delivered"
        monkeypatch.setattr(Ledger, "delivered", delivered)
        assert run_cli("--config", str(site / "syndicate.toml"), "push", "--endpoint", "hook").status == 0
        keys = [r.headers["Idempotency-Key"] for r in hook.requests if json.loads(r.body)["article"] == ALDER]
        assert len(keys) == 2 and len(set(keys)) == 1  # sent again, with the same key: the receiver drops it
        assert len([r for r in hook.requests if json.loads(r.body)["article"] == HARBOUR]) == 1
        assert {d.state for (_, endpoint), d in rows(site).items() if endpoint == "hook"} == {"delivered"}


def test_control_characters_in_front_matter_reach_no_copy_endpoint_or_output(run_cli: Any, site: Path) -> None:
    """NUL, BEL and ESC from escapes in the front matter: a warning, and removed as it is read, so that
    the folder copies, the webhook's payload, the feeds and plan and status never carry them."""
    edit(site, ALDER, 'title: "Alder', 'title: "\\x00Alder\\a\\e[2J')
    edit(site, ALDER, "  - name: Dana Whitcombe", '  - name: "Dana\\x1b Whitcombe"')
    source_url = "https://riverside-ledger.example.org/2026/09/alder-valley-water-board-approves-tiered-rates/"
    edit(site, ALDER, f"  url: {source_url}\n", f'  url: "{source_url}\\a"\n')  # (a URL with one crashed feeds)
    forbidden = set("\x00\x07\x1b")
    with recording_server() as hook:
        webhook(site, hook, secret=False)
        config = str(site / "syndicate.toml")
        checked = run_cli("--config", config, "validate")
        assert checked.status == 0 and checked.out.count("control-character warning") == 3
        outputs = [run_cli("--config", config, "plan", "--format", form).out for form in ("text", "json")]
        pushed = run_cli("--config", config, "push")
        assert pushed.status == 0, pushed.err
        outputs += [pushed.out, pushed.err, run_cli("--config", config, "status", "--format", "json").out]
        assert run_cli("--config", config, "feeds").status == 0
        [received] = [r for r in hook.requests if json.loads(r.body)["article"] == ALDER]
        copy = json.loads(received.body)["copy"]
        assert copy["title"] == "Alder[2J Valley Water Board Approves Tiered Rates to Pay for Pipe Replacement"
        assert copy["authors"] == ["Dana Whitcombe"] and copy["source"]["url"] == source_url
        assert not forbidden & set(received.body.decode())
    written = [p.read_text() for p in (site / "out" / "archive").glob(f"{ALDER}.*")]
    written += [p.read_text() for p in (site / "feeds").rglob("*.xml")]
    assert len(written) > 2 and all("Alder[2J Valley" in text for text in written[:2])
    for text in outputs + written:
        assert not forbidden & set(text)
