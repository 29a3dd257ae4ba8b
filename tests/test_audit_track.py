"""`syndicate track`: addresses registered by hand, audited like delivered copies, robots.txt respected."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from syndicate.config import load_config
from syndicate.delivery import audit_store
from syndicate.delivery.audit_tracked import tracked
from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_open import open_ledger
from tests.page_server import PageServer
from tests.test_audit import ARTICLE, SLUG, audit, audit_site, copy_html, engine_audit_site, page, server

__all__ = ["audit_site", "engine_audit_site", "server"]  # (the fixtures)


def track(run_cli: Any, root: Path, *args: str) -> Any:
    return run_cli("--config", str(root / "syndicate.toml"), "track", *args)


def test_a_tracked_copy_is_audited(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    stripped = re.sub(r'<footer class="syndicate-attribution">.*?</footer>', "", copy_html(audit_site), flags=re.DOTALL)
    url = server.page("/pasted", page(stripped))
    added = track(
        run_cli, audit_site, url, "--article", SLUG, "--contact", "rights@copier.example", "--canonical", "any"
    )
    assert added.status == 0 and f"tracking {url} as a copy of {SLUG} (track:1)" in added.err
    result = audit(run_cli, audit_site, "--format", "json")
    assert result.status == 1
    report = json.loads(result.out)
    assert {(f["endpoint"], f["code"]) for f in report["findings"]} == {
        ("track:1", "attribution-missing"),
        ("track:1", "license-missing"),
    }
    assert [path for path, _ in server.requests] == ["/robots.txt", "/pasted"]
    # the article retracted: a copy pasted by hand must come down too
    article = audit_site / "content" / f"{SLUG}.md"
    article.write_text(ARTICLE.replace("status: ready", "status: retracted"))
    retracted = json.loads(audit(run_cli, audit_site, "--endpoint", "track:1", "--format", "json").out)
    assert [f["code"] for f in retracted["findings"]] == ["retraction-ignored"]


def test_robots_txt_is_respected(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    server.page("/robots.txt", "User-agent: syndicate\nDisallow: /private/\n", content_type="text/plain")
    allowed = server.page("/public/copy", page(copy_html(audit_site)))
    refused = server.page("/private/copy", page(copy_html(audit_site)))
    for url in (allowed, refused):
        assert track(run_cli, audit_site, url, "--article", SLUG, "--canonical", "any").status == 0
    result = audit(run_cli, audit_site)
    assert result.out == (
        f"{refused}: not-checked warning: could not be checked: robots.txt at {server.url}robots.txt asks "
        "syndicate not to read this page (hint: remove the address with `syndicate track --remove`, or ask the site)\n"
    )
    assert result.status == 0
    assert [path for path, _ in server.requests].count("/robots.txt") == 1  # read once per host
    assert "/private/copy" not in [path for path, _ in server.requests]


def test_a_robots_txt_that_fails_is_taken_as_no(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    server.page("/robots.txt", "down", status=503, content_type="text/plain")
    url = server.page("/copy", page(copy_html(audit_site)))
    track(run_cli, audit_site, url, "--article", SLUG)
    result = audit(run_cli, audit_site)
    assert "robots.txt at " in result.out and "answered HTTP 503: taken as no" in result.out
    assert "/copy" not in [path for path, _ in server.requests]


def test_list_and_remove(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    url = server.page("/copy", page(copy_html(audit_site)))
    track(run_cli, audit_site, url, "--article", SLUG, "--contact", "rights@copier.example")
    assert track(run_cli, audit_site, "--list").out == (
        f"track:1 {url} copies {SLUG} (canonical original contact rights@copier.example)\n"
    )
    audit(run_cli, audit_site)
    listed = json.loads(track(run_cli, audit_site, "--list", "--format", "json").out)
    assert [(i["url"], i["contact"], i["canonical"]) for i in listed] == [(url, "rights@copier.example", "original")]
    removed = track(run_cli, audit_site, "--remove", "track:1")
    assert removed.status == 0 and "no longer tracked" in removed.err
    assert track(run_cli, audit_site, "--list").out == ""
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger, ledger.connection() as db:
        assert db.execute("SELECT COUNT(*) FROM audits").fetchone()[0] == 0
    assert audit(run_cli, audit_site).out == ""


def test_bad_usage(run_cli: Any, audit_site: Path) -> None:
    nope = track(run_cli, audit_site, "https://copier.example/x", "--article", "no-such-article")
    assert nope.status == 2 and "no article has the slug 'no-such-article'" in nope.err
    assert track(run_cli, audit_site, "ftp://copier.example/x", "--article", SLUG).status == 2
    assert track(run_cli, audit_site, "https://copier.example/x").status == 2  # no --article
    assert track(run_cli, audit_site, "--remove", "9").status == 2
    assert track(run_cli, audit_site).status == 2


def test_tracked_addresses_and_audits_on_each_engine(run_cli: Any, engine_audit_site: Path, server: PageServer) -> None:
    """The audits' tables (tracked, audits with their validators, pruning) on SQLite and on PostgreSQL."""
    audit_site = engine_audit_site
    config = audit_site / "syndicate.toml"
    config.write_text(config.read_text().replace("[audit]\n", "[audit]\nkeep = 2\n"))
    stripped = re.sub(r"<p>© 2026 Hill Town Gazette\.</p>", "", copy_html(audit_site))
    url = server.page("/pasted", page(stripped), headers={"ETag": '"e1"'})
    assert track(run_cli, audit_site, url, "--article", SLUG, "--canonical", "any").status == 0
    assert track(run_cli, audit_site, url, "--article", SLUG, "--contact", "a@b.example").status == 0  # replaced
    first = audit(run_cli, audit_site, "--format", "json")
    assert first.status == 1, first.err
    assert [f["code"] for f in json.loads(first.out)["findings"]] == ["attribution-missing", "canonical-mismatch"]
    server.page("/pasted", "", status=304, headers={"ETag": '"e1"'})
    for _ in range(2):
        again = json.loads(audit(run_cli, audit_site, "--format", "json").out)
        assert again["unchanged"] == 1 and again["notices"] == []
    with open_ledger(load_config(config).ledger_at) as ledger:
        kept = audit_store.history(ledger, SLUG, "track:1")
        listed = tracked(ledger)
    assert [(a.http_status, a.etag) for a in kept] == [(304, '"e1"'), (304, '"e1"')]
    assert [(t.url, t.contact, t.canonical) for t in listed] == [(url, "a@b.example", "original")]


def test_robots_rules_are_matched_for_the_audits_user_agent() -> None:
    from syndicate.delivery import audit_fetch, audit_tracked

    assert audit_fetch.USER_AGENT.split("/", 1)[0] == audit_tracked._AGENT


@pytest.mark.parametrize(
    "url",
    [
        "http://a.example:99999/x",
        "http://a.example:port/x",
        "http://a.example/x y",
        "http://a.example/\x01b",
        "https://user:s3cret@a.example/x",
        "http://u:s3cret@[::1/x",
    ],
)
def test_an_address_no_request_could_be_made_to_is_refused(run_cli: Any, audit_site: Path, url: str) -> None:
    refused = track(run_cli, audit_site, url, "--article", SLUG)
    assert refused.status == 2 and "is not a web address" in refused.err, refused.err
    assert "s3cret" not in refused.err and track(run_cli, audit_site, "--list").out == ""
