"""`[audit] every`: `run` audits on its own schedule, after its deliveries, and reports it."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from syndicate.config import load_config
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_open import open_ledger
from tests.page_server import PageServer
from tests.test_audit import SLUG, audit_site, copy_html, deliver, engine_audit_site, page, server

__all__ = ["audit_site", "engine_audit_site", "server"]  # (the fixtures)

T0 = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)


def run_at(run_cli: Any, root: Path, when: dt.datetime, *args: str) -> Any:
    return run_cli("--config", str(root / "syndicate.toml"), "run", "--now", when.isoformat(), *args)


def test_run_audits_every_day(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    config = audit_site / "syndicate.toml"
    config.write_text(config.read_text().replace("[audit]\n", '[audit]\nevery = "1d"\n'))
    stripped = re.sub(r"<p>© 2026 Hill Town Gazette\.</p>", "", copy_html(audit_site))
    url = server.page("/copy", page(stripped))
    deliver(audit_site, url)

    first = run_at(run_cli, audit_site, T0, "--format", "json")
    summary = json.loads(first.out)
    assert summary["audit"]["copies"] == 1 and [f["code"] for f in summary["audit"]["findings"]] == [
        "attribution-missing"
    ]
    assert [n["partner"] for n in summary["audit"]["notices"]] == ["partner"]
    assert first.status == 0  # the run's own work holds: the audit's findings are reported, not its exit
    assert len(server.requests) == 1

    later = run_at(run_cli, audit_site, T0 + dt.timedelta(hours=5), "--format", "json")
    assert json.loads(later.out)["audit"] is None and len(server.requests) == 1  # not due
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:
        assert ledger.get_state("next_wakeup") == (T0 + dt.timedelta(days=1)).isoformat()

    # a day later, with nothing else to do: the run audits, and says only what is new (nothing)
    quiet = run_at(run_cli, audit_site, T0 + dt.timedelta(days=1, minutes=1))
    assert quiet.status == 0 and quiet.err == "" and len(server.requests) == 2
    server.page("/copy", page(re.sub(r"<p>Licence: .*?</p>", "", stripped)))
    found = run_at(run_cli, audit_site, T0 + dt.timedelta(days=2, minutes=2))
    assert f"syndicate run: audit: {url}: license-missing " in found.err
    assert "syndicate run: audit: 1 copy: 0 hold, 1 violate, 0 not checked" in found.err
    assert "syndicate run: audit: notice drafted for partner" in found.err


def test_off_by_default(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    deliver(audit_site, server.page("/copy", page(copy_html(audit_site))))
    result = run_at(run_cli, audit_site, T0, "--format", "json")
    assert json.loads(result.out)["audit"] is None and server.requests == []


def test_a_failing_audit_fails_neither_the_run_nor_its_schedule(
    run_cli: Any, audit_site: Path, server: PageServer
) -> None:
    """The notices cannot be written (a file where their folder goes): the run still reports its own
    work and exits by it, says the audit failed, and the schedule moves on (no audit at every run)."""
    config = audit_site / "syndicate.toml"
    config.write_text(config.read_text().replace("[audit]\n", '[audit]\nevery = "1d"\n'))
    stripped = re.sub(r"<p>© 2026 Hill Town Gazette\.</p>", "", copy_html(audit_site))
    deliver(audit_site, server.page("/copy", page(stripped)))
    (audit_site / ".syndicate" / "notices").write_text("in the way\n")

    failed = run_at(run_cli, audit_site, T0, "--format", "json")
    assert failed.status == 0, failed.err
    summary = json.loads(failed.out)
    assert "notices" in summary["audit"]["error"] and "Traceback" not in failed.err
    assert [f["code"] for f in summary["audit"]["findings"]] == ["attribution-missing"]  # what it found still
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:
        assert ledger.get_state("audit_last") == T0.isoformat()
    text = run_at(run_cli, audit_site, T0 + dt.timedelta(days=1, minutes=1))
    assert text.status == 0 and "syndicate run: audit: failed: " in text.err
    assert len(server.requests) == 2  # once a day, failing or not
    again = run_at(run_cli, audit_site, T0 + dt.timedelta(days=1, minutes=2), "--format", "json")
    assert json.loads(again.out)["audit"] is None and len(server.requests) == 2
    # the folder freed, the next audit drafts the notice the failed ones could not (it is not lost)
    (audit_site / ".syndicate" / "notices").unlink()
    freed = run_at(run_cli, audit_site, T0 + dt.timedelta(days=2, minutes=1), "--format", "json")
    assert [n["partner"] for n in json.loads(freed.out)["audit"]["notices"]] == ["partner"]
    assert json.loads(freed.out)["audit"]["error"] is None


def test_an_audit_while_a_run_audits_does_nothing_and_says_so(
    run_cli: Any, engine_audit_site: Path, server: PageServer
) -> None:
    """`audit` takes the lock a run holds (on PostgreSQL the site's lock): a run auditing on its
    schedule and an audit by hand would each draft the same notice."""
    audit_site = engine_audit_site
    config = audit_site / "syndicate.toml"
    config.write_text(config.read_text().replace("timeout = 1\n", 'timeout = 20\nevery = "1d"\n'))
    stripped = re.sub(r"<p>© 2026 Hill Town Gazette\.</p>", "", copy_html(audit_site))
    with open_ledger(load_config(config).ledger_at) as ledger:
        ledger.begin_attempt(SLUG, "partner", "create", "key")
        ledger.delivered(SLUG, "partner", "7", server.page("/copy", page(stripped), delay=2.0), "sha256:x", None)
    command = [sys.executable, "-m", "syndicate", "--config", str(config), "run", "--now", T0.isoformat()]
    running = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.requests, "the run did not start auditing"
    held = run_cli("--config", str(config), "audit")  # while the run reads the (slow) page
    _, run_err = running.communicate(timeout=60)
    assert running.returncode == 0, run_err
    assert (held.status, held.out) == (75, "")
    assert "holds the " in held.err and "nothing done" in held.err
    assert (
        "hint: a run (which may be auditing), a push or another audit is in progress; try syndicate audit again"
        in held.err
    )
    assert len(server.requests) == 1  # the held audit read nothing
    notices = audit_site / ".syndicate" / "notices"
    assert len(list(notices.iterdir())) == 1 and "notice drafted for partner" in run_err
    after = run_cli("--config", str(config), "audit")  # the run done: the audit runs, and drafts it no more
    assert after.status == 1 and len(list(notices.iterdir())) == 1
