"""`syndicate audit` against loopback pages: each rule broken one at a time, pages that hold
(attribution in another theme's markup too), hostile pages, and what changed since the last audit."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.delivery import audit_store
from syndicate.delivery.audit_fetch import HostPacer
from syndicate.delivery.audit_page import fold, normal_url, read_content
from syndicate.delivery.ledger import Ledger
from syndicate.render.copies import make_copy
from tests.page_server import PageServer, page_server
from tests.pg import ENGINES, on_engine

SLUG = "river-bridge-reopens"
ORIGINAL = "https://hill-gazette.example.com/news/2026/05/river-bridge-reopens/"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
ARTICLE = f"""---
title: "River Bridge Reopens After Two Years of Repairs"
slug: {SLUG}
authors:
  - name: Mara Quill
published: 2026-05-02
source:
  name: Valley Courier
  url: https://valley-courier.example.org/2026/05/river-bridge/
  published: 2026-05-03
original:
  name: Hill Town Gazette
  url: {ORIGINAL}
  published: 2026-05-02
copyright:
  holder: Hill Town Gazette
  year: 2026
license:
  id: CC-BY-4.0
status: ready
---

The old stone bridge over the River Alder opened to traffic again on Friday morning,
two years after engineers closed it.

Crews replaced the cracked arches and rebuilt the parapets with stone taken from the
original quarry near Hill Town.

The council said buses would return to the bridge from Monday, and that a weight limit of
seven tonnes would stay in place.
"""

#: the sidebar of a partner's theme that gives the attribution in its own words and markup
PLAIN_ORIGINAL = ORIGINAL.replace("https://", "http://").rstrip("/")
SIDEBAR = f"""<aside class="credits"><h3>Credits</h3><ul>
<li>Story: <a href="{PLAIN_ORIGINAL}">first at the Hill Town Gazette</a>, via the <b>Valley</b>
<b>Courier</b></li><li>Copyright 2026 Hill Town Gazette</li>
<li><a href="{LICENCE}">Some rights reserved</a></li></ul></aside>"""


def page(body: str, head: str = "", sidebar: str = "") -> str:
    """A partner's page around `body`: a theme's menu, header, sidebar and footer."""
    return (
        f"<!doctype html><html><head><title>River Bridge Reopens | Partner News</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/local">Local</a></nav><header><h1>Partner News</h1></header>'
        f'<main><article><h1>River Bridge Reopens After Two Years of Repairs</h1><div class="entry">{body}</div>'
        f"</article>{sidebar}</main><footer>© Partner News 2026. Hosted by Example Hosting.</footer></body></html>"
    )


@pytest.fixture
def audit_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / f"{SLUG}.md").write_text(ARTICLE)
    (root / "syndicate.toml").write_text(
        '[site]\ntitle = "Review"\nurl = "https://review.example.org/"\nchannel = "community-web"\n'
        "[audit]\nper_host_interval = 0\ntimeout = 1\n"
    )
    return root


@pytest.fixture(params=ENGINES)
def engine_audit_site(
    audit_site: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """audit_site with its ledger on each engine: SQLite, then a site of its own in the test PostgreSQL."""
    with on_engine(audit_site, request.param, monkeypatch) as site:
        yield site


@pytest.fixture
def server() -> Iterator[PageServer]:
    with page_server() as running:
        yield running


def copy_html(root: Path) -> str:
    """The copy's HTML as syndicate sends it (body, attribution block, JSON-LD)."""
    config = load_config(root / "syndicate.toml")
    site = load_site(config)
    (article,) = site.articles
    profile = site.checks.registry.get(article.license_id)
    assert profile is not None
    return make_copy(article, profile).html


def deliver(root: Path, url: str, endpoint: str = "partner", slug: str = SLUG, state: str = "delivered") -> None:
    """A ledger row for a copy at `url`, as push records it (retracted: taken down since)."""
    with Ledger(root / ".syndicate" / "state.db") as ledger:
        ledger.begin_attempt(slug, endpoint, "create", "key")
        ledger.delivered(slug, endpoint, "7", url, "sha256:x", None)
        if state == "retracted":
            ledger.removed(slug, endpoint)


def audit(run_cli: Any, root: Path, *args: str) -> Any:
    return run_cli("--config", str(root / "syndicate.toml"), "audit", *args)


def codes(out: str) -> list[str]:
    return re.findall(r"^\S+: ([a-z-]+) ", out, re.MULTILINE)


def test_a_faithful_copy_holds(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    deliver(audit_site, server.page("/copy", page(copy_html(audit_site))))
    result = audit(run_cli, audit_site, "-v")
    assert result.status == 0, result.out + result.err
    assert result.out == f"{server.url}copy: ok ({SLUG} at partner)\n"
    assert "1 copy: 1 hold, 0 violate, 0 not checked" in result.err


def test_attribution_in_a_themes_own_markup_is_no_false_alarm(
    run_cli: Any, audit_site: Path, server: PageServer
) -> None:
    html = copy_html(audit_site)
    without_block = re.sub(r'<footer class="syndicate-attribution">.*?</footer>', "", html, flags=re.DOTALL)
    assert without_block != html
    deliver(audit_site, server.page("/themed", page(without_block, sidebar=SIDEBAR)))
    result = audit(run_cli, audit_site)
    assert result.status == 0, result.out
    assert result.out == ""


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        (lambda h: h.replace("Valley Courier", "a wire service"), "attribution-missing", "the source's name"),
        (lambda h: h.replace(f'href="{ORIGINAL}"', 'href="https://elsewhere.example/"'), "attribution-missing",
         "a link to the original"),
        (lambda h: re.sub(r"<p>© 2026 Hill Town Gazette\.</p>", "", h), "attribution-missing", "copyright notice"),
        (lambda h: re.sub(r"<p>Licence: .*?</p>", "", h), "license-missing", "CC BY 4.0"),
        (lambda h: re.sub(r'<script type="application/ld\+json">.*?</script>', "", h), "jsonld-stripped", "JSON-LD"),
        # hidden from readers: no attribution at all
        (lambda h: h.replace('<footer class="syndicate-attribution">', '<footer style="display: none">'),
         "attribution-missing", "the source's name"),
    ],
)  # fmt: skip
def test_each_rule_broken_alone_is_found(
    run_cli: Any, audit_site: Path, server: PageServer, change: Any, code: str, says: str
) -> None:
    html = copy_html(audit_site)
    changed = change(html)
    assert changed != html
    deliver(audit_site, server.page("/broken", page(changed)))
    result = audit(run_cli, audit_site)
    found = codes(result.out)
    if code == "attribution-missing" and "display" in changed:
        found = [c for c in found if c != "license-missing"]  # (the hidden block named the licence too)
    assert found == [code], result.out
    assert says in result.out
    assert result.status == (0 if code == "jsonld-stripped" else 1)


def test_a_retraction_ignored_and_one_applied(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    html = page(copy_html(audit_site))
    deliver(audit_site, server.page("/kept", html), endpoint="keeps", state="retracted")
    deliver(audit_site, server.page("/notice", page("<p>This article was withdrawn.</p>")), endpoint="notice",
            state="retracted")  # fmt: skip
    deliver(audit_site, server.url + "gone", endpoint="gone", state="retracted")  # 404
    result = audit(run_cli, audit_site)
    assert result.status == 1
    assert result.out == (
        f"{server.url}kept: retraction-ignored the page still shows the article, but syndicate took the copy down "
        "(hint: the partner restored or kept the copy: ask them to take it down)\n"
    )


def test_an_article_retracted_or_drafted_whose_copy_still_shows(
    run_cli: Any, audit_site: Path, server: PageServer
) -> None:
    """Before syndicate asked the endpoint to take the copy down, it is syndicate's work yet to do
    (retraction-pending, a warning, no notice); once it asked, a page still showing the article is
    the partner's doing: retraction-ignored, new, and a notice drafted."""
    url = server.page("/copy", page(copy_html(audit_site)))
    deliver(audit_site, url)
    article = audit_site / "content" / f"{SLUG}.md"
    notices = audit_site / ".syndicate" / "notices"
    for status, why in (("retracted", "the article is retracted"), ("draft", "taken back to draft")):
        article.write_text(ARTICLE.replace("status: ready", f"status: {status}"))
        result = audit(run_cli, audit_site, "--format", "json")
        assert result.status == 0
        (finding,) = json.loads(result.out)["findings"]
        assert (finding["code"], finding["severity"]) == ("retraction-pending", "warning")
        assert (
            why in finding["message"]
            and "syndicate has not asked the endpoint to take it down yet" in (finding["message"])
        )
        assert "syndicate push" in finding["hint"]
        assert finding["article"] == SLUG and finding["endpoint"] == "partner"
        assert not notices.exists()
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:  # the take-down failed, to be retried: pending
        ledger.begin_attempt(SLUG, "partner", "delete", "key-2")
        ledger.failed(SLUG, "partner", "HTTP 503", "2026-12-07T10:00:00+00:00")
    assert codes(audit(run_cli, audit_site).out) == ["retraction-pending"] and not notices.exists()
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:  # failed for good: syndicate asked
        ledger.failed(SLUG, "partner", "HTTP 403", None)
    failed = audit(run_cli, audit_site)
    assert failed.status == 1
    assert failed.out.splitlines(keepends=True)[0] == (
        f"{url}: retraction-ignored the page still shows the article, but the article was taken back to draft; "
        f"syndicate's request to take it down failed (hint: ask the partner to take it down, or syndicate retry "
        f"{SLUG} to ask again) [new]\n"
    )
    assert failed.out.splitlines()[1].startswith(f"{url}: retraction-pending resolved: ")  # syndicate did its part
    (notice,) = notices.iterdir()
    text = " ".join(notice.read_text().split())
    assert "The page still shows the article, but we have withdrawn the article. Please take it down" in text
    assert "syndicate" not in text.lower()
    notice.unlink()
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:  # taken down: the partner keeps it
        ledger.removed(SLUG, "partner")
    kept = audit(run_cli, audit_site)
    assert codes(kept.out) == ["retraction-ignored"] and "restored or kept the copy" in kept.out
    assert not notices.exists() or not list(notices.iterdir())  # notified already (the same finding)


def test_a_retraction_not_yet_pushed_is_notified_once_pushed(
    run_cli: Any, audit_site: Path, server: PageServer
) -> None:
    url = server.page("/copy", page(copy_html(audit_site)))
    deliver(audit_site, url)
    article = audit_site / "content" / f"{SLUG}.md"
    article.write_text(ARTICLE.replace("status: ready", "status: retracted"))
    assert codes(audit(run_cli, audit_site).out) == ["retraction-pending"]
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:
        ledger.removed(SLUG, "partner")  # the push took it down; the partner's page still shows it
    result = audit(run_cli, audit_site)
    ignored = result.out.splitlines()[0]
    assert result.status == 1 and ignored.startswith(f"{url}: retraction-ignored ") and ignored.endswith(" [new]")
    assert "notice drafted for partner" in result.err


def test_a_missing_copy(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    deliver(audit_site, server.url + "nowhere", endpoint="a")
    deliver(audit_site, server.page("/gone", "gone", status=410), endpoint="b")
    deliver(audit_site, server.page("/other", page("<p>Our own story about the weather this week.</p>")), endpoint="c")
    result = audit(run_cli, audit_site)
    assert codes(result.out) == ["copy-missing"] * 3
    assert "HTTP 404" in result.out and "HTTP 410" in result.out and "does not show the article's text" in result.out
    assert result.status == 0  # a warning: the copy breaks no licence


def test_hostile_pages_one_line_each_and_the_audit_goes_on(run_cli: Any, audit_site: Path) -> None:
    good = page(copy_html(audit_site))
    with page_server() as server, page_server("127.0.0.2") as elsewhere:
        pages = {
            "huge": server.page("/huge", "<html><body>", endless=8 * 1024 * 1024),
            "slow": server.page("/slow", good, delay=3),
            "loop": server.page("/loop-a", "", status=302, headers={"Location": "/loop-b"}),
            "away": server.page("/away", "", status=301, headers={"Location": elsewhere.page("/copy", good)}),
            "pdf": server.page("/file.pdf", b"%PDF-1.7 ...", content_type="application/pdf"),
            "moved": server.page("/moved", "", status=301, headers={"Location": "/copy"}),
            "busy": server.page("/busy", "busy", status=503, content_type="text/plain"),
        }
        server.page("/loop-b", "", status=302, headers={"Location": "/loop-a"})
        server.page("/copy", good)
        for name, url in pages.items():
            deliver(audit_site, url, endpoint=name)
        result = audit(run_cli, audit_site)
    lines = result.out.splitlines()
    assert result.status == 0, result.out  # nothing violates: what could not be read is said, line by line
    said = {line.split(": ", 1)[0]: line for line in lines}
    assert set(said) == {pages[n] for n in ("huge", "slow", "loop", "away", "pdf", "busy")}  # "moved" holds
    assert all(": not-checked warning: could not be checked: " in line for line in lines)
    assert "larger than 5,242,880 bytes" in said[pages["huge"]]
    assert "no answer within 1 s" in said[pages["slow"]] or "did not arrive" in said[pages["slow"]]
    assert "redirect loop" in said[pages["loop"]]
    assert "redirected to another host (http://127.0.0.2:" in said[pages["away"]]
    assert "application/pdf, not an HTML page" in said[pages["pdf"]]
    assert "HTTP 503" in said[pages["busy"]]
    assert elsewhere.requests == []  # another host's redirect is never followed
    assert "7 copies: 1 hold, 0 violate, 6 not checked" in result.err


def test_no_credentials_or_cookies_are_sent(
    run_cli: Any, audit_site: Path, server: PageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    good = page(copy_html(audit_site))
    server.page("/first", "", status=302, headers={"Location": "/copy", "Set-Cookie": "session=abc; Path=/"})
    server.page("/copy", good)
    deliver(audit_site, server.url + "first")
    assert audit(run_cli, audit_site).status == 0
    assert [path for path, _ in server.requests] == ["/first", "/copy"]
    for _, headers in server.requests:
        assert "Authorization" not in headers and "Cookie" not in headers
        assert headers["User-Agent"].startswith("syndicate/")


def test_what_changed_since_the_last_audit(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    html = page(copy_html(audit_site))
    stripped = re.sub(r"<p>© 2026 Hill Town Gazette\.</p>", "", html)
    url = server.page("/copy", stripped)
    deliver(audit_site, url)
    first = audit(run_cli, audit_site)
    assert codes(first.out) == ["attribution-missing"] and "[new]" not in first.out  # nothing to compare with
    server.page("/copy", html)
    second = audit(run_cli, audit_site)
    assert second.status == 0
    assert re.fullmatch(rf"{url}: attribution-missing resolved: no longer found \(seen \S+\)\n", second.out)
    assert "since the last audit: 0 new, 1 resolved" in second.err
    server.page("/copy", "", status=500)  # not read: nothing is said resolved or new
    assert codes(audit(run_cli, audit_site).out) == ["not-checked"]
    server.page("/copy", stripped)
    fourth = audit(run_cli, audit_site, "--format", "json")
    (finding,) = json.loads(fourth.out)["findings"]
    assert finding["code"] == "attribution-missing" and finding["new"] is True
    with Ledger(audit_site / ".syndicate" / "state.db") as ledger:
        kept = audit_store.history(ledger, SLUG, "partner")
    assert [(a.http_status, a.checked, [f["code"] for f in a.findings]) for a in kept] == [
        (200, True, ["attribution-missing"]),
        (200, True, []),
        (500, False, ["not-checked"]),
        (200, True, ["attribution-missing"]),
    ]


def test_filters_and_nothing_to_audit(run_cli: Any, audit_site: Path, server: PageServer) -> None:
    none = audit(run_cli, audit_site)
    assert none.status == 0 and "nothing to audit: no ledger" in none.err
    deliver(audit_site, server.page("/a", page("<p>unrelated</p>")), endpoint="a")
    deliver(audit_site, "file:///srv/out/copy.html", endpoint="folder")  # not a web address: not read
    assert codes(audit(run_cli, audit_site, "--endpoint", "a").out) == ["copy-missing"]
    assert audit(run_cli, audit_site, "--article", "another-slug").out == ""
    wrong = audit(run_cli, audit_site, "--endpoint", "nope")
    assert wrong.status == 2 and "no endpoint 'nope'" in wrong.err
    assert [path for path, _ in server.requests] == ["/a"]


def test_the_pacer_keeps_one_request_per_host_per_interval() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = HostPacer(1.0, clock=lambda: now[0], sleep=sleep)
    for host in ("a", "b", "a", "a", "b"):
        pacer.wait(host)
    assert slept == [1.0, 1.0]  # a, b at once; a after 1 s; a again 1 s later; b's turn had come by then


def test_page_reading_folds_and_hides() -> None:
    content = read_content(
        '<html><head><link rel="license" href="https://CreativeCommons.org/licenses/by/4.0"></head><body>'
        "<p>It’s “quoted” —\u00a0here</p><p hidden>secret</p><div style='display:none'>hidden</div>after"
        '<script type="application/ld+json">[{"@graph": [{"license": "x"}]}]</script></body></html>'
    )
    assert content.visible_text == 'it\'s "quoted" - here after'
    assert content.licence_links == {normal_url(LICENCE)}
    assert {"license": "x"} in content.json_ld
    assert fold("ＡＢ\u00adc") == "abc"
    assert read_content("").visible_text == ""


def test_links_tagged_with_where_they_were_followed_from_are_the_same_links() -> None:
    original = "https://gazette.example.com/news/story/"
    assert normal_url(original + "?ref=partner.example.org") == normal_url(original)
    assert normal_url(original + "?utm_source=x&utm_medium=y") == normal_url(original)
    assert normal_url(original + "?id=7&ref=partner.example.org") == normal_url(original + "?id=7")
    assert normal_url(original + "?referrer=x") != normal_url(original)
