"""push takes the plan as a stream: deliveries start while later copies are still being rendered.

These tests hold the planner back until a delivery has happened (with a
generous timeout, so that a push that rendered everything first fails rather
than hangs); none of them measures time.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.delivery.endpoints.base import Remote
from syndicate.delivery.endpoints.directory import DirectoryEndpoint
from syndicate.delivery.ledger_open import open_ledger
from syndicate.delivery.plan import PlannedAction, iter_plan
from syndicate.delivery.push import push
from syndicate.render.copies import Copy, make_copy

READY = sorted(
    [
        "alder-valley-water-board-approves-tiered-rates",
        "eastbrook-council-election-turnout-by-ward",
        "harbour-library-digitises-shipping-registers",
    ]
)


@pytest.fixture
def site(engine_site: Path) -> Path:
    """Each test on both engines: SQLite, then PostgreSQL (tests/pg.py)."""
    return engine_site


#: long enough never to be reached when push streams; a push that does not stream fails after it
PATIENCE = 20.0


class Deliveries:
    """Counts copies the archive endpoint wrote, and lets a test wait for the first."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.slugs: list[str] = []
        self.first = threading.Event()
        create = DirectoryEndpoint.create

        def counting(endpoint: DirectoryEndpoint, copy: Copy, key: str) -> Remote:
            remote = create(endpoint, copy, key)
            self.slugs.append(copy.slug)
            self.first.set()
            return remote

        monkeypatch.setattr(DirectoryEndpoint, "create", counting)


def test_the_first_copy_is_delivered_before_the_last_is_rendered(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliveries = Deliveries(monkeypatch)
    rendered: list[str] = []
    delivered_before_last: list[list[str]] = []

    def slow_make_copy(*args: Any) -> Copy:
        if len(rendered) == len(READY) - 1:  # the last copy waits until one has been delivered
            deliveries.first.wait(PATIENCE)
            delivered_before_last.append(list(deliveries.slugs))
        copy = make_copy(*args)
        rendered.append(copy.slug)
        return copy

    monkeypatch.setattr("syndicate.delivery.plan.make_copy", slow_make_copy)
    result = run_cli("--config", str(site / "syndicate.toml"), "push")
    assert result.status == 0, result.err
    assert rendered == READY
    assert delivered_before_last and delivered_before_last[0], "every copy was rendered before the first was sent"
    assert sorted(deliveries.slugs) == READY
    assert sorted(line.split()[1] for line in result.out.splitlines()) == READY  # output as before: every copy


def test_progress_counts_what_is_planned_so_far_and_ends_complete(site: Path) -> None:
    config = load_config(site / "syndicate.toml")
    calls: list[tuple[int, int]] = []
    lock = threading.Lock()

    def progress(done: int, total: int) -> None:
        with lock:
            calls.append((done, total))

    with open_ledger(config.ledger_at) as ledger:
        plan = iter_plan(load_site(config), config, ledger.all(), dt.datetime.now(dt.UTC))
        result = push(plan, config, ledger, os.environ, progress=progress)
    assert len(result.outcomes) == len(READY) and not result.failures
    assert sorted(done for done, _ in calls) == [1, 2, 3]
    assert all(done <= total <= len(READY) for done, total in calls)
    assert max(calls) == (3, 3)


def test_outcomes_keep_the_order_of_the_plan(site: Path) -> None:
    config = load_config(site / "syndicate.toml")
    with open_ledger(config.ledger_at) as ledger:
        plan = list(iter_plan(load_site(config), config, ledger.all(), dt.datetime.now(dt.UTC)))
        sending = [a for a in plan if a.sends]
        result = push(iter(sending), config, ledger, os.environ)
    assert [o.action for o in result.outcomes] == sending


def test_a_planner_that_fails_stops_the_push_and_leaves_no_thread(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deliveries = Deliveries(monkeypatch)
    config = load_config(site / "syndicate.toml")

    def failing(actions: list[PlannedAction]) -> Iterator[PlannedAction]:
        yield actions[0]
        deliveries.first.wait(PATIENCE)
        raise RuntimeError("planner broke")

    with open_ledger(config.ledger_at) as ledger:
        plan = [a for a in iter_plan(load_site(config), config, ledger.all(), dt.datetime.now(dt.UTC)) if a.sends]
        with pytest.raises(RuntimeError, match="planner broke"):
            push(failing(plan), config, ledger, os.environ)
        assert not [t for t in threading.enumerate() if t.name.startswith("push-")]
        rows = {d.article: d.state for d in ledger.all()}
    assert deliveries.slugs == [plan[0].article]
    assert rows == {plan[0].article: "delivered"}  # what was sent is recorded; nothing else was tried


def test_planning_stays_only_a_few_rounds_ahead_of_the_senders(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Planning holds the GIL, so push plans only AHEAD rounds ahead of what the endpoint has taken."""
    from syndicate.delivery.push import AHEAD

    config_file = site / "syndicate.toml"
    text = config_file.read_text()
    config_file.write_text(text.replace('path = "out/archive"', 'path = "out/archive"\nconcurrency = 1'))
    config = load_config(config_file)
    done: list[str] = []
    create = DirectoryEndpoint.create

    def slow_create(endpoint: DirectoryEndpoint, copy: Copy, key: str) -> Remote:
        time.sleep(0.005)  # slower than planning, as a server is: without pacing, planning would run far ahead
        remote = create(endpoint, copy, key)
        done.append(copy.slug)
        return remote

    monkeypatch.setattr(DirectoryEndpoint, "create", slow_create)
    ahead: list[int] = []

    def many(actions: list[PlannedAction]) -> Iterator[PlannedAction]:
        for number in range(30):
            ahead.append(number - len(done))
            yield replace(actions[number % len(actions)], article=f"copy-{number}")

    with open_ledger(config.ledger_at) as ledger:
        plan = [a for a in iter_plan(load_site(config), config, [], dt.datetime.now(dt.UTC)) if a.sends]
        result = push(many(plan), config, ledger, os.environ)
    assert len(result.outcomes) == 30 and not result.failures
    # queued (at most AHEAD rounds of one) + the one being sent + the one being planned
    assert max(ahead) <= AHEAD + 2, ahead
