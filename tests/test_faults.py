"""Pushing to servers that misbehave: a fault-injecting loopback server, webhook- and WordPress-shaped.

Every scenario pushes through the CLI (`retries = 2`, a fast backoff) and then
checks the ledger (delivered; failed with a next-attempt time; or failed with
the server's message and no retry) and that no copy was made twice: a webhook
receiver sees one Idempotency-Key per article, a WordPress site one post per
slug, whatever was lost on the way.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import Endpoint, load_config
from syndicate.delivery.endpoints.base import Remote
from syndicate.delivery.endpoints.webhook import WebhookEndpoint
from syndicate.delivery.ledger import Delivery, Ledger
from syndicate.errors import DeliveryError
from tests.faultserver import Fault, FaultServer, fault_server

ALDER = "alder-valley-water-board-approves-tiered-rates"
HARBOUR = "harbour-library-digitises-shipping-registers"
RETRY_DELAY = 300  # publish.RETRY_DELAY, seconds
WP_USER, WP_PASSWORD = "editor", "wp-app-password-Zq81 xK2m"


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff in milliseconds; a half-second timeout unless the endpoint sets one."""
    monkeypatch.setattr("syndicate.delivery.push.BACKOFF_BASE", 0.01)
    monkeypatch.setattr("syndicate.delivery.push.BACKOFF_CAP", 0.05)
    monkeypatch.setattr("syndicate.delivery.endpoints.http.TIMEOUT", (0.5, 0.5))
    monkeypatch.setenv("TEST_WP_USER", WP_USER)
    monkeypatch.setenv("TEST_WP_PASSWORD", WP_PASSWORD)


@pytest.fixture
def hook(site: Path) -> Iterator[FaultServer]:
    with fault_server("webhook") as server:
        add_endpoint(site, f'name = "hook"\ntype = "webhook"\nurl = "{server.url}"\n')
        yield server


@pytest.fixture
def wordpress(site: Path) -> Iterator[FaultServer]:
    with fault_server("wordpress", WP_USER, WP_PASSWORD) as server:
        add_endpoint(
            site,
            f'name = "hook"\ntype = "wordpress"\nurl = "{server.url}"\n'
            'username_env = "TEST_WP_USER"\npassword_env = "TEST_WP_PASSWORD"\n',
        )
        yield server


@pytest.fixture
def elsewhere() -> Iterator[FaultServer]:
    """Another host, where redirects point: it must receive nothing."""
    with fault_server("webhook", host="127.0.0.2") as server:
        yield server


def add_endpoint(site: Path, text: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text() + '\n[[endpoints]]\nchannel = "community-web"\nconcurrency = 1\nretries = 2\n' + text
    )


def push(run_cli: Any, site: Path) -> tuple[Any, dt.datetime]:
    started = dt.datetime.now(dt.UTC)
    return run_cli("--config", str(site / "syndicate.toml"), "push", "--endpoint", "hook"), started


def row(site: Path, article: str = ALDER) -> Delivery | None:
    with Ledger(load_config(site / "syndicate.toml").paths.state) as ledger:
        return ledger.get(article, "hook")


def retry_in(found: Delivery | None, started: dt.datetime) -> float:
    """Seconds from the push's start to the row's next attempt."""
    assert found is not None and found.next_attempt_at is not None, found
    return (dt.datetime.fromisoformat(found.next_attempt_at) - started).total_seconds()


def no_duplicates(server: FaultServer) -> None:
    if server.shape == "wordpress":
        for slug in (ALDER, HARBOUR):
            assert len(server.posts_with_slug(slug)) <= 1, slug
    else:
        for article in (ALDER, HARBOUR):
            keys = {r.headers["Idempotency-Key"] for r in server.received(article)}
            assert len(keys) <= 1, (article, keys)


def delivered_once(site: Path, server: FaultServer, article: str = ALDER) -> None:
    found = row(site, article)
    assert found is not None and found.state == "delivered", found
    assert found.next_attempt_at is None and found.last_error is None
    if server.shape == "wordpress":
        assert len(server.posts_with_slug(article)) == 1
    else:
        assert len({r.headers["Idempotency-Key"] for r in server.received(article)}) == 1


# --- webhook -----------------------------------------------------------------------------------------


def test_a_slow_answer_times_out_is_retried_and_not_duplicated(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault("slow", delay=2.0, apply=True, article=ALDER) for _ in range(2)]
    began = time.monotonic()
    result, started = push(run_cli, site)
    assert time.monotonic() - began < 4  # two tries of half a second, not two of two
    assert result.status == 1
    assert f"create {ALDER} -> hook failed: endpoint 'hook': POST {hook.url} timed out" in result.err
    failed = row(site)
    assert failed is not None and failed.state == "failed" and "timed out" in (failed.last_error or "")
    assert RETRY_DELAY - 5 <= retry_in(failed, started) <= RETRY_DELAY + 5
    delivered_once(site, hook, HARBOUR)
    assert push(run_cli, site)[0].status == 0
    delivered_once(site, hook)
    assert len(hook.received(ALDER)) == 3  # the receiver saw it three times, always with one key


def test_one_slow_answer_is_retried_within_the_run(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault("slow", delay=2.0, apply=True, article=ALDER)]
    assert push(run_cli, site)[0].status == 0
    delivered_once(site, hook)
    assert len(hook.received(ALDER)) == 2


def test_a_connection_reset_mid_body_is_transient(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault("reset", apply=True, article=ALDER) for _ in range(2)]
    result, started = push(run_cli, site)
    assert result.status == 1
    failed = row(site)
    assert failed is not None and failed.state == "failed"
    assert "connection" in (failed.last_error or "")
    assert RETRY_DELAY - 5 <= retry_in(failed, started) <= RETRY_DELAY + 5
    no_duplicates(hook)
    hook.faults = [Fault("reset", apply=True, article=ALDER)]
    assert push(run_cli, site)[0].status == 0  # reset once, then delivered
    delivered_once(site, hook)


def test_an_answer_dripped_a_byte_at_a_time_is_cut_off(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault("drip", delay=0.1, apply=True, article=ALDER) for _ in range(2)]
    began = time.monotonic()
    result, _ = push(run_cli, site)
    assert time.monotonic() - began < 5  # two tries of one second each, not 2 x 110 seconds
    assert result.status == 1
    failed = row(site)
    assert failed is not None and failed.state == "failed" and failed.next_attempt_at is not None
    assert "did not arrive within 1 seconds" in (failed.last_error or "")


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        ("120", 120),
        ("http-date", 3600),
        ("99999999999999999999", 24 * 3600),  # honoured up to a day
        ("²", RETRY_DELAY),  # not a number: the usual delay
        ("Fri, 31 Dec 9999 23:59:59 GMT", 24 * 3600),
        ("yesterday", RETRY_DELAY),
    ],
)
def test_429_schedules_the_next_attempt_by_retry_after(
    run_cli: Any, site: Path, hook: FaultServer, retry_after: str, expected: int
) -> None:
    if retry_after == "http-date":
        retry_after = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), usegmt=True)
    body = b'{"message": "slow down, quota of 10 per minute"}'
    hook.faults = [Fault(status=429, headers={"Retry-After": retry_after}, body=body, article=ALDER) for _ in "12"]
    result, started = push(run_cli, site)
    assert result.status == 1
    failed = row(site)
    assert failed is not None and failed.state == "failed"
    assert "HTTP 429: slow down, quota of 10 per minute" in (failed.last_error or "")
    assert expected - 5 <= retry_in(failed, started) <= expected + 5
    assert 1 <= len(hook.received(ALDER)) <= 2  # tried again within the run only if the wait is short
    no_duplicates(hook)


def test_a_burst_of_500s_then_success(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault(status=500, article=ALDER) for _ in range(3)]
    result, started = push(run_cli, site)
    assert result.status == 1 and "HTTP 500: injected failure" in result.err
    assert RETRY_DELAY - 5 <= retry_in(row(site), started) <= RETRY_DELAY + 5
    assert push(run_cli, site)[0].status == 0  # one more 500, then through
    delivered_once(site, hook)
    assert [r.article for r in hook.requests].count(ALDER) == 4


def test_a_non_json_error_page_becomes_a_short_printable_message(run_cli: Any, site: Path, hook: FaultServer) -> None:
    page = b"<html><body>\x1b[31m<h1>503 Service Unavailable</h1>" + b"x" * 10_000 + b"</body></html>"
    hook.faults = [Fault(status=503, body=page, article=ALDER) for _ in range(2)]
    result, _ = push(run_cli, site)
    failed = row(site)
    assert failed is not None and failed.last_error is not None
    assert "503 Service Unavailable" in failed.last_error and "\x1b" not in failed.last_error
    assert len(failed.last_error) < 500
    assert "\x1b" not in result.err


def test_413_fails_at_once_with_the_servers_message(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault(status=413, body=b'{"message": "body over 64 KB"}', article=ALDER)]
    result, _ = push(run_cli, site)
    assert result.status == 1
    failed = row(site)
    assert failed is not None and failed.state == "failed" and failed.next_attempt_at is None
    assert "HTTP 413: the copy is too large for the server: body over 64 KB" in (failed.last_error or "")
    assert len(hook.received(ALDER)) == 1  # not retried
    delivered_once(site, hook, HARBOUR)


def test_401_stops_the_endpoint_for_the_run(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault(status=401, body=b'{"message": "bad signature"}', article=ALDER)]
    result, _ = push(run_cli, site)
    assert result.status == 1
    failed = row(site)
    assert failed is not None and failed.state == "failed" and failed.next_attempt_at is None
    assert "HTTP 401: bad signature" in (failed.last_error or "")
    assert hook.received(HARBOUR) == []  # not tried after the credentials failed
    assert f"create {HARBOUR} -> hook failed: not tried: endpoint 'hook'" in result.err
    assert push(run_cli, site)[0].status == 0
    delivered_once(site, hook)
    delivered_once(site, hook, HARBOUR)


def test_a_2xx_answer_that_is_not_json_is_a_delivery(run_cli: Any, site: Path, hook: FaultServer) -> None:
    hook.faults = [Fault(status=200, body=b"<html>OK</html>", apply=True, article=ALDER)]
    assert push(run_cli, site)[0].status == 0
    found = row(site)
    assert found is not None and found.state == "delivered" and found.remote_url == hook.url


def test_a_redirect_to_another_host_is_not_followed(
    run_cli: Any, site: Path, hook: FaultServer, elsewhere: FaultServer
) -> None:
    target = elsewhere.url + "collect?from=hook"
    hook.faults = [Fault("redirect", status=307, location=target, article=ALDER)]
    result, _ = push(run_cli, site)
    assert result.status == 1
    failed = row(site)
    assert failed is not None and failed.state == "failed" and failed.next_attempt_at is None
    assert f"HTTP 307: redirected to {target}" in (failed.last_error or "")
    assert elsewhere.requests == []  # neither the copy nor its signature went there


def test_a_hostile_receivers_answer_is_stored_and_printed_harmlessly(
    run_cli: Any, site: Path, hook: FaultServer
) -> None:
    hook.answer = json.dumps({"id": "\x1b[2J" * 100, "url": "\x1b]8;;https://evil.example\x07" + "x" * 5000}).encode()
    result, _ = push(run_cli, site)
    assert result.status == 0
    assert "\x1b" not in result.out and "\x07" not in result.out
    found = row(site)
    assert found is not None and found.state == "delivered"
    assert found.remote_url is not None and len(found.remote_url) <= 2000 and found.remote_url.isprintable()
    assert found.remote_id is not None and len(found.remote_id) <= 200 and found.remote_id.isprintable()


@pytest.mark.parametrize("answer", [b"[" * 100_000, b'{"id": ' * 50_000, b"\xff\xfe garbage", b""])
def test_a_malformed_answer_is_never_a_crash(run_cli: Any, site: Path, hook: FaultServer, answer: bytes) -> None:
    hook.answer = answer
    assert push(run_cli, site)[0].status == 0
    delivered_once(site, hook)


def test_an_answer_past_the_size_limit_is_not_read(
    run_cli: Any, site: Path, hook: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("syndicate.delivery.endpoints.http.MAX_RESPONSE_BYTES", 100_000)
    hook.faults = [Fault(status=200, body=b" " * 200_000, apply=True, article=ALDER)]
    result, _ = push(run_cli, site)
    assert result.status == 1
    assert "the answer is larger than 100,000 bytes" in result.err


def test_the_timeout_setting_is_the_endpoints(site: Path) -> None:
    with fault_server("webhook") as server:
        server.faults = [Fault("slow", delay=1.0, apply=True)]
        endpoint = WebhookEndpoint(
            Endpoint("hook", "webhook", "community-web", timeout=0.2, settings={"url": server.url}), Path(), {}
        )
        began = time.monotonic()
        with pytest.raises(DeliveryError) as failed:
            endpoint.delete(endpoint_remote(), ALDER, "k" * 32)
        assert failed.value.transient and "timed out" in failed.value.message
        assert time.monotonic() - began < 0.9
        patient = WebhookEndpoint(
            Endpoint("hook", "webhook", "community-web", timeout=3, settings={"url": server.url}), Path(), {}
        )
        server.faults = [Fault("slow", delay=1.0, apply=True)]
        patient.delete(endpoint_remote(), ALDER, "k" * 32)


def endpoint_remote() -> Remote:
    return Remote(ALDER, "")


def test_timeout_in_syndicate_toml(run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("syndicate.delivery.endpoints.http.TIMEOUT", (5.0, 30.0))
    with fault_server("webhook") as server:
        add_endpoint(site, f'name = "hook"\ntype = "webhook"\nurl = "{server.url}"\ntimeout = 0.3\n')
        server.faults = [Fault("slow", delay=2.0, apply=True, article=ALDER) for _ in range(2)]
        began = time.monotonic()
        result, _ = push(run_cli, site)
        assert time.monotonic() - began < 3
        assert result.status == 1 and "timed out" in result.err


# --- WordPress -----------------------------------------------------------------------------------------

POSTS = "/wp/v2/posts"


@pytest.mark.parametrize(
    "fault",
    [
        Fault("slow", delay=2.0, apply=True, method="POST", path=POSTS, article=ALDER),
        Fault("reset", apply=True, method="POST", path=POSTS, article=ALDER),
        Fault(status=200, body=b"<html>Created</html>", apply=True, method="POST", path=POSTS, article=ALDER),
        Fault(status=502, body=b"Bad Gateway", apply=True, method="POST", path=POSTS, article=ALDER),
        Fault(status=201, body=b'{"id": "abc"}', method="POST", path=POSTS, article=ALDER),
    ],
    ids=["slow", "reset", "html", "502-after-creating", "non-numeric-id"],
)
def test_a_create_that_may_have_happened_is_looked_up_not_repeated(
    run_cli: Any, site: Path, wordpress: FaultServer, fault: Fault
) -> None:
    wordpress.faults = [fault]
    result, _ = push(run_cli, site)
    assert result.status == 0, result.err
    delivered_once(site, wordpress)
    delivered_once(site, wordpress, HARBOUR)
    found = row(site)
    assert found is not None and found.remote_id == str(wordpress.posts_with_slug(ALDER)[0].id)


def test_a_create_lost_twice_is_recovered_by_the_next_push(run_cli: Any, site: Path, wordpress: FaultServer) -> None:
    wordpress.faults = [Fault("slow", delay=2.0, apply=True, method="POST", path=POSTS, article=ALDER)]
    wordpress.faults.append(Fault("slow", delay=2.0, apply=True, method="POST", article=ALDER))  # the update too
    result, started = push(run_cli, site)
    assert result.status == 1
    assert RETRY_DELAY - 5 <= retry_in(row(site), started) <= RETRY_DELAY + 5
    assert push(run_cli, site)[0].status == 0
    delivered_once(site, wordpress)


def test_wordpress_429_with_an_http_date(run_cli: Any, site: Path, wordpress: FaultServer) -> None:
    when = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30), usegmt=True)
    wordpress.faults = [
        Fault(status=429, headers={"Retry-After": when}, method="POST", path=POSTS, article=ALDER) for _ in "12"
    ]
    result, started = push(run_cli, site)
    assert result.status == 1
    assert 1795 <= retry_in(row(site), started) <= 1805
    no_duplicates(wordpress)
    assert wordpress.posts_with_slug(ALDER) == []


def test_wordpress_413_and_the_servers_message(run_cli: Any, site: Path, wordpress: FaultServer) -> None:
    body = b'{"code": "rest_too_large", "message": "Content exceeds 1 MB."}'
    wordpress.faults = [Fault(status=413, body=body, method="POST", path=POSTS, article=ALDER)]
    push(run_cli, site)
    failed = row(site)
    assert failed is not None and failed.state == "failed" and failed.next_attempt_at is None
    assert "Content exceeds 1 MB." in (failed.last_error or "")


def test_wordpress_401_never_shows_the_password(run_cli: Any, site: Path, wordpress: FaultServer) -> None:
    import base64

    basic = base64.b64encode(f"{WP_USER}:{WP_PASSWORD}".encode()).decode()
    echo = json.dumps({"message": f"Basic {basic} rejected; password {WP_PASSWORD!r} is wrong"}).encode()
    wordpress.faults = [Fault(status=401, body=echo, method="POST", path=POSTS)]
    result, _ = push(run_cli, site)
    assert result.status == 1
    failed = row(site)
    assert failed is not None and failed.state == "failed" and failed.next_attempt_at is None
    assert "check TEST_WP_USER and TEST_WP_PASSWORD" in result.err
    for text in (result.out, result.err, failed.last_error or ""):
        assert WP_PASSWORD not in text and basic not in text
    assert "***" in (failed.last_error or "")
    assert wordpress.received(HARBOUR, "POST") == []


def test_wordpress_redirects_leak_nothing(
    run_cli: Any, site: Path, wordpress: FaultServer, elsewhere: FaultServer
) -> None:
    wordpress.faults = [Fault("redirect", status=301, location=elsewhere.url + "wp-json/") for _ in range(20)]
    result, _ = push(run_cli, site)
    assert result.status == 1
    assert "redirected to " + elsewhere.url in result.err
    assert elsewhere.requests == []  # no copy, no Authorization header
    assert wordpress.posts == {}


def test_wordpress_answers_of_the_wrong_shape_are_errors_not_crashes(
    run_cli: Any, site: Path, wordpress: FaultServer
) -> None:
    wordpress.faults = [
        Fault(status=200, body=b'[{"name": "Water"}, "x", 3]', method="GET", path="/wp/v2/tags"),
        Fault(status=201, body=b"{}", method="POST", path="/wp/v2/tags"),
    ]
    result, _ = push(run_cli, site)
    assert result.status == 1
    assert "WordPress answered without a tag id" in result.err
    assert push(run_cli, site)[0].status == 0
    delivered_once(site, wordpress)


def test_a_tag_created_meanwhile_is_found_after_term_exists(run_cli: Any, site: Path, wordpress: FaultServer) -> None:
    wordpress.terms["tags"][7] = "Water"
    wordpress.faults = [Fault(status=200, body=b"[]", method="GET", path="/wp/v2/tags")]  # the search misses it
    assert push(run_cli, site)[0].status == 0
    post = wordpress.posts_with_slug(ALDER)[0]
    assert 7 in post.tags
    assert sorted(wordpress.terms["tags"].values()).count("Water") == 1


def test_wordpress_gets_titles_as_escaped_text(run_cli: Any, site: Path, wordpress: FaultServer) -> None:
    article = site / "content" / f"{ALDER}.md"
    title = "Rates <b>up</b> & <script>alert(1)</script>"
    text = article.read_text()
    start = text.index("title: ")
    article.write_text(text[:start] + f"title: {json.dumps(title)}" + text[text.index("\n", start) :])
    assert push(run_cli, site)[0].status == 0
    post = wordpress.posts_with_slug(ALDER)[0]
    assert post.title == html.escape(title, quote=False)
    assert "<script" not in post.content.lower().replace('<script type="application/ld+json">', "")
