"""Claims that end before their delivery does, through a real push to a webhook on loopback, on
both engines: a claim another runner took over while the send was in flight (its lease forced to
lapse), and claims given back when the push stops in the middle of a batch."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.delivery.ledger_claims import Claimer
from syndicate.delivery.ledger_open import open_ledger
from syndicate.delivery.push_lane import LOST
from syndicate.render.copies import Copy, make_copy
from tests.loopback import Received, recording_server
from tests.pg import lapse
from tests.test_run import add_hook

#: long enough never to be reached when the push goes as it should; a push that does not fails after it
PATIENCE = 20.0
#: the copies a push of the demo to the hook makes
READY = 2
HARBOUR = "harbour-library-digitises-shipping-registers"


@pytest.fixture
def site(engine_site: Path) -> Path:
    """Each test on both engines: SQLite, then PostgreSQL (tests/pg.py)."""
    return engine_site


def test_a_send_whose_claim_was_taken_over_records_nothing_over_the_other_runner(site: Path, run_cli: Any) -> None:
    taken_over: list[str] = []

    with recording_server() as hook:
        add_hook(site, hook)
        config = str(site / "syndicate.toml")
        place = load_config(Path(config)).ledger_at

        def respond(received: Received) -> tuple[int, bytes]:
            if taken_over:
                return 200, b""
            # while the first send is in flight, its lease lapses and another runner takes it over and records it
            key = received.headers["Idempotency-Key"]
            with open_ledger(place) as other:
                row = next(d for d in other.all() if d.endpoint == "hook" and d.idempotency_key == key)
                assert row.claimed_by is not None and row.state == "pending"
                lapse(other, row.article, "hook")
                two = Claimer(other, {(row.article, "hook"): row.version}, 600, 1)
                assert two.take([(row.article, "hook", str(row.action), key)]) == {(row.article, "hook"): 2}
                held = two.held(row.article, "hook")
                assert other.delivered(row.article, "hook", "two's", "https://two.example/", "c2", None, held)
            taken_over.append(row.article)
            return 200, b""

        hook.respond = respond
        done = run_cli("--config", config, "push", "--endpoint", "hook")
    assert done.status == 0, done.err
    [article] = taken_over
    assert f"syndicate: warning: create {article} -> hook: " in done.err and LOST in done.err
    assert f"created {article} -> hook" not in done.out  # said once, as a warning
    assert done.out.count("-> hook") == READY - 1
    with open_ledger(place) as ledger:
        rows = {d.article: d for d in ledger.all() if d.endpoint == "hook"}
    assert rows[article].remote_id == "two's" and rows[article].remote_url == "https://two.example/"
    assert rows[article].state == "delivered" and rows[article].claimed_by is None
    assert all(d.state == "delivered" and d.claimed_by is None for d in rows.values()) and len(rows) == READY


def test_claims_not_started_when_a_push_stops_mid_batch_go_back_to_the_pool_at_once(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first send waits until the other two copies are queued, so that the sender takes them
    as one batch ([ledger] batch, 4); the webhook refuses the second's credentials (401), which
    stops the endpoint: the third, claimed with it and never started, is given back."""
    article = (site / "content" / f"{HARBOUR}.md").read_text()  # one more copy for the hook: three
    article = article.replace(f"slug: {HARBOUR}", "slug: harbour-again", 1).replace('title: "', 'title: "Again: ', 1)
    (site / "content" / "harbour-again.md").write_text(article)
    last_planned = threading.Event()
    rendered: list[str] = []

    def counted_make_copy(*args: Any) -> Copy:
        copy = make_copy(*args)
        rendered.append(copy.slug)
        if len(rendered) == READY + 1:
            last_planned.set()
        return copy

    monkeypatch.setattr("syndicate.delivery.plan.make_copy", counted_make_copy)
    with recording_server() as hook:
        add_hook(site, hook)
        config = str(site / "syndicate.toml")
        place = load_config(Path(config)).ledger_at
        shared = load_config(Path(config)).ledger is not None

        def respond(received: Received) -> tuple[int, bytes]:
            if len(hook.requests) == 1:
                assert last_planned.wait(PATIENCE), "the plan was not made while the first copy was in flight"
                threading.Event().wait(0.05)  # (the last copy, rendered, is put in the queue meanwhile)
                return 200, b""
            return 401, b"bad credentials"

        hook.respond = respond
        done = run_cli("--config", config, "push", "--endpoint", "hook")
    assert done.status == 1 and "failed" in done.err
    assert len(hook.requests) == 2  # the third was never sent
    with open_ledger(place) as ledger:
        rows = {d.article: d for d in ledger.all() if d.endpoint == "hook"}
        assert [d.state for d in rows.values()].count("delivered") == 1
        assert [d.state for d in rows.values()].count("failed") == 1
        assert all(d.claimed_by is None and d.lease_until is None for d in rows.values())
        if not shared:  # SQLite: one claim per transaction, so nothing was claimed past the failure
            assert len(rows) == 2
            return
        [given_back] = [d for d in rows.values() if d.state == "pending"]
        assert given_back.attempts == 1 and given_back.idempotency_key
        # another runner takes it at once, without waiting for a lease ([ledger] lease) to lapse
        other = Claimer(ledger, {(given_back.article, "hook"): given_back.version}, 600, 1)
        key = str(given_back.idempotency_key)
        assert other.take([(given_back.article, "hook", "create", key)]) == {(given_back.article, "hook"): 2}
