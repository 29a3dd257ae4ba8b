"""`syndicate audit` against the endpoint's canonical policy, a no-derivatives body, an embargo,
conditional requests and the pruning of old audits: loopback pages that break one rule each, and
pages that hold."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from syndicate.checks.attribution import body_hash
from syndicate.delivery import audit_store
from syndicate.delivery.audit_page import read_content
from syndicate.delivery.audit_policy import CopyPolicy, search_findings
from syndicate.delivery.ledger import Ledger
from tests.page_server import PageServer
from tests.test_audit import (
    ARTICLE,
    ORIGINAL,
    SIDEBAR,
    SLUG,
    audit,
    audit_site,
    codes,
    copy_html,
    deliver,
    page,
    server,
)

__all__ = ["audit_site", "server"]  # (the fixtures)

SOURCE = "https://valley-courier.example.org/2026/05/river-bridge/"


def with_endpoint(root: Path, canonical: str) -> None:
    """The copies' endpoint `partner` in the config, with this canonical policy."""
    config = root / "syndicate.toml"
    config.write_text(
        config.read_text() + f'[[endpoints]]\nname = "partner"\ntype = "webhook"\nchannel = "community-web"\n'
        f'url = "http://127.0.0.1:9/hook"\ncanonical = "{canonical}"\n'
    )


def canonical(url: str) -> str:
    return f'<link rel="canonical" href="{url}">'


@pytest.mark.parametrize(
    ("policy", "head", "headers", "found"),
    [
        ("original", canonical(ORIGINAL), {}, []),
        ("original", canonical(SOURCE), {}, []),  # the source is upstream too
        ("original", "", {}, ["canonical-mismatch"]),
        ("original", canonical("/copy"), {}, ["canonical-mismatch"]),  # the copy claims to be the original
        ("original", canonical("https://elsewhere.example/story"), {}, ["canonical-mismatch"]),
        ("copy", "", {}, []),
        ("copy", canonical("/copy"), {}, []),
        ("copy", canonical(ORIGINAL), {}, ["canonical-mismatch"]),
        ("noindex", '<meta name="robots" content="noindex, follow">', {}, []),
        ("noindex", "", {"X-Robots-Tag": "noindex"}, []),
        ("noindex", "", {"X-Robots-Tag": "googlebot: noindex, nofollow"}, []),  # (for a user agent)
        ("noindex", '<meta name="robots" content="NoIndex">', {}, []),
        ("noindex", "", {"X-Robots-Tag": "otherbot: noindex"}, ["noindex-missing"]),
        ("noindex", '<meta name="googlebot" content="none">', {}, []),
        ("noindex", canonical(ORIGINAL), {}, ["noindex-missing"]),
    ],
)
def test_the_canonical_policy(
    run_cli: Any,
    audit_site: Path,
    server: PageServer,
    policy: str,
    head: str,
    headers: dict[str, str],
    found: list[str],
) -> None:
    with_endpoint(audit_site, policy)
    deliver(audit_site, server.page("/copy", page(copy_html(audit_site), head=head), headers=headers))
    result = audit(run_cli, audit_site)
    assert codes(result.out) == found, result.out
    assert result.status == (1 if found else 0)


def test_only_the_head_counts() -> None:
    """A canonical link or robots meta in the body is ignored by search engines, and by the audit."""
    body = f'<p>text</p>{canonical(ORIGINAL)}<meta name="robots" content="noindex">'
    content = read_content(f"<html><head><title>t</title></head><body>{body}</body></html>", "https://p.example/c")
    assert content.canonical == () and content.robots == ()
    said = search_findings(CopyPolicy("original"), content, "", ("https://p.example/c",), (ORIGINAL,))
    assert [code for code, _, _ in said] == ["canonical-mismatch"]


def test_a_cms_that_cannot_carry_the_policy_raises_no_false_alarm() -> None:
    """WordPress gives each post a canonical link to itself: not a finding where it cannot be changed;
    a canonical link a plugin points elsewhere still is."""
    own = "http://wp.example/?p=7"
    cannot = CopyPolicy("original", carries=False)
    itself = read_content(f"<html><head>{canonical(own)}</head><body>x</body></html>", own)
    assert search_findings(cannot, itself, "", (own,), (ORIGINAL,)) == []
    assert search_findings(CopyPolicy("noindex", carries=False), itself, "", (own,), (ORIGINAL,)) == []
    elsewhere = read_content(f"<html><head>{canonical('https://other.example/')}</head></html>", own)
    assert [c for c, _, _ in search_findings(cannot, elsewhere, "", (own,), (ORIGINAL,))] == ["canonical-mismatch"]
    assert [c for c, _, _ in search_findings(CopyPolicy("original"), itself, "", (own,), (ORIGINAL,))] == [
        "canonical-mismatch"
    ]


ND_ARTICLE = ARTICLE.replace(
    "id: CC-BY-4.0", f"id: CC-BY-ND-4.0\nbody_hash: '{body_hash(ARTICLE.split('---', 2)[2].lstrip())}'"
)


def nd_site(root: Path) -> None:
    (root / "content" / f"{SLUG}.md").write_text(ND_ARTICLE)
    with_endpoint(root, "copy")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda h: h.replace("two years after", "three years after"),
         "“…on Friday morning, two years after engineers…” became “…on Friday morning, three years after engineers…”"),
        (lambda h: re.sub(r"<p>Crews replaced.*?</p>", "", h, flags=re.DOTALL), "“Crews replaced the cracked"),
        (lambda h: h.replace("<p>Crews", "<p>The council was wrong to wait so long for this work.</p><p>Crews"),
         "“The council was wrong to wait so long for this work.” added"),
    ],
)  # fmt: skip
def test_a_no_derivatives_body_altered(
    run_cli: Any, audit_site: Path, server: PageServer, change: Any, says: str
) -> None:
    nd_site(audit_site)
    html = copy_html(audit_site)
    changed = change(html)
    assert changed != html
    deliver(audit_site, server.page("/copy", page(changed)))
    result = audit(run_cli, audit_site)
    assert codes(result.out) == ["body-altered"], result.out
    assert says in result.out
    assert result.status == 1


def test_a_no_derivatives_body_kept_in_a_themes_markup_holds(
    run_cli: Any, audit_site: Path, server: PageServer
) -> None:
    """The copy inside a partner's theme: its own title, byline, labels inside the article, share
    buttons and related stories after it, the attribution moved to a sidebar, quotes curled."""
    nd_site(audit_site)
    html = re.sub(r'<footer class="syndicate-attribution">.*?</footer>', "", copy_html(audit_site), flags=re.DOTALL)
    html = html.replace("<p>Crews", '<div class="ad">Advertisement</div><p>Crews').replace("'", "’")
    themed = (
        '<p class="byline">By Partner Staff | May 4, 2026</p>'
        + html
        + '<div class="share">Share this: <a href="/s">Facebook</a> <a href="/t">X</a></div>'
        + "<h3>Related stories</h3><ul><li><a href='/r1'>New ferry timetable announced for the summer season</a></li>"
        + "<li><a href='/r2'>Council approves budget for road repairs across the district</a></li></ul>"
    )
    deliver(audit_site, server.page("/copy", page(themed, sidebar=SIDEBAR.replace("/by/4.0/", "/by-nd/4.0/"))))
    result = audit(run_cli, audit_site)
    assert result.out == "", result.out
    assert result.status == 0


def test_early_publication(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    article = audit_site / "content" / f"{SLUG}.md"
    with_endpoint(audit_site, "copy")
    deliver(audit_site, server.page("/copy", page(copy_html(audit_site))))
    article.write_text(ARTICLE.replace("status: ready", "status: ready\nembargo_until: 2999-01-01T06:00:00Z"))
    early = audit(run_cli, audit_site)
    assert codes(early.out) == ["early-publication"] and "before its embargo lifts (2999-01-01 06:00 UTC)" in early.out
    assert early.status == 1
    (notice,) = (audit_site / ".syndicate" / "notices").iterdir()  # in the partner's words, the time as one reads it
    assert "before its embargo lifts (2999-01-01 06:00 UTC). Please take" in " ".join(notice.read_text().split())
    notice.unlink()
    article.write_text(ARTICLE.replace("status: ready", "status: ready\nembargo_until: 2999-01-01T08:30:15+02:00"))
    zoned = audit(run_cli, audit_site)  # the article's own zone kept
    assert "before its embargo lifts (2999-01-01 08:30:15 UTC+02:00)" in zoned.out
    article.write_text(ARTICLE.replace("status: ready", "status: ready\nembargo_until: 2026-01-01T06:00:00Z"))
    lifted = audit(run_cli, audit_site)
    assert codes(lifted.out) == ["early-publication"] and " resolved: " in lifted.out
    assert lifted.status == 0


def test_conditional_requests_keep_the_last_result(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    with_endpoint(audit_site, "copy")
    html = page(re.sub(r"<p>Licence: .*?</p>", "", copy_html(audit_site)))
    validators = {"ETag": '"v1"', "Last-Modified": "Wed, 06 May 2026 10:00:00 GMT"}
    url = server.page("/copy", html, headers=validators)
    deliver(audit_site, url)
    first = audit(run_cli, audit_site)
    assert codes(first.out) == ["license-missing"]
    server.page("/copy", "", status=304, headers=validators)
    second = audit(run_cli, audit_site, "--format", "json")
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert server.requests[-1][1]["If-Modified-Since"] == validators["Last-Modified"]
    report = json.loads(second.out)
    assert report["unchanged"] == 1 and [f["code"] for f in report["findings"]] == ["license-missing"]
    assert report["findings"][0]["unchanged_since"] and report["findings"][0]["new"] is False
    assert second.status == 1
    text = audit(run_cli, audit_site)
    assert "license-missing" in text.out and "(unchanged since " in text.out
    # the article changes: what the copy is judged against is not the same, so the page is read whole
    article = audit_site / "content" / f"{SLUG}.md"
    article.write_text(ARTICLE.replace("Valley Courier", "Valley Courier Weekly"))
    before = len(server.requests)
    audit(run_cli, audit_site)
    assert "If-None-Match" not in server.requests[before][1]


def test_old_audits_are_pruned(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    config = audit_site / "syndicate.toml"
    config.write_text(config.read_text().replace("[audit]\n", "[audit]\nkeep = 2\n"))
    url = server.page("/copy", page("<p>unrelated</p>"))
    deliver(audit_site, url)
    for _ in range(3):
        audit(run_cli, audit_site)
    server.page("/copy", "", status=500)
    for _ in range(3):
        audit(run_cli, audit_site)
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:
        kept = audit_store.history(ledger, SLUG, "partner")
    # the last two, and the last that read the page (the next audit compares with it)
    assert [(a.http_status, a.checked) for a in kept] == [(200, True), (500, False), (500, False)]


def test_a_copy_put_back_after_a_retraction_is_read_whole(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    """A retracted copy that answered 404 holds; a 404 is no page a 304 may stand for, so its
    validators are not sent: a partner who puts the copy back (under the same Last-Modified, as
    a restored file keeps its time) is found out, not covered by a 304."""
    validators = {"ETag": '"gone"', "Last-Modified": "Wed, 06 May 2026 10:00:00 GMT"}
    url = server.page("/copy", "<p>Not found</p>", status=404, headers=validators)
    deliver(audit_site, url, state="retracted")
    assert codes(audit(run_cli, audit_site).out) == []
    server.page("/copy", page(copy_html(audit_site)), headers=validators)
    restored = audit(run_cli, audit_site)
    assert "If-None-Match" not in server.requests[-1][1] and "If-Modified-Since" not in server.requests[-1][1]
    assert codes(restored.out) == ["retraction-ignored"] and restored.status == 1


def test_a_304_never_hides_a_retraction(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    """Retracted since the last audit: the page is asked for whole (a 304 would stand for a copy
    that was fine); once retraction-ignored was found, a 304 keeps it (the article is still there)."""
    validators = {"ETag": '"v1"', "Last-Modified": "Wed, 06 May 2026 10:00:00 GMT"}
    html = page(copy_html(audit_site))
    deliver(audit_site, server.page("/copy", html, headers=validators))
    assert codes(audit(run_cli, audit_site).out) == []
    article = audit_site / "content" / f"{SLUG}.md"
    article.write_text(article.read_text().replace("status: ready", "status: retracted"))
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:
        ledger.removed(SLUG, "partner")  # as the next push does
    found = audit(run_cli, audit_site)
    assert "If-None-Match" not in server.requests[-1][1] and "If-Modified-Since" not in server.requests[-1][1]
    assert codes(found.out) == ["retraction-ignored"] and found.status == 1
    server.page("/copy", "", status=304, headers=validators)
    kept = json.loads(audit(run_cli, audit_site, "--format", "json").out)
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert [(f["code"], bool(f["unchanged_since"])) for f in kept["findings"]] == [("retraction-ignored", True)]
    assert kept["ok"] is False
