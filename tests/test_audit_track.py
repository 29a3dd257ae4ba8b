"""`syndicate track`: addresses registered by hand, audited like delivered copies, robots.txt respected."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from syndicate.delivery.ledger import Ledger
from tests.page_server import PageServer
from tests.test_audit import ARTICLE, SLUG, audit, audit_site, copy_html, page, server

__all__ = ["audit_site", "server"]  # (the fixtures)


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
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger, ledger.reading() as db:
        assert db.execute("SELECT COUNT(*) FROM audits").fetchone()[0] == 0
    assert audit(run_cli, audit_site).out == ""


def test_bad_usage(run_cli: Any, audit_site: Path) -> None:
    nope = track(run_cli, audit_site, "https://copier.example/x", "--article", "no-such-article")
    assert nope.status == 2 and "no article has the slug 'no-such-article'" in nope.err
    assert track(run_cli, audit_site, "ftp://copier.example/x", "--article", SLUG).status == 2
    assert track(run_cli, audit_site, "https://copier.example/x").status == 2  # no --article
    assert track(run_cli, audit_site, "--remove", "9").status == 2
    assert track(run_cli, audit_site).status == 2
