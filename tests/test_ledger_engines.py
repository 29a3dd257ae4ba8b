"""The ledger behaves the same on SQLite and on PostgreSQL: every test here runs on both engines
(PostgreSQL's half skips, saying how to start the server, when it is not running: tests/pg.py).
Claims (ledger_claims.py) and what only PostgreSQL has (sites side by side, the site's lock, its
errors) are here too."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.delivery import audit_store
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_claims import UNCHECKED, Claim, Claimer, claim, release, renew
from syndicate.delivery.ledger_migrations import MIGRATIONS
from syndicate.delivery.ledger_open import Place, open_ledger, shared
from syndicate.delivery.ledger_pg import PostgresLedger
from syndicate.delivery.lock import LockedError
from syndicate.errors import ExitStatus, LedgerError, LedgerUnavailable
from syndicate.ledger_settings import LedgerSettings
from tests.pg import ENGINES, fresh_site, lapse, server


@pytest.fixture(params=ENGINES)
def place(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Place]:
    if request.param == "sqlite":
        yield tmp_path / "state.db"
        return
    with fresh_site(monkeypatch) as settings:
        yield settings


class Clock:
    def __init__(self) -> None:
        self.now = "2030-01-01T00:00:00+00:00"

    def __call__(self) -> str:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ledger(place: Place, clock: Clock) -> Iterator[Ledger]:
    with open_ledger(place) as opened:
        opened.clock = clock
        yield opened


def test_every_migration_is_applied_by_name(ledger: Ledger) -> None:
    assert ledger.applied_migrations() == [name for name, _ in MIGRATIONS]


def test_a_delivery_goes_through_its_states(ledger: Ledger) -> None:
    assert ledger.begin_attempt("a", "hook", "create", "k1") == 1
    assert ledger.begin_attempt("a", "hook", "create", "k1") == 2
    ledger.failed("a", "hook", "503", "2030-01-01T00:05:00+00:00")
    assert ledger.requeue("a") == 1
    ledger.delivered("a", "hook", "r1", "https://x/a", "sha256:c", "sha256:b")
    row = ledger.get("a", "hook")
    assert row is not None
    assert (row.state, row.remote_id, row.content_hash, row.attempts, row.idempotency_key) == (
        "delivered",
        "r1",
        "sha256:c",
        0,
        "k1",
    )
    assert row.version == 5 and row.claimed_by is None  # every write raised it
    ledger.refused("b", "hook", "no derivatives")
    ledger.unknown("c", "hook")
    ledger.removed("a", "hook")
    assert [(d.article, d.state) for d in ledger.all()] == [("a", "retracted"), ("b", "refused"), ("c", "unknown")]
    assert ledger.forget_unknown("hook") == 1
    assert ledger.delivered_bodies() == {}
    ledger.delivered("b", "hook", "r2", "u", None, "sha256:body")
    assert ledger.delivered_bodies() == {"b": {"hook": "sha256:body"}}


def test_what_run_remembers(ledger: Ledger) -> None:
    ledger.set_state({"a": "1", "b": "2"})
    ledger.set_state({"a": "3"})
    assert (ledger.get_state("a"), ledger.get_state("b"), ledger.get_state("c")) == ("3", "2", None)
    big = 1_700_000_000_123_456_789  # a file's mtime in nanoseconds: past 32 bits
    rows = [
        ("/c/one.md", big, 10, "s1", b"\x28\xb5\x2f\xfd parsed", b"copy", b"{}"),
        ("/c/two.md", 1, 2, "s2", b"p", None, None),
    ]
    ledger.update_files(rows, {"/c/one.md", "/c/two.md"})
    ledger.update_files([("/c/one.md", big + 1, 11, "s3", b"again", None, None)], {"/c/one.md"})
    assert ledger.cached_files() == {"/c/one.md": (big + 1, 11, "s3", b"again", None)}
    ledger.pushed("hook", "2030-01-01T00:00:00+00:00")
    ledger.pushed("hook", "2030-01-02T00:00:00+00:00")
    assert ledger.last_pushes() == {"hook": "2030-01-02T00:00:00+00:00"}


def test_audits_are_kept_and_the_last_one_read(ledger: Ledger) -> None:
    first = audit_store.StoredAudit("a", "hook", "https://x/a", "2030-01-01T00:00:00+00:00", 200, True, ())
    second = audit_store.StoredAudit("a", "hook", "https://x/a", "2030-01-02T00:00:00+00:00", None, False, ())
    audit_store.record(ledger, [first])
    audit_store.record(ledger, [second])
    assert audit_store.last_checked(ledger) == {("a", "hook"): first}
    assert audit_store.last_audits(ledger) == {("a", "hook"): second}


def test_a_transaction_that_fails_leaves_nothing(ledger: Ledger) -> None:
    with pytest.raises(LedgerError), ledger._transaction() as db:
        db.execute("INSERT INTO run_state VALUES (?, ?)", ("kept", "no"))
        db.execute("INSERT INTO no_such_table VALUES (?)", (1,))
    assert ledger.get_state("kept") is None


# -- claims ---------------------------------------------------------------------------


def test_a_delivery_with_no_row_is_claimed_once(ledger: Ledger) -> None:
    wanted = [Claim("a", "hook", "create", "k", None)]
    assert claim(ledger, wanted, "one", 60) == {("a", "hook"): 1}
    assert claim(ledger, wanted, "two", 60) == {}  # the row is there now: not the one planned from
    row = ledger.get("a", "hook")
    assert row is not None and (row.state, row.claimed_by, row.idempotency_key) == ("pending", "one", "k")


def test_a_claim_is_taken_only_on_the_row_as_planned(ledger: Ledger) -> None:
    ledger.delivered("a", "hook", "r", "u", "old", None)
    seen = ledger.get("a", "hook")
    assert seen is not None
    ledger.delivered("a", "hook", "r", "u", "newer", None)  # another runner, meanwhile
    assert claim(ledger, [Claim("a", "hook", "update", "k", seen.version)], "one", 60) == {}
    now = ledger.get("a", "hook")
    assert now is not None
    assert claim(ledger, [Claim("a", "hook", "update", "k", now.version)], "one", 60) == {("a", "hook"): 1}


def test_a_lease_holds_until_it_lapses_and_a_renewal_fails_once_taken_over(ledger: Ledger, clock: Clock) -> None:
    claim(ledger, [Claim("a", "hook", "create", "k", None)], "one", 60)
    row = ledger.get("a", "hook")
    assert row is not None
    later = [Claim("a", "hook", "create", "k", row.version)]
    if isinstance(ledger, PostgresLedger):  # runners share the rows: one's lease holds
        assert claim(ledger, later, "two", 60) == {}
        clock.now = "2030-01-01T00:01:00+00:00"  # one was killed: its lease lapsed
    # (on SQLite the lock file is the runner's: a claim left in the ledger is a killed run's, taken at once)
    assert claim(ledger, later, "two", 60) == {("a", "hook"): 2}
    assert not renew(ledger, "a", "hook", "one", 60)
    assert renew(ledger, "a", "hook", "two", 60)


def test_a_claim_given_back_is_free_at_once_and_an_outcome_ends_it(ledger: Ledger) -> None:
    claim(ledger, [Claim("a", "hook", "create", "k", None)], "one", 600)
    release(ledger, [("a", "hook")], "one")
    row = ledger.get("a", "hook")
    assert row is not None and row.claimed_by is None and row.state == "pending"
    assert claim(ledger, [Claim("a", "hook", "create", "k", row.version)], "two", 600) == {("a", "hook"): 2}
    ledger.delivered("a", "hook", "r", "u", "c", None)
    row = ledger.get("a", "hook")
    assert row is not None and row.claimed_by is None and row.lease_until is None


def test_an_unchecked_claim_is_the_attempt_begin_attempt_records(ledger: Ledger) -> None:
    claimer = Claimer(ledger, None, 60, 1)
    assert claimer.take([("a", "hook", "create", "k")]) == {("a", "hook"): 1}
    assert claimer.take([("a", "hook", "create", "k")]) == {("a", "hook"): 2}
    assert UNCHECKED == -1


def test_many_claimers_at_once_take_each_delivery_once(place: Place) -> None:
    """Eight threads, each with its own connection, claim the same 200 deliveries in batches of 5."""
    wanted = [(f"a{i:03}", "hook", "create", f"k{i}") for i in range(200)]
    taken: list[tuple[str, str]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(8, timeout=120)

    def work() -> None:
        try:
            with open_ledger(place) as own:
                claimer = Claimer(own, {}, 600, 5)
                start.wait()
                for first in range(0, len(wanted), 5):
                    taken.extend(claimer.take(wanted[first : first + 5]))
        except BaseException as e:  # (reported below)
            failures.append(e)
            start.abort()  # (the others stop waiting for this one: the test fails, it does not hang)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(taken) == sorted((a, e) for a, e, _, _ in wanted)


# -- PostgreSQL only --------------------------------------------------------------------


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch) -> Iterator[LedgerSettings]:
    with fresh_site(monkeypatch) as settings:
        yield settings


def test_sites_in_one_database_keep_their_rows_apart(database: LedgerSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    with fresh_site(monkeypatch) as other:
        other = LedgerSettings(database.url, other.site)
        with PostgresLedger(database) as one, PostgresLedger(other) as two:
            one.delivered("a", "hook", "r", "u", "c", None)
            two.set_state({"k": "two's"})
            assert [d.article for d in one.all()] == ["a"] and two.all() == []
            assert one.get_state("k") is None and two.get_state("k") == "two's"


def test_one_runner_holds_the_sites_lock_until_it_ends(
    database: LedgerSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with shared(database) as (_, first), shared(database) as (_, second):
        assert (first, second) == (True, False)
        with fresh_site(monkeypatch) as other, shared(other) as (_, elsewhere):
            assert elsewhere  # another site's lock is its own
        with pytest.raises(LockedError, match="holds the site's lock"), open_ledger(database):
            from syndicate.delivery.ledger_open import exclusive

            with exclusive(database):
                pass
    with shared(database) as (_, again):
        assert again


def test_a_database_that_cannot_be_reached_is_one_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    env = server()
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    with pytest.raises(LedgerError) as refused:
        PostgresLedger(LedgerSettings(env["PG_TEST_URL"], "x"))
    assert "cannot open the ledger" in refused.value.message and "(site x)" in refused.value.message
    assert "not-the-password" not in refused.value.message + refused.value.hint
    assert "PGPASSWORD" in refused.value.hint
    unset = LedgerSettings(env["PG_TEST_URL"], "x", password_env="SYNDICATE_TEST_NO_SUCH_VARIABLE")
    with pytest.raises(LedgerError, match="SYNDICATE_TEST_NO_SUCH_VARIABLE"):
        PostgresLedger(unset, environ={})


def test_an_outcome_is_written_only_under_the_claim_it_was_sent_under(ledger: Ledger) -> None:
    one = Claimer(ledger, {}, 600, 4)
    assert one.take([("a", "hook", "create", "k"), ("b", "hook", "create", "k2")]) == {
        ("a", "hook"): 1,
        ("b", "hook"): 1,
    }
    assert ledger.delivered("b", "hook", "rb", "u", "c", None, one.held("b", "hook"))  # still one's: written
    lapse(ledger, "a", "hook")  # one's send is slow: its lease lapses, and two takes the delivery over
    row = ledger.get("a", "hook")
    assert row is not None
    two = Claimer(ledger, {("a", "hook"): row.version}, 600, 4)
    assert two.take([("a", "hook", "create", "k")]) == {("a", "hook"): 2}
    assert ledger.delivered("a", "hook", "r2", "u2", "c2", None, two.held("a", "hook"))
    newer = ledger.get("a", "hook")
    # one's send ends: whatever it says, nothing is written over two's row
    assert not ledger.delivered("a", "hook", "r1", "u1", "c1", None, one.held("a", "hook"))
    assert not ledger.failed("a", "hook", "timed out", None, one.held("a", "hook"))
    assert not ledger.removed("a", "hook", one.held("a", "hook"))
    assert ledger.get("a", "hook") == newer and newer is not None and newer.remote_id == "r2"
    # and an outcome under a claim another runner took and gave back is not written either
    lapse(ledger, "b", "hook")
    assert not ledger.failed("b", "hook", "late", None, one.held("b", "hook"))  # (b's outcome cleared the claim)


def test_a_database_that_does_not_answer_fails_the_run_not_the_configuration(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL down is a failure of this run (exit 1, which cron mails), not a config mistake (2)."""
    with socket.socket() as probe:  # a port on this machine where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://syndicate@127.0.0.1:{port}/syndicate"
    with pytest.raises(LedgerUnavailable) as down:
        PostgresLedger(LedgerSettings(url, "x"))
    assert down.value.exit_status == ExitStatus.FAILURE
    assert "did not answer" in down.value.message and "PostgreSQL is running" in down.value.hint
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + f'\n[ledger]\nurl = "{url}"\n')
    monkeypatch.setenv("PGPASSWORD", "unused")
    result = run_cli("--config", str(config), "run")
    assert result.status == 1, result.err
    assert "the database did not answer" in result.err and "Traceback" not in result.err
