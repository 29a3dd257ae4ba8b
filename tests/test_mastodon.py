"""The mastodon endpoint, through the CLI, against the Mastodon API server of tests/mastodon_server.py
(written from Mastodon's documentation: no real Mastodon runs here; README: "Mastodon")."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.delivery.ledger import Ledger
from tests.conftest import DEMO
from tests.mastodon_server import Mastodon, mastodon_server

ALDER = "alder-valley-water-board-approves-tiered-rates"
HARBOUR = "harbour-library-digitises-shipping-registers"
ALDER_LINK = "https://riverside-ledger.example.org/2026/09/alder-valley-water-board-approves-tiered-rates/"


@pytest.fixture
def mastodon() -> Iterator[Mastodon]:
    with mastodon_server() as server:
        yield server


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mastodon: Mastodon) -> Path:
    """The demo with a mastodon endpoint (channel social by default)."""
    root = shutil.copytree(DEMO, tmp_path / "site", ignore=shutil.ignore_patterns(".syndicate", "out", "feeds"))
    config = root / "syndicate.toml"
    config.write_text(
        config.read_text() + '\n[[endpoints]]\nname = "toots"\ntype = "mastodon"\n'
        f'url = "{mastodon.url}"\naccess_token_env = "TEST_MASTODON_TOKEN"\nhashtags = true\nlanguage = "en"\n'
    )
    monkeypatch.setenv("TEST_MASTODON_TOKEN", mastodon.token)
    return config


def crash_after_sending(monkeypatch: pytest.MonkeyPatch, push: Callable[[], Any]) -> None:
    """Push, the process dying after the endpoint answered and before the ledger recorded it."""

    def crash(*args: object) -> None:
        raise RuntimeError("the process died before the ledger write")

    with monkeypatch.context() as patch:
        patch.setattr(Ledger, "delivered", crash)
        with pytest.raises(RuntimeError):
            push()


def push(run_cli: Any, config: Path) -> Any:
    return run_cli("--config", str(config), "push", "--endpoint", "toots")


def test_create_edit_retract(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    first = push(run_cli, site)
    assert first.status == 0, first.err
    assert first.out.startswith(f"created {ALDER}")
    # only the CC BY-ND article: the others' licences refuse the social channel
    (status,) = mastodon.live()
    assert status["text"] == (
        "Alder Valley Water Board Approves Tiered Rates to Pay for Pipe Replacement\n\n"
        "via The Riverside Ledger, © 2026 The Riverside Ledger · CC BY-ND 4.0\n"
        f"{ALDER_LINK}\n\n"
        "#Water #Utilities #LocalGovernment #Infrastructure"
    )
    assert status["language"] == "en" and status["visibility"] == "public"
    posts = [entry for entry in mastodon.log if entry[0] == "POST"]
    assert push(run_cli, site).out == ""  # unchanged: nothing sent
    assert [entry for entry in mastodon.log if entry[0] == "POST"] == posts

    article = site.parent / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace('title: "', 'title: "Revised: ', 1))
    assert push(run_cli, site).out.startswith(f"updated {ALDER}")
    (edited,) = mastodon.live()
    assert edited["id"] == status["id"] and edited["edited_at"] is not None
    assert edited["text"].startswith("Revised: Alder Valley")

    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    assert push(run_cli, site).status == 0
    assert mastodon.live() == []
    assert ("DELETE", f"/api/v1/statuses/{status['id']}", 200) in mastodon.log


def test_a_licence_that_refuses_social_keeps_the_post_out(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    plan = run_cli("--config", str(site), "plan", "--endpoint", "toots")
    assert f"{HARBOUR}" in plan.out and "does not allow social" in plan.out
    push(run_cli, site)
    assert not any("Harbour" in s["text"] for s in mastodon.live())


def test_a_crash_after_the_post_makes_no_second_status(
    run_cli: Any, site: Path, mastodon: Mastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_after_sending(monkeypatch, lambda: push(run_cli, site))
    assert len(mastodon.live()) == 1
    with Ledger(load_config(site).paths.state) as ledger:
        row = ledger.get(ALDER, "toots")
        assert row is not None and row.state == "pending"
    again = push(run_cli, site)
    assert again.status == 0, again.err
    assert again.out.startswith(f"created {ALDER}")
    assert len(mastodon.live()) == 1  # the Idempotency-Key, resent, gave back the first status
    assert len(mastodon.statuses) == 1


def test_server_down_fails_for_a_later_run(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    config = site.read_text()
    site.write_text(config.replace(mastodon.url, "http://127.0.0.1:9"))
    down = push(run_cli, site)
    assert down.status == 1
    assert "endpoint 'toots'" in down.err and "127.0.0.1:9" in down.err
    with Ledger(load_config(site).paths.state) as ledger:
        row = ledger.get(ALDER, "toots")
        assert row is not None and row.state == "failed" and row.next_attempt_at
    site.write_text(config)
    assert push(run_cli, site).status == 0
    assert len(mastodon.live()) == 1


def test_bad_credentials_say_which_variable_and_never_the_token(
    run_cli: Any, site: Path, mastodon: Mastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_MASTODON_TOKEN", "wrong-token-value-123456")
    result = push(run_cli, site)
    assert result.status == 1
    assert "answered HTTP 401: The access token is invalid" in result.err
    assert "check TEST_MASTODON_TOKEN" in result.err
    assert "wrong-token-value-123456" not in result.err + result.out
    monkeypatch.delenv("TEST_MASTODON_TOKEN")
    missing = push(run_cli, site)
    assert missing.status == 2 and "the environment variable TEST_MASTODON_TOKEN is not set" in missing.err


def test_a_long_post_is_cut_to_the_instance_limit_never_its_attribution_or_link(
    run_cli: Any, site: Path, mastodon: Mastodon
) -> None:
    mastodon.max_characters = 150
    assert push(run_cli, site).status == 0
    (status,) = mastodon.live()
    assert status["text"].startswith("Alder Valley Water Board Approves Tiered Rates to Pay…\n\n")
    assert status["text"].endswith(
        "via The Riverside Ledger, © 2026 The Riverside Ledger · CC BY-ND 4.0\n" + ALDER_LINK
    )


def test_a_post_that_cannot_fit_is_refused_with_a_clear_line(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    mastodon.max_characters = 80
    result = push(run_cli, site)
    assert result.status == 1
    assert "the status cannot fit its limit (80 characters): the attribution and the link alone take" in result.err
    assert mastodon.statuses == {}


def test_the_instances_422_is_said(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    mastodon.enforced = 100  # an instance that enforces less than it announces
    result = push(run_cli, site)
    assert result.status == 1
    assert "answered HTTP 422: Validation failed: Text character limit of 100 exceeded" in result.err


def test_rate_limits_are_waited_for_not_hammered(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    mastodon.rate_limit, mastodon.window = 1, 1.0  # the instance GET uses the window up
    assert push(run_cli, site).status == 0
    assert len(mastodon.live()) == 1
    assert not any(status == 429 for _, _, status in mastodon.log)


def test_a_429_is_waited_out_until_the_reset(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    mastodon.window = 1.0
    mastodon.faults = [(200, {"configuration": {"statuses": {"max_characters": 500}}}), (429, {"error": "Too many"})]
    result = push(run_cli, site)
    assert result.status == 0, result.err
    assert [status for method, _, status in mastodon.log if method == "POST"] == [429, 200]
    assert len(mastodon.live()) == 1


def test_draft_again_deletes_and_ready_again_posts_anew(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    push(run_cli, site)
    (first,) = mastodon.live()
    article = site.parent / "content" / f"{ALDER}.md"
    article.write_text(article.read_text().replace("status: ready", "status: draft"))
    assert push(run_cli, site).status == 0
    assert mastodon.live() == []
    article.write_text(article.read_text().replace("status: draft", "status: ready"))
    assert push(run_cli, site).status == 0
    (second,) = mastodon.live()
    assert second["id"] != first["id"]


def test_the_content_warning_counts_within_the_limit(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    site.write_text(site.read_text() + 'spoiler_text = "Local news: water rates"\nvisibility = "unlisted"\n')
    mastodon.max_characters = 170
    result = push(run_cli, site)
    assert result.status == 0, result.err
    (status,) = mastodon.live()
    assert status["spoiler_text"] == "Local news: water rates" and status["visibility"] == "unlisted"
    # cut by the warning's length too (the server counts both, and would have answered 422)
    assert status["text"].startswith("Alder Valley Water Board Approves Tiered Rates to…\n\n")


def test_a_window_that_resets_late_is_left_to_a_later_run(run_cli: Any, site: Path, mastodon: Mastodon) -> None:
    mastodon.rate_limit, mastodon.window = 1, 600.0  # the instance GET uses up a window of ten minutes
    result = push(run_cli, site)
    assert result.status == 1
    assert "rate limit reached; the server resets it in" in result.err
    assert [method for method, _, _ in mastodon.log] == ["GET"]  # nothing more was sent
    with Ledger(load_config(site).paths.state) as ledger:
        row = ledger.get(ALDER, "toots")
        assert row is not None and row.state == "failed" and row.next_attempt_at


def test_a_crash_recovered_after_mastodons_hour_finds_the_status(
    run_cli: Any, site: Path, mastodon: Mastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_after_sending(monkeypatch, lambda: push(run_cli, site))
    (first,) = mastodon.live()
    mastodon.clock = lambda: time.time() + 7200  # the Idempotency-Key is forgotten
    again = push(run_cli, site)
    assert again.status == 0, again.err
    assert mastodon.live() == [first] and len(mastodon.statuses) == 1
    assert ("GET", "/api/v1/accounts/109000000000000001/statuses", 200) in mastodon.log


def test_a_recovery_never_takes_over_a_status_another_application_posted(
    run_cli: Any, site: Path, mastodon: Mastodon
) -> None:
    mastodon.app_name = "the newsroom's own client"
    mastodon.answer(
        "POST",
        "/api/v1/statuses",
        {},
        {"authorization": f"Bearer {mastodon.token}"},
        json.dumps({"status": f"Read this: {ALDER_LINK}"}).encode(),
    )
    mastodon.app_name = "syndicate-tests"
    with Ledger(load_config(site).paths.state) as ledger:  # as if a try had died before its answer
        ledger.begin_attempt(ALDER, "toots", "create", "k" * 32)
    assert push(run_cli, site).status == 0
    own, ours = sorted(mastodon.live(), key=lambda s: int(s["id"]))
    assert own["text"] == f"Read this: {ALDER_LINK}" and own["edited_at"] is None
    assert ours["text"].startswith("Alder Valley")
