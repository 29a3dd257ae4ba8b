"""A lost ledger never means "send everything again": the receipt refuses it, reconcile rebuilds it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_receipt import LEDGER_ID, read_receipt, receipt_path
from tests.loopback import Recorder, recording_server

ALDER = "alder-valley-water-board-approves-tiered-rates"
NOW = "2030-01-01T00:00:00+00:00"


def add_hook(site: Path, hook: Recorder) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text()
        + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
    )


def ledger_path(site: Path) -> Path:
    return load_config(site / "syndicate.toml").paths.state


def creates(hook: Recorder) -> list[str]:
    return [json.loads(r.body)["article"] for r in hook.requests if json.loads(r.body)["event"] == "create"]


@pytest.fixture
def delivered(site: Path, run_cli: Any) -> Any:
    """The demo pushed to its folder (three copies) and to a webhook (two: a grant covers only the folder)."""
    with recording_server() as hook:
        add_hook(site, hook)
        done = run_cli("--config", str(site / "syndicate.toml"), "run", "--now", NOW)
        assert done.status == 0, done.err
        assert len(creates(hook)) == 2
        hook.requests.clear()
        yield hook


@pytest.mark.parametrize("loss", ["emptied", "replaced", "deleted"])
def test_a_lost_ledger_is_refused_by_every_command_never_taken_for_a_first_run(
    site: Path, run_cli: Any, delivered: Recorder, loss: str
) -> None:
    ledger = ledger_path(site)
    for extra in (ledger.with_name(ledger.name + "-wal"), ledger.with_name(ledger.name + "-shm")):
        extra.unlink(missing_ok=True)
    if loss == "emptied":
        ledger.write_bytes(b"")
    elif loss == "replaced":
        ledger.unlink()
        Ledger(ledger, adopt=True).close()  # another, new ledger in its place
    else:
        ledger.unlink()
    config = ["--config", str(site / "syndicate.toml")]
    for command in (["run", "--now", "2030-01-02T00:00:00+00:00"], ["push"], ["plan"], ["status"]):
        refused = run_cli(*config, *command)
        assert refused.status == 2, (command, refused.err)
        assert f"{ledger}: the ledger " in refused.err and "state.db.receipt beside it says" in refused.err, command
        assert "syndicate reconcile" in refused.err
        assert "Traceback" not in refused.err
    assert delivered.requests == []  # nothing was sent again


def test_reconcile_rebuilds_the_record_and_the_next_run_creates_nothing(
    site: Path, run_cli: Any, delivered: Recorder
) -> None:
    ledger = ledger_path(site)
    ledger.write_bytes(b"")
    config = ["--config", str(site / "syndicate.toml")]
    page = site / "out" / "archive" / f"{ALDER}.html"
    before = page.read_bytes()

    rebuilt = run_cli(*config, "reconcile")
    assert rebuilt.status == 0, rebuilt.err
    assert f"unknown            {ALDER} -> hook" in rebuilt.out  # a webhook cannot be asked
    assert "3 copies found, 2 copies unknown" in rebuilt.err and "the ledger is in use again" in rebuilt.err

    held = run_cli(*config, "run", "--now", "2030-01-02T00:00:00+00:00")
    assert held.status == 1  # the unknown copies are held back, and said
    assert f"{ALDER} -> hook: unknown whether hook holds a copy" in held.err
    assert delivered.requests == []
    assert page.read_bytes() == before  # found, sent again as it is: the same file

    assert run_cli(*config, "reconcile", "--endpoint", "hook", "--assume-delivered").status == 0
    calm = run_cli(*config, "run", "--now", "2030-01-02T00:10:00+00:00")
    assert calm.status == 0, calm.err
    assert delivered.requests == []
    with Ledger(ledger) as kept:
        assert {(r.endpoint, r.state) for r in kept.all()} == {("archive", "delivered"), ("hook", "delivered")}


def test_assume_new_sends_the_webhook_copies_once(site: Path, run_cli: Any, delivered: Recorder) -> None:
    ledger_path(site).write_bytes(b"")
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "reconcile").status == 0
    assert run_cli(*config, "reconcile", "--endpoint", "hook", "--assume-new").status == 0
    sent = run_cli(*config, "run", "--now", "2030-01-02T00:00:00+00:00")
    assert sent.status == 0, sent.err
    assert sorted(creates(delivered)) == sorted(set(creates(delivered))) and len(creates(delivered)) == 2


def test_reconcile_with_an_endpoint_down_keeps_the_ledger_refused(
    site: Path, run_cli: Any, delivered: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger_path(site).write_bytes(b"")
    config_file = site / "syndicate.toml"
    config_file.write_text(config_file.read_text() + "\n" + (
        '[[endpoints]]\nname = "partner"\ntype = "wordpress"\nchannel = "community-web"\n'
        'url = "http://127.0.0.1:9/"\nusername_env = "WP_USER"\npassword_env = "WP_PASSWORD"\ntimeout = 2\n'
    ))  # fmt: skip
    monkeypatch.setenv("WP_USER", "someone")
    monkeypatch.setenv("WP_PASSWORD", "xxxx xxxx xxxx xxxx")
    config = ["--config", str(config_file)]
    partial = run_cli(*config, "reconcile")
    assert partial.status == 1
    assert "endpoint 'partner' could not be asked" in partial.err and "run it again" in partial.err
    assert run_cli(*config, "plan").status == 2  # still refused: partner's copies are not known


def test_a_removed_receipt_is_written_again_and_an_older_ledger_gets_one(site: Path, run_cli: Any) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "push").status == 0
    ledger = ledger_path(site)
    first = read_receipt(ledger)
    assert first is not None
    receipt_path(ledger).unlink()
    assert run_cli(*config, "status").status == 0
    again = read_receipt(ledger)
    assert again is not None and again.ledger_id == first.ledger_id
    # a ledger from before receipts: deliveries, no id
    receipt_path(ledger).unlink()
    with sqlite3.connect(ledger) as db:
        db.execute("DELETE FROM run_state WHERE key = ?", (LEDGER_ID,))
    assert run_cli(*config, "status").status == 0
    given = read_receipt(ledger)
    assert given is not None and given.ledger_id != first.ledger_id


def test_a_site_that_never_delivered_has_no_receipt(site: Path, run_cli: Any) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    (site / "syndicate.toml").write_text((site / "syndicate.toml").read_text().replace(
        'channel = "community-web"\npath', 'enabled = false\nchannel = "community-web"\npath'
    ))  # fmt: skip
    assert run_cli(*config, "run", "--now", NOW).status == 0
    assert read_receipt(ledger_path(site)) is None
