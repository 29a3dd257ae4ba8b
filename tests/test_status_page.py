"""`status` with each copy's last audit, and the status page (`status --html OUT`, and `run` with
`[status] page = true`): the demo pushed to its folder and to loopback webhooks, then audited
against loopback pages, so that rows hold, have findings, failed, and should come down.

The Chromium tests need Debian's `chromium`: they skip without it, except under CI, where they fail.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from syndicate.checks.validate import load_site
from syndicate.config import load_config
from syndicate.render.copies import make_copy
from tests.loopback import Received, folder_server, recording_server
from tests.page_server import page_server
from tests.test_feed_browser import chromium, text

ALDER = "alder-valley-water-board-approves-tiered-rates"
HARBOUR = "harbour-library-digitises-shipping-registers"
#: what the failing webhook answers: its error lands in the ledger, and on the page, as text
HOSTILE_ERROR = '<script>alert("x")</script> & <img src=x onerror=alert(1)> rejected'
#: the contact of a copy tracked by hand (markup in it is text on the page)
COPIER_CONTACT = "Rights <rights@copier.example>"


@dataclass
class Audited:
    config: Path
    #: `status --format json`
    rows: list[dict[str, Any]]


def _copy_html(config: Path, slug: str) -> str:
    site = load_site(load_config(config))
    (article,) = [a for a in site.articles if a.slug == slug]
    profile = site.checks.registry.get(article.license_id)
    assert profile is not None
    return make_copy(article, profile).html


def _page(body: str) -> str:
    """A partner's page around the copy's HTML."""
    head = "<!doctype html><html><head><title>Partner</title></head>"
    return f"{head}<body><main><article>{body}</article></main></body></html>"


def _status_json(run_cli: Any, config: Path) -> list[dict[str, Any]]:
    result = run_cli("--config", str(config), "status", "--format", "json")
    assert result.status == 0, result.err
    rows: list[dict[str, Any]] = json.loads(result.out)
    return rows


@pytest.fixture
def audited(site: Path, run_cli: Any) -> Iterator[Audited]:
    """The demo pushed to its folder and three webhooks: `partner` (its pages: one faithful copy,
    one without its attribution), `gone` (its pages answer 404) and `broken` (422: failed); two
    addresses tracked by hand (`copier`: a faithful copy without a contact, one without its
    attribution with one); audited; then `gone` disabled and ALDER retracted, so that its copy
    there should come down (and the copier's should too)."""
    config = site / "syndicate.toml"
    with page_server() as pages, recording_server() as hooks:

        def answer(received: Received) -> tuple[int, bytes]:
            endpoint = received.path.strip("/")
            if endpoint == "broken":
                return 422, json.dumps({"message": HOSTILE_ERROR}).encode()
            slug = json.loads(received.body)["article"]
            return 200, json.dumps({"id": slug, "url": f"{pages.url}{endpoint}/{slug}"}).encode()

        hooks.respond = answer
        endpoints = "".join(
            f'\n[[endpoints]]\nname = "{name}"\ntype = "webhook"\nchannel = "community-web"\n'
            f'url = "{hooks.url}{name}"\ncanonical = "copy"\n'  # (the pages here have no canonical link)
            for name in ("partner", "gone", "broken")
        )
        config.write_text(config.read_text() + "\n[audit]\nper_host_interval = 0\ntimeout = 2\n" + endpoints)
        assert run_cli("--config", str(config), "push").status == 1  # broken's copies failed
        pages.page(f"/partner/{ALDER}", _page(_copy_html(config, ALDER)))
        stripped = re.sub(
            r'<footer class="syndicate-attribution">.*?</footer>', "", _copy_html(config, HARBOUR), flags=re.DOTALL
        )
        pages.page(f"/partner/{HARBOUR}", _page(stripped))
        pages.page(f"/copier/{ALDER}", _page(_copy_html(config, ALDER)))
        pages.page(f"/copier/{HARBOUR}", _page(stripped))
        track = ("--config", str(config), "track", "--canonical", "any")
        assert run_cli(*track, f"{pages.url}copier/{ALDER}", "--article", ALDER).status == 0
        contact = ("--contact", COPIER_CONTACT)
        assert run_cli(*track, f"{pages.url}copier/{HARBOUR}", "--article", HARBOUR, *contact).status == 0
        assert run_cli("--config", str(config), "audit").status == 1  # HARBOUR's attribution is missing
        config.write_text(
            config.read_text().replace(f'url = "{hooks.url}gone"', f'url = "{hooks.url}gone"\nenabled = false')
        )
        article = site / "content" / f"{ALDER}.md"
        article.write_text(article.read_text().replace("status: ready", "status: retracted"))
        run_cli("--config", str(config), "push")
        yield Audited(config, _status_json(run_cli, config))


def _write_page(run_cli: Any, audited: Audited, out: Path) -> str:
    result = run_cli("--config", str(audited.config), "status", "--html", str(out))
    assert result.status == 0, result.err
    assert result.out == "" and "status page written to" in result.err
    return out.read_text()


def _is_problem(row: dict[str, Any]) -> bool:
    audit = row["last_audit"]
    return row["state"] == "failed" or row["stranded"] is not None or bool(audit and audit["findings"])


def _cells(tr: Any) -> dict[str, Any]:
    return {td.get("data-label"): td for td in tr.xpath("./td")}


def assert_page_shows(page: str, rows: list[dict[str, Any]]) -> None:
    """Every row in its endpoint's section, the rows with a problem (and only those) under Problems,
    each with its state, address (a link when http), last audit, findings, error; no script, nothing
    from elsewhere, every text escaped."""
    doc = html.fromstring(page)
    assert doc.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    endpoints = sorted({r["endpoint"] for r in rows if r["tracked"] is None})
    by_hand = [r for r in rows if r["tracked"] is not None]
    tracked = [("tracked", by_hand)] if by_hand else []
    assert doc.xpath("//nav//a/@href") == [
        "#all",
        "#problems",
        *(f"#endpoint-{e}" for e in endpoints),
        *(f"#{section}" for section, _ in tracked),
    ]
    for section_id, expected in [
        ("problems", [r for r in rows if _is_problem(r)]),
        *((f"endpoint-{e}", [r for r in rows if r["endpoint"] == e]) for e in endpoints),
        *tracked,
    ]:
        (section,) = doc.xpath(f"//section[@id='{section_id}']")
        trs = section.xpath(".//tbody/tr")
        assert len(trs) == len(expected), section_id
        for tr, row in zip(trs, expected, strict=True):
            cells = _cells(tr)
            assert text(cells["Article"]) == row["article"]
            if "Endpoint" in cells:
                assert text(cells["Endpoint"]) == row["endpoint"]
            assert text(cells["State"]).startswith(row["state"] + " since ")
            assert ("Contact" in cells) is (section_id == "tracked")
            if "Contact" in cells:
                assert text(cells["Contact"]) == (row["tracked"]["contact"] or "none")
            url = row["remote_url"]
            if url and url.startswith("http"):
                assert cells["Copy"].xpath(".//a/@href") == [url] and text(cells["Copy"]) == url
            else:
                assert not cells["Copy"].xpath(".//a") and text(cells["Copy"]) == (url or "none")
            audit, findings = row["last_audit"], text(cells["Findings"])
            if audit is None:
                assert text(cells["Last audit"]) == "never"
            else:
                verdict = "holds" if not audit["findings"] else f"HTTP {audit['http_status']}"
                assert text(cells["Last audit"]).startswith(verdict)
                assert cells["Findings"].xpath(".//*[@class='code']/text()") == audit["findings"]
            if row["stranded"]:
                assert f"should come down: {row['stranded']}" in findings
            if row["last_error"]:
                assert f"last error: {' '.join(row['last_error'].split())}" in findings
    assert not doc.xpath("//script | //img | //iframe | //object | //link | //*[@src] | //*[@style]")
    assert not [a for el in doc.iter() for a in el.attrib if a.lower().startswith("on")]
    assert all(h.startswith(("#", "http://127.0.0.1:")) for h in doc.xpath("//@href"))
    assert "&lt;script&gt;" in page  # the hostile error is text


def test_every_row_and_finding_of_the_ledger_is_on_the_page(run_cli: Any, audited: Audited, tmp_path: Path) -> None:
    messages = json.loads(run_cli("--config", str(audited.config), "audit", "--format", "json").out)["findings"]
    page = _write_page(run_cli, audited, tmp_path / "copies.html")
    assert_page_shows(page, _status_json(run_cli, audited.config))
    assert {f["code"] for f in messages} == {"copy-missing", "attribution-missing", "retraction-ignored"}
    for finding in messages:  # each finding with its message and hint (the audit just now is the last)
        assert text(html.fromstring(page)).count(f"{finding['code']} {finding['message']}") >= 1
        assert finding["hint"] in text(html.fromstring(page))


def test_the_fixture_has_every_kind_of_row(audited: Audited) -> None:
    rows = {(r["article"], r["endpoint"]): r for r in audited.rows}
    assert rows[(HARBOUR, "broken")]["state"] == "failed"
    assert rows[(ALDER, "gone")]["stranded"]
    assert rows[(HARBOUR, "partner")]["last_audit"]["findings"] == ["attribution-missing"]
    assert rows[(ALDER, "partner")]["last_audit"]["findings"] == []  # it held, before its retraction
    (copier_alder,) = [r for r in audited.rows if r["tracked"] and r["article"] == ALDER]
    (copier_harbour,) = [r for r in audited.rows if r["tracked"] and r["article"] == HARBOUR]
    assert copier_alder["state"] == copier_harbour["state"] == "tracked"
    assert copier_alder["endpoint"] == f"track:{copier_alder['tracked']['id']}"
    assert copier_alder["tracked"]["contact"] is None and copier_harbour["tracked"]["contact"] == COPIER_CONTACT
    assert copier_alder["last_audit"]["findings"] == []
    assert copier_harbour["last_audit"]["findings"] == ["attribution-missing"]


def test_status_json_has_each_copys_last_audit(audited: Audited) -> None:
    for row in audited.rows:
        audit = row["last_audit"]
        if row["remote_url"] and row["remote_url"].startswith("http"):
            assert set(audit) == {"checked_at", "url", "http_status", "checked", "findings"}
            assert audit["url"] == row["remote_url"] and audit["checked"] is True
        else:  # a folder's copy, a failed create: never audited
            assert audit is None


def test_status_table_shows_the_last_audit(run_cli: Any, audited: Audited) -> None:
    out = run_cli("--config", str(audited.config), "status").out
    header, *lines = out.splitlines()[: len(audited.rows) + 1]
    assert re.split(r"\s{2,}", header) == ["ARTICLE", "ENDPOINT", "STATE", "REMOTE", "LAST ERROR", "LAST AUDIT", "WHEN"]
    shown = {(line.split()[0], line.split()[1]): line for line in lines}
    for row in audited.rows:
        line = shown[(row["article"], row["endpoint"])]
        audit = row["last_audit"]
        if audit is not None:
            assert f" {','.join(audit['findings']) or 'ok'} {audit['checked_at']} " in line


def test_status_without_any_audit_has_no_audit_column(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "push").status == 0
    assert "AUDIT" not in run_cli("--config", config, "status").out


def test_status_text_lists_the_tracked_addresses_with_their_contact(run_cli: Any, audited: Audited) -> None:
    out = run_cli("--config", str(audited.config), "status").out
    listed = out.split("addresses tracked by hand")[1].splitlines()[1:]
    for row in (r for r in audited.rows if r["tracked"]):
        (line,) = [line for line in listed if line.startswith(f"  {row['endpoint']}: ")]
        assert row["remote_url"] in line and f"({row['article']})" in line
        assert (row["tracked"]["contact"] or "no contact") in line
    one = json.loads(
        run_cli("--config", str(audited.config), "status", "--endpoint", "track:2", "--format", "json").out
    )
    assert [(r["endpoint"], r["article"]) for r in one] == [("track:2", HARBOUR)]
    assert run_cli("--config", str(audited.config), "status", "--failed", "--format", "json").out.count("track:") == 0


def test_run_writes_the_page_beside_the_feeds_when_configured(run_cli: Any, audited: Audited) -> None:
    page = audited.config.parent / "feeds" / "status.html"
    assert run_cli("--config", str(audited.config), "run").status in (0, 1)
    assert not page.exists()
    audited.config.write_text(audited.config.read_text() + "\n[status]\npage = true\n")
    run_cli("--config", str(audited.config), "run")
    assert_page_shows(page.read_text(), _status_json(run_cli, audited.config))
    assert not list(page.parent.glob(".status.html.*"))  # written atomically: no temporary file left
    # and audit writes it again, with what it found now
    before = page.read_bytes()
    run_cli("--config", str(audited.config), "audit")
    assert page.read_bytes() != before
    assert_page_shows(page.read_text(), _status_json(run_cli, audited.config))


def test_html_usage(run_cli: Any, site: Path, tmp_path: Path) -> None:
    config = str(site / "syndicate.toml")
    out = tmp_path / "copies.html"
    none = run_cli("--config", config, "status", "--html", str(out))  # no ledger yet: a page that says so
    assert none.status == 0 and "No delivery is recorded yet" in out.read_text()
    assert not (site / ".syndicate" / "state.db").exists()
    both = run_cli("--config", config, "status", "--html", str(out), "--format", "json")
    assert both.status == 2 and "--html" in both.err and "Traceback" not in both.err
    folder = run_cli("--config", config, "status", "--html", str(tmp_path))
    assert folder.status == 2 and "is a directory" in folder.err
    (tmp_path / "file").write_text("")
    inside_a_file = run_cli("--config", config, "status", "--html", str(tmp_path / "file" / "copies.html"))
    assert inside_a_file.status == 2 and "cannot write" in inside_a_file.err and "Traceback" not in inside_a_file.err


# --- in a browser ---------------------------------------------------------------------------------


@pytest.fixture
def served(run_cli: Any, audited: Audited, tmp_path: Path) -> Iterator[str]:
    """The page over HTTP on loopback, with JavaScript off (a Content-Security-Policy of no scripts)."""
    folder = tmp_path / "served"
    _write_page(run_cli, audited, folder / "status.html")
    with folder_server(folder, scripts=False) as url:
        yield url + "status.html"


def test_chromium_shows_the_page_with_javascript_off(audited: Audited, served: str, tmp_path: Path) -> None:
    assert_page_shows(chromium(tmp_path, "--dump-dom", served), audited.rows)


def test_chromium_shows_one_section_when_one_is_chosen(audited: Audited, served: str, tmp_path: Path) -> None:
    """Without script, a link to #problems leaves the Problems section alone on the page, and #all
    shows everything again (the window is taller than the page: no scrolling tells them apart)."""
    shot = {}
    for fragment in ("", "#all", "#problems"):
        path = tmp_path / f"shot-{fragment.strip('#')}.png"
        chromium(tmp_path, "--hide-scrollbars", f"--screenshot={path}", "--window-size=1280,5000", served + fragment)
        shot[fragment] = path.read_bytes()
    assert shot[""] == shot["#all"] != shot["#problems"]


@pytest.mark.parametrize("width", [390, 1280])
def test_chromium_screenshots_at_phone_and_desktop_widths(served: str, tmp_path: Path, width: int) -> None:
    shot = tmp_path / f"status-{width}.png"
    chromium(tmp_path, "--hide-scrollbars", f"--screenshot={shot}", f"--window-size={width},2400", served)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert struct.unpack(">II", data[16:24]) == (width, 2400)  # IHDR width, height


def test_a_terminal_gets_the_last_audit_column_within_its_width(audited: Audited) -> None:
    from tests.test_status_table import _on_a_terminal

    for columns in (80, 160):
        table = _on_a_terminal(str(audited.config), columns=columns)
        lines = table.split("\n\n")[0].splitlines()  # (the stranded copies follow, a line each)
        at = next(i for i, line in enumerate(lines) if line.startswith("ARTICLE"))
        header = " ".join(" ".join(lines[: at + 1]).split())
        assert all(name in header for name in ("ARTICLE", "STATE", "REMOTE", "ERROR", "AUDIT", "WHEN"))
        assert max(len(line) for line in lines) <= columns
        # the column starts where its name does: "LAST AUDIT" on one line, or wrapped with AUDIT below LAST
        start = lines[at].find("LAST AUDIT") if "LAST AUDIT" in lines[at] else lines[at].index("AUDIT")
        end = lines[at].index("WHEN")
        column = "".join("".join(line[start:end].split()) for line in lines[at + 1 :])
        # (HARBOUR's at partner, and at the copier tracked by hand)
        assert column.count("attribution-missing") == 2 and column.count("copy-missing") == 2
