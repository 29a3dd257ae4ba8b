"""`syndicate run` with real processes: lock, no-op runs, embargo, schedules, retries, status, cron."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_open import open_ledger
from syndicate.delivery.lock import run_lock
from tests.conftest import REPO, settled
from tests.loopback import Recorder, recording_server
from tests.pg import LEASE

ALDER = "alder-valley-water-board-approves-tiered-rates"
HARBOUR = "harbour-library-digitises-shipping-registers"


#: a test of SQLite's own ways (its lock file, its file): on SQLite only
sqlite_only = pytest.mark.parametrize("engine_site", ["sqlite"], indirect=True)


def postgresql(site: Path) -> bool:
    return load_config(site / "syndicate.toml").ledger is not None


@pytest.fixture
def site(engine_site: Path) -> Path:
    """Each test on both engines: SQLite, then PostgreSQL (tests/pg.py)."""
    return engine_site


def syndicate(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "syndicate", "--config", str(site / "syndicate.toml"), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def add_hook(site: Path, hook: Recorder, extra: str = "") -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text()
        + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
        + "concurrency = 1\nretries = 1\n"
        + extra
    )


def feed_stamps(site: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (site / "feeds").rglob("*") if p.is_file()}


def test_run_is_silent_and_a_second_run_touches_nothing(site: Path) -> None:
    with recording_server() as hook:
        add_hook(site, hook)
        first = syndicate(site, "run")
        assert (first.returncode, first.stdout, first.stderr) == (0, "", "")
        assert len(hook.requests) == 2
        assert (site / "out" / "archive" / f"{ALDER}.html").is_file()
        stamps = feed_stamps(site)
        second = syndicate(site, "-v", "run")
        assert second.returncode == 0
        assert second.stderr == "syndicate run: nothing changed since the last run\n"
        assert len(hook.requests) == 2
        assert feed_stamps(site) == stamps
        summary = json.loads(syndicate(site, "run", "--format", "json").stdout)
        assert summary["noop"] is True and summary["ok"] is True


def test_the_summary_counts_articles_with_errors_not_their_findings(site: Path, run_cli: Any) -> None:
    shutil.copy(REPO / "tests" / "golden" / "invalid" / "dates.md", site / "content")  # four errors, one file
    settled(site / "content" / "dates.md")
    config = ["--config", str(site / "syndicate.toml")]
    done = run_cli(*config, "-v", "run", "--now", "2026-11-26T10:00:00+00:00")
    assert done.status == 1
    assert "syndicate run: 5 articles, 1 with errors; feeds: 3 entries, 36 files written;" in done.err
    summary = json.loads(run_cli(*config, "run", "--format", "json", "--now", "2026-11-26T10:01:00+00:00").out)
    assert (summary["noop"], summary["ok"], summary["invalid"], summary["errors"]) == (True, False, None, None)
    assert summary["plan"] is None and len(summary["problems"]) == 4  # a no-op planned nothing: not zeros
    (site / "content" / "dates.md").unlink()
    for name in sorted((site / "content").glob("*.md"))[1:]:
        name.unlink()  # one article left, to be counted in the singular
    one = run_cli(*config, "-v", "run", "--now", "2026-11-26T10:02:00+00:00")
    assert one.err.startswith("syndicate run: 1 article, 0 with errors; feeds: 1 entry, ")


def test_a_changed_file_is_picked_up(site: Path) -> None:
    syndicate(site, "run")
    article = site / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Changed: ', 1))
    result = syndicate(site, "-v", "run")
    assert result.returncode == 0
    assert "1 updated" in result.stderr
    assert "Changed: " in (site / "out" / "archive" / f"{ALDER}.html").read_text()


@sqlite_only
def test_a_second_run_exits_75_while_one_holds_the_lock_and_says_so_only_with_v(site: Path) -> None:
    config = load_config(site / "syndicate.toml")
    with run_lock(config.paths.state):
        quiet = syndicate(site, "run")
        told = syndicate(site, "run", "-v")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (75, "", "")  # an overlap is no news for cron's mail
    assert told.returncode == 75
    assert told.stderr.startswith("syndicate run: another syndicate process (a run, push or audit) holds the lock ")
    assert len(told.stderr.splitlines()) == 1 and "error" not in told.stderr


def test_the_crontab_line_is_quiet_when_another_run_holds_the_lock(site: Path, run_cli: Any) -> None:
    text = run_cli("--config", str(site / "syndicate.toml"), "cron").out
    line = next(row for row in text.splitlines() if row.startswith("*/10 * * * *  "))
    command = line.removeprefix("*/10 * * * *  ").replace("\\%", "%")  # as cron hands it to /bin/sh
    config = load_config(site / "syndicate.toml")
    with run_lock(config.paths.state):
        held = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=False)
    assert (held.returncode, held.stdout, held.stderr) == (0, "", "")
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")  # a run that did its work
    (site / "content" / "broken.md").write_text("no front matter\n")
    failed = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "no-front-matter" in failed.stderr  # any other status goes to cron as it is


@sqlite_only
def test_a_run_that_cannot_start_still_prints_its_json_line(site: Path) -> None:
    config = load_config(site / "syndicate.toml")
    with run_lock(config.paths.state):
        locked = syndicate(site, "run", "--format", "json")
    assert locked.returncode == 75
    summary = json.loads(locked.stdout)
    assert (summary["ok"], summary["error"]["exit_status"]) == (False, 75)
    assert "holds the lock" in summary["error"]["message"] and locked.stderr == ""
    (site / "syndicate.toml").write_text("[site\n")
    broken = syndicate(site, "run", "--format", "json")
    assert broken.returncode == 2 and json.loads(broken.stdout)["error"]["exit_status"] == 2


@pytest.mark.parametrize("commands", [("run", "run"), ("run", "push"), ("push", "push")])
def test_two_started_together_send_each_copy_once(site: Path, commands: tuple[str, str]) -> None:
    with recording_server() as hook:
        hook.delay = 0.5
        add_hook(site, hook)
        base = [sys.executable, "-m", "syndicate", "--config", str(site / "syndicate.toml")]
        processes = [subprocess.Popen([*base, command], stderr=subprocess.PIPE, text=True) for command in commands]
        codes = sorted(p.wait(timeout=60) for p in processes)
        for p in processes:
            assert p.stderr is not None
            p.stderr.close()
        # SQLite: the second waits for nothing and exits 75; a shared PostgreSQL ledger: both deliver, 0
        assert codes == ([0, 0] if postgresql(site) else [0, 75])
        assert len(hook.requests) == 2  # each copy once


def test_run_killed_mid_push_then_run_again(site: Path) -> None:
    with recording_server() as hook:
        hook.delay = 1.0
        add_hook(site, hook)
        command = [sys.executable, "-m", "syndicate", "--config", str(site / "syndicate.toml"), "run"]
        process = subprocess.Popen(command, start_new_session=True)
        deadline = time.monotonic() + 30
        while len(hook.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        hook.delay = 0
        if postgresql(site):  # the killed run's claims come back to the pool when their lease lapses
            time.sleep(LEASE + 0.5)
        again = syndicate(site, "run")
        assert again.returncode == 0, again.stderr
        keys: dict[str, set[str]] = {}
        for received in hook.requests:
            keys.setdefault(json.loads(received.body)["article"], set()).add(received.headers["Idempotency-Key"])
        assert sorted(keys) == sorted([ALDER, HARBOUR])
        assert all(len(k) == 1 for k in keys.values())
        with open_ledger(load_config(site / "syndicate.toml").ledger_at) as ledger:
            assert {(d.article, d.endpoint): d.state for d in ledger.all() if d.endpoint == "hook"} == {
                (ALDER, "hook"): "delivered",
                (HARBOUR, "hook"): "delivered",
            }


def test_embargo_lifts_at_its_time(site: Path) -> None:
    article = site / "content" / f"{ALDER}.md"
    article.write_text(
        article.read_text().replace("\nstatus: ready", "\nembargo_until: 2030-01-01T06:00:00+00:00\nstatus: ready")
    )
    settled(article)
    before = syndicate(site, "run", "--now", "2030-01-01T01:00:00+00:00")
    assert before.returncode == 0, before.stderr
    assert not (site / "out" / "archive" / f"{ALDER}.html").exists()
    assert ALDER not in (site / "feeds" / "atom.xml").read_text()
    still = syndicate(site, "-v", "run", "--now", "2030-01-01T05:59:00+00:00")
    assert "nothing changed" in still.stderr
    after = syndicate(site, "-v", "run", "--now", "2030-01-01T06:00:01+00:00")
    assert "1 created" in after.stderr
    assert (site / "out" / "archive" / f"{ALDER}.html").exists()
    assert ALDER in (site / "feeds" / "atom.xml").read_text()


def test_scheduled_endpoint_waits_for_its_time(site: Path) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text().replace('path = "out/archive"', 'path = "out/archive"\nschedule = "0 6 * * *"')
    )
    first = syndicate(site, "-v", "run", "--now", "2030-01-01T07:00:00+00:00")
    assert "3 created" in first.stderr  # never pushed: due at once
    article = site / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Later: ', 1))
    settled(article)
    held = syndicate(site, "-v", "run", "--now", "2030-01-01T08:00:00+00:00")
    assert "0 updated" in held.stderr and held.returncode == 0
    assert "Later: " not in (site / "out" / "archive" / f"{ALDER}.html").read_text()
    quiet = syndicate(site, "-v", "run", "--now", "2030-01-01T09:00:00+00:00")
    assert "nothing changed" in quiet.stderr
    due = syndicate(site, "-v", "run", "--now", "2030-01-02T06:00:30+00:00")
    assert "1 updated" in due.stderr
    assert "Later: " in (site / "out" / "archive" / f"{ALDER}.html").read_text()
    bad = config.read_text().replace('schedule = "0 6 * * *"', 'schedule = "61 6 * * *"')
    config.write_text(bad)
    assert "is not a cron expression" in syndicate(site, "run").stderr


def test_a_secret_set_after_a_run_stopped_for_want_of_it_is_used_by_the_next_run(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUN_HOOK_SECRET", raising=False)
    with recording_server() as hook:
        add_hook(site, hook, 'secret_env = "RUN_HOOK_SECRET"\n')
        argv = ["--config", str(site / "syndicate.toml"), "run", "--now"]
        missing = run_cli(*argv, "2030-01-01T10:00:00+00:00")
        assert missing.status == 2
        assert missing.err.count("RUN_HOOK_SECRET is not set") == 1 and "2 copies not sent" in missing.err
        assert (site / "out" / "archive" / f"{ALDER}.html").exists()  # the other endpoint was pushed
        with open_ledger(load_config(site / "syndicate.toml").ledger_at) as ledger:
            assert not [row for row in ledger.all() if row.endpoint == "hook"]
        # still missing: nothing changed, yet the run looks again, and says so again
        again = run_cli(*argv, "2030-01-01T10:00:30+00:00")
        assert again.status == 2 and "RUN_HOOK_SECRET is not set" in again.err and hook.requests == []
        monkeypatch.setenv("RUN_HOOK_SECRET", "s" * 32)
        # the next run sends, with no retry time to wait for and no `syndicate retry`
        due = run_cli(*argv, "2030-01-01T10:01:00+00:00")
        assert due.status == 0, due.err
        assert len(hook.requests) == 2


def test_failures_are_retried_across_runs_then_reported_until_fixed(site: Path) -> None:
    with recording_server() as hook:
        hook.status = 503
        add_hook(site, hook)
        (site / "syndicate.toml").write_text((site / "syndicate.toml").read_text() + "\n[run]\nmax_attempts = 2\n")
        first = syndicate(site, "run", "--now", "2030-01-01T00:00:00+00:00")
        assert first.returncode == 1
        assert "syndicate run: problems:" in first.stderr and "answered HTTP 503" in first.stderr
        assert len(hook.requests) == 2
        with open_ledger(load_config(site / "syndicate.toml").ledger_at) as ledger:
            row = ledger.get(ALDER, "hook")
        assert row is not None and row.state == "failed" and row.next_attempt_at is not None
        early = syndicate(site, "run", "--now", "2030-01-01T00:01:00+00:00")
        assert len(hook.requests) == 2  # not yet: its next attempt is later
        assert (early.returncode, early.stderr) == (0, "")  # a failure that will be retried is not reported again
        later = syndicate(site, "run", "--now", "2030-01-02T00:00:00+00:00")
        assert len(hook.requests) == 4 and later.returncode == 1
        given_up = syndicate(site, "run", "--now", "2030-01-03T00:00:00+00:00")
        assert len(hook.requests) == 4  # gave up after max_attempts
        assert given_up.returncode == 1
        assert "not retried until it changes or `syndicate retry`" in given_up.stderr
        again = syndicate(site, "run", "--now", "2030-01-03T00:10:00+00:00")  # a no-op run still reports it
        assert again.returncode == 1 and "syndicate retry" in again.stderr
        failed = json.loads(syndicate(site, "status", "--failed", "--format", "json").stdout)
        assert {(r["article"], r["state"]) for r in failed} == {(ALDER, "failed"), (HARBOUR, "failed")}
        hook.status = 200
        assert syndicate(site, "retry", "--all").stderr == "2 deliveries re-queued\n"
        fixed = syndicate(site, "run", "--now", "2030-01-03T00:20:00+00:00")
        assert fixed.returncode == 0, fixed.stderr
        assert len(hook.requests) == 6


def test_a_ping_a_hub_did_not_take_is_tried_again_by_a_later_run_then_given_up(site: Path, run_cli: Any) -> None:
    config = site / "syndicate.toml"
    with recording_server() as hub:
        config.write_text(config.read_text() + f'\n[feeds]\nhubs = ["{hub.url}"]\ntag_feeds = false\n')
        hub.status = 503
        argv = ["--config", str(config), "run", "--now"]
        first = run_cli(*argv, "2030-01-01T10:00:00+00:00")
        assert first.status == 1
        assert f"hub {hub.url} was not told about" in first.err and "(a later run tries again)" in first.err
        assert len(hub.requests) == 2  # atom.xml and rss.xml
        hub.requests.clear()
        # nothing changed and the retry is not due yet: a no-op, as quiet as one
        assert (run_cli(*argv, "2030-01-01T10:04:00+00:00").status, hub.requests) == (0, [])
        # a feed that changes meanwhile waits for the ping that is due: it will tell the hub as much
        article = site / "content" / f"{ALDER}.md"
        article.write_text(article.read_text().replace("title: ", "title: Edited ", 1))
        edited = run_cli(*argv, "2030-01-01T10:04:30+00:00")
        assert (edited.status, hub.requests) == (0, [])
        hub.status = 204
        due = run_cli(*argv, "2030-01-01T10:06:00+00:00")
        assert (due.status, due.err) == (0, "")
        topics = sorted(urllib.parse.parse_qs(r.body.decode())["hub.url"][0] for r in hub.requests)
        assert topics == ["https://review.example.org/feeds/atom.xml", "https://review.example.org/feeds/rss.xml"]
        hub.requests.clear()
        assert (run_cli(*argv, "2030-01-01T10:20:00+00:00").status, hub.requests) == (0, [])  # told: done

        # a hub that keeps failing is tried max_attempts times, then reported as given up
        config.write_text(config.read_text() + "\n[run]\nmax_attempts = 2\n")
        hub.status = 500
        article.write_text(article.read_text().replace("title: ", "title: Updated ", 1))
        assert run_cli(*argv, "2030-01-01T11:00:00+00:00").status == 1
        hub.requests.clear()
        last = run_cli(*argv, "2030-01-01T11:06:00+00:00")
        assert last.status == 1 and "(run.max_attempts tries made: given up)" in last.err and len(hub.requests) == 2
        hub.requests.clear()
        assert (run_cli(*argv, "2030-01-01T11:30:00+00:00").status, hub.requests) == (0, [])


def test_deleted_article_file_is_reported_or_retracted(site: Path) -> None:
    syndicate(site, "run")
    (site / "content" / f"{ALDER}.md").unlink()
    plan = syndicate(site, "plan").stdout
    assert f"skipped    {ALDER}" in plan and "the article file is gone" in plan
    assert (site / "out" / "archive" / f"{ALDER}.html").exists()
    (site / "syndicate.toml").write_text((site / "syndicate.toml").read_text() + '\n[run]\ndeleted = "retract"\n')
    assert syndicate(site, "run").returncode == 0
    assert not (site / "out" / "archive" / f"{ALDER}.html").exists()


def test_status_table_and_filters(site: Path, run_cli: Any) -> None:
    syndicate(site, "run")
    table = run_cli("--config", str(site / "syndicate.toml"), "status")
    assert table.out.splitlines()[0].split() == ["ARTICLE", "ENDPOINT", "STATE", "REMOTE", "LAST", "ERROR", "WHEN"]
    assert table.out.count("delivered") == 3
    assert run_cli("--config", str(site / "syndicate.toml"), "status", "--failed").err == (
        "no deliveries recorded that match\n"
    )
    rows = json.loads(run_cli("--config", str(site / "syndicate.toml"), "status", "--format", "json").out)
    assert {r["state"] for r in rows} == {"delivered"}
    assert rows[0]["remote_url"].startswith("file://")


def test_unknown_names_are_usage_errors_with_a_suggestion(site: Path, run_cli: Any) -> None:
    config = site / "syndicate.toml"
    syndicate(site, "run")
    typo = run_cli("--config", str(config), "status", "--endpoint", "archiv")
    assert typo.status == 2 and "no endpoint 'archiv' in syndicate.toml" in typo.err
    assert "did you mean 'archive'?" in typo.err
    assert run_cli("--config", str(config), "plan", "--endpoint", "archiv").err == typo.err
    retry = run_cli("--config", str(config), "retry", ALDER[:-1])
    assert retry.status == 2 and f"did you mean {ALDER!r}?" in retry.err
    assert run_cli("--config", str(config), "retry", ALDER).err == "0 deliveries re-queued\n"
    # an endpoint taken out of the config still has its rows in the ledger, and status shows them
    config.write_text(config.read_text().split("[[endpoints]]")[0])
    gone = run_cli("--config", str(config), "status", "--endpoint", "archive")
    assert gone.status == 0 and gone.out.count("delivered") == 3


def test_cron_prints_crontab_and_systemd_units(site: Path, run_cli: Any) -> None:
    result = run_cli("--config", str(site / "syndicate.toml"), "cron", "--every", "5")
    assert result.status == 0
    assert "*/5 * * * *  " in result.out and f"--config {site.resolve() / 'syndicate.toml'} run" in result.out
    assert "OnCalendar=*:0/5" in result.out and "[Install]\nWantedBy=timers.target" in result.out
    assert "SuccessExitStatus=75" in result.out  # a run that found the lock held did nothing: no failure
    assert "/etc/systemd/system/syndicate-site.service" in result.out  # named after the site's folder
    assert "EnvironmentFile" not in result.out  # no endpoint reads a secret


def test_cron_lines_work_for_a_site_whose_path_has_spaces_and_percent_signs(
    site: Path, run_cli: Any, tmp_path: Path
) -> None:
    odd = tmp_path / "my site%x"
    site.rename(odd)
    config = odd / "syndicate.toml"
    config.write_text(
        config.read_text() + '\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\n'
        'url = "https://hooks.example.org/x"\nsecret_env = "HOOK_SECRET"\n'
    )
    text = run_cli("--config", str(config), "cron").out
    line = next(row for row in text.splitlines() if row.startswith("*/10 * * * *  "))
    command = line.removeprefix("*/10 * * * *  ").replace("\\%", "%")  # as cron hands it to /bin/sh
    checked = subprocess.run(
        ["/bin/sh", "-c", command.replace(" run; s=$?;", " licenses; s=$?;")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr  # the config was found, whole
    assert "HOOK_SECRET" in text and "EnvironmentFile=/etc/syndicate/syndicate-my-site-x.env" in text
    assert f'--config "{odd}/syndicate.toml"'.replace("%", "%%") in text  # systemd: quoted, % doubled
    analyze = shutil.which("systemd-analyze")
    if analyze is not None:  # (on the machines that have it: the unit as systemd reads it)
        unit = text[text.index("[Unit]") : text.index("# systemd:", text.index("[Unit]"))]
        unit = unit.replace("EnvironmentFile=", "EnvironmentFile=-")  # (the file is the admin's to write)
        (tmp_path / "syndicate-my-site-x.service").write_text(unit)
        done = subprocess.run(
            [analyze, "verify", "--man=no", str(tmp_path / "syndicate-my-site-x.service")],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_progress_bar_on_a_terminal_only(site: Path) -> None:
    import pty

    with recording_server() as hook:
        hook.delay = 0.4
        add_hook(site, hook)
        command = [sys.executable, "-m", "syndicate", "--config", str(site / "syndicate.toml"), "push"]
        piped = subprocess.run(command, capture_output=True, text=True, check=False)
        assert "pushing" not in piped.stderr and "\x1b[" not in piped.stderr + piped.stdout
        edit = site / "content" / f"{ALDER}.md"
        edit.write_text(edit.read_text().replace('title: "', 'title: "Again: ', 1))
        edit = site / "content" / f"{HARBOUR}.md"
        edit.write_text(edit.read_text().replace('title: "', 'title: "Again: ', 1))
        pid, fd = pty.fork()
        if pid == 0:  # the child: syndicate on a terminal
            os.execv(sys.executable, command)
        output = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.waitpid(pid, 0)
        assert b"pushing" in output


def cached_load(site: Path) -> Any:
    """What a run reads of the site (load_site_cached), with its ledger."""
    import datetime as dt

    from syndicate.cron.incremental import load_site_cached

    config = load_config(site / "syndicate.toml")
    with Ledger(config.paths.state) as ledger:
        return load_site_cached(config, ledger, dt.date(2026, 11, 26))


def test_reading_the_site_leaves_the_cycle_collector_as_it_found_it(site: Path) -> None:
    import gc

    assert gc.isenabled()
    cached_load(site)
    assert gc.isenabled()
    gc.disable()
    try:
        cached_load(site)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_run_after_a_small_change_renders_only_the_changed_article(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syndicate.render import html_copy as render

    first = cached_load(site)
    registry = first.checks.registry
    before = {a.slug: render.render_copy(a.front_matter, a.body, registry.get(a.license_id)) for a in first.articles}
    article = site / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Changed: ', 1))
    render._RENDERED.clear()  # as in a new process
    rendered: list[str] = []
    uncached = render.render_copy_uncached

    def counting(front_matter: Any, *rest: Any) -> render.RenderedCopy:
        rendered.append(front_matter["slug"])
        return uncached(front_matter, *rest)

    monkeypatch.setattr(render, "render_copy_uncached", counting)
    monkeypatch.setenv("SYNDICATE_WORKERS", "1")  # (counted in this process)
    second = cached_load(site)
    after = {a.slug: render.render_copy(a.front_matter, a.body, registry.get(a.license_id)) for a in second.articles}
    assert rendered == [ALDER]  # the others came from the ledger
    for articles in (first.articles, second.articles):  # the copies' keys, made by workers or kept in the ledger
        assert all(a.front_matter_digest == render.front_matter_digest(a.front_matter) for a in articles)
    assert {slug for slug in after if after[slug] != before[slug]} == {ALDER}
    assert after[HARBOUR].html == before[HARBOUR].html and after[HARBOUR].json_ld == before[HARBOUR].json_ld


def test_the_file_cache_keeps_unchanged_rows_and_forgets_missing_files(tmp_path: Path) -> None:
    with Ledger(tmp_path / "state.db") as ledger:
        first = [("/a.md", 1, 10, "h1", "{}", None, None), ("/b.md", 2, 20, "h2", "{}", b"x", b"{}")]
        ledger.update_files(first, {"/a.md", "/b.md"})
        ledger.update_files([("/c.md", 3, 30, "h3", "{}", None, None)], {"/b.md", "/c.md"})  # a is gone, b unchanged
        assert ledger.cached_files() == {
            "/b.md": (2, 20, "h2", "{}", b"x"),
            "/c.md": (3, 30, "h3", "{}", None),
        }


@sqlite_only
def test_a_ledger_kept_by_an_older_version_still_serves_its_cached_articles(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows written as JSON text, before they were compressed, read as they did."""
    from syndicate.render import compression
    from syndicate.render import html_copy as render

    first = cached_load(site)
    with open_ledger(load_config(site / "syndicate.toml").ledger_at) as ledger:
        rows = ledger._db.execute("SELECT path, parsed FROM article_files").fetchall()
        assert rows and all(isinstance(parsed, bytes) for _, parsed in rows)
        with ledger._db:
            for path, parsed in rows:  # as the rows were: all of the article as JSON, the body in it
                head, _, body = compression.decompress(parsed).partition(b"\0")
                old = json.dumps(
                    {k: v for k, v in json.loads(head).items() if k != "front_matter_digest"} | {"body": body.decode()},
                    ensure_ascii=False,
                )
                ledger._db.execute("UPDATE article_files SET parsed = ? WHERE path = ?", (old, path))
            ledger._db.execute("DELETE FROM article_records")  # (no record: made by a version before records)
    monkeypatch.setattr(render, "render_copy_uncached", lambda *args: pytest.fail("rendered again"))
    monkeypatch.setenv("SYNDICATE_WORKERS", "1")
    second = cached_load(site)
    assert [(a.slug, a.front_matter, a.body) for a in second.articles] == [
        (a.slug, a.front_matter, a.body) for a in first.articles
    ]
    # rows kept before the front matter's digest was: their copies are still found, not rendered again
    for article in second.articles:
        assert article.front_matter_digest
        render.render_copy(article.front_matter, article.body, second.checks.registry.get(article.license_id))


def test_a_cached_row_gives_back_the_article_whatever_its_body_holds() -> None:
    from syndicate.articles.front_matter import parse_article_text
    from syndicate.cron.incremental import _to_row
    from syndicate.cron.records import _from_row

    text = '---\ntitle: "Café \\x07"\nslug: a\n---\nBody with NUL \x00 and \\" quotes, ünïcode 😀\n\x00\n'
    article = parse_article_text(text, "a.md")
    article.front_matter_digest = b"\x01" * 32
    back = _from_row(_to_row(article))
    assert (back.path, back.data, back.body, back.body_line) == (article.path, article.data, article.body, 5)
    assert back.front_matter_digest == article.front_matter_digest
    assert [(f.code, f.line, f.severity) for f in back.findings] == [
        (f.code, f.line, f.severity) for f in article.findings
    ]
    assert "\x00" in back.body and article.findings  # (the control-character warning)


@sqlite_only
def test_a_new_file_with_a_delivered_slug_takes_nothing_over(site: Path) -> None:
    """Both files of a shared slug are held back: the delivered copy stays, not updated, not retracted."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + '\n[run]\ndeleted = "retract"\n')
    assert syndicate(site, "run").returncode == 0
    copies = sorted((site / "out" / "archive").glob(f"{HARBOUR}.*"))
    delivered = {p: p.read_bytes() for p in copies}
    state = load_config(config).paths.state

    def row() -> tuple[object, ...]:
        with Ledger(state) as ledger:
            return next((r.state, r.content_hash, r.remote_id) for r in ledger.all() if r.article == HARBOUR)

    before = row()
    assert HARBOUR in (site / "feeds" / "atom.xml").read_text()
    original = site / "content" / f"{HARBOUR}.md"
    newcomer = site / "content" / "aaa-newcomer.md"  # sorts first: it used to win the slug
    newcomer.write_text(re.sub(r'(?m)^title: ".*"$', 'title: "A newcomer"', original.read_text(), count=1))
    for _ in range(2):  # the second run reads both files back from the ledger's cache
        result = syndicate(site, "-v", "run")
        assert result.returncode == 1
        flagged = sorted(line.strip() for line in result.stderr.splitlines() if "duplicate-slug" in line)
        assert [line.split(": duplicate-slug slug ")[0].rsplit(":", 1)[0] for line in flagged] == [
            str(newcomer),
            str(original),
        ]
        assert f"is also used by {original} " in flagged[0] and f"is also used by {newcomer} " in flagged[1]
        assert "0 updated, 0 deleted" in result.stderr or "nothing changed" in result.stderr
        assert {p: p.read_bytes() for p in copies} == delivered
        assert row() == before
        assert HARBOUR not in (site / "feeds" / "atom.xml").read_text()
    newcomer.unlink()
    fixed = syndicate(site, "-v", "run")
    assert fixed.returncode == 0, fixed.stderr
    assert "0 updated, 0 deleted" in fixed.stderr
    assert {p: p.read_bytes() for p in copies} == delivered
    assert HARBOUR in (site / "feeds" / "atom.xml").read_text()


def test_an_article_whose_slug_cannot_be_read_keeps_every_copy_from_retraction(site: Path) -> None:
    """A delivered article whose file is renamed and broken (no readable slug) may be that file: no retraction."""
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + '\n[run]\ndeleted = "retract"\n')
    assert syndicate(site, "run").returncode == 0
    copy = site / "out" / "archive" / f"{HARBOUR}.html"
    delivered = copy.read_bytes()
    article = site / "content" / "harbour.md"  # a file name that is not the slug
    (site / "content" / f"{HARBOUR}.md").rename(article)
    text = article.read_text()
    article.write_text(text.replace('title: "', 'title: ["', 1))  # the front matter no longer parses
    broken = syndicate(site, "-v", "run")
    assert broken.returncode == 1
    assert "yaml-syntax" in broken.stderr and "0 deleted" in broken.stderr
    assert copy.read_bytes() == delivered
    plan = syndicate(site, "plan").stdout
    assert f"{article} has errors and no readable slug: its copy stays" in plan
    article.write_text(text)
    fixed = syndicate(site, "-v", "run")
    assert fixed.returncode == 0, fixed.stderr
    assert "0 updated, 0 deleted" in fixed.stderr
    assert copy.read_bytes() == delivered


def test_the_summary_counts_what_was_done_not_what_was_planned(site: Path, run_cli: Any) -> None:
    with recording_server() as hook:
        hook.script = [200, 400]  # concurrency 1, retries 1: the first create lands, the second is refused
        add_hook(site, hook)
        done = run_cli("--config", str(site / "syndicate.toml"), "-v", "run", "--now", "2030-01-01T00:00:00+00:00")
        assert done.status == 1 and len(hook.requests) == 2
        # the folder endpoint's three creates and the webhook's one: never the failed one too
        assert "push: 4 created, 0 updated, 0 deleted, 0 refused, 3 skipped, 1 failed" in done.err, done.err
